"""Demo data (`flask seed demo`): fictional but realistic organizations, experts and one sign-in
per role, written quickly through the ORM with a valid audit chain; then petition cases and
consultations in every state, taken through the platform's own services (``app.seed.cases``,
``app.seed.workflow``) so that a new user sees the workflow alive.

The demo is built by *sections* (``SECTIONS``), each a function of a shared
:class:`~app.seed.context.SeedContext` that holds the organizations by name, the experts,
users and cases created so far and the audit entries to write. Later features add a section
function and append it to ``SECTIONS``; every section gets its own RNG
(``ctx.section_rng(name)``) so adding one never changes what the others produce.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.auth.models import User
from app.extensions import db
from app.orgs.models import Organization
from app.audit.models import AuditEntry
from app.seed.cases import seed_cases
from app.seed.context import SeedContext
from app.seed.experts import DEMO_EXPERT_POOL, demo_expert, seed_expert_availability, seed_experts
from app.seed.organizations import PETITION_OFFICES, seed_organizations
from app.seed.workflow import seed_workflow

__all__ = ["DEMO_ACCOUNTS", "DEMO_EXPERT_POOL", "DEMO_LOGINS", "DEMO_PASSWORD", "SECTIONS", "seed_demo"]

# One password for every demo account (satisfies the policy: ≥10 characters, letters and
# digits, contains no demo username). Demo data is for trying the platform, never production.
DEMO_PASSWORD = "Xinfang2026"  # noqa: S105  (published demo credential)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    organization: str | None
    note: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin", "系统管理员", None, "系统管理员：单位、用户、审计日志"),
    DemoAccount("gj_officer", "officer", "刘建华", "国家信访局", "国家信访局工作人员（国家级专家库）"),
    DemoAccount("js_officer", "officer", "陈晓燕", "江苏省信访局", "江苏省信访局工作人员（江苏省级专家库）"),
    DemoAccount("nj_officer", "officer", "王立新", "南京市信访局", "南京市信访局工作人员（南京市级专家库）"),
    DemoAccount("sz_officer", "officer", "顾文静", "苏州市信访局", "苏州市信访局工作人员（苏州市级专家库）"),
    DemoAccount("zj_officer", "officer", "沈国平", "浙江省信访局", "浙江省信访局工作人员（浙江省级专家库）"),
    DemoAccount("hz_officer", "officer", "俞丽萍", "杭州市信访局", "杭州市信访局工作人员（杭州市级专家库）"),
    DemoAccount("nb_officer", "officer", "周海波", "宁波市信访局", "宁波市信访局工作人员（宁波市级专家库）"),
    DemoAccount("nj_agency", "agency", "孙志刚", "南京市规划和自然资源局", "南京市规划和自然资源局经办人"),
    DemoAccount("hz_agency", "agency", "方雅琴", "杭州市住房保障和房产管理局", "杭州市住房保障和房产管理局经办人"),
    DemoAccount("expert_nj", "expert", "", None, "专家（南京市级专家库）"),
)

DEMO_LOGINS: list[tuple[str, str, str, str]] = [(a.username, DEMO_PASSWORD, a.role, a.note) for a in DEMO_ACCOUNTS]


def seed_users(ctx: SeedContext) -> None:
    """One account per DEMO_ACCOUNTS row; the expert account is linked to an active expert of
    南京's municipal pool. The password is hashed once (hashing is the slow part)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")  # as User.set_password
    password_hash = ctx.password_hash = generate_password_hash(DEMO_PASSWORD, method=method)
    expert = demo_expert(ctx.experts)
    for account in DEMO_ACCOUNTS:
        if account.role == "expert" and expert is None:
            continue
        email = expert.email if account.role == "expert" else f"{account.username}@xinfang-demo.example"
        user = User(username=account.username, role=account.role, password_hash=password_hash, email=email,
                    display_name=account.display_name or (expert.name if account.role == "expert" else account.username),
                    organization=ctx.org(account.organization) if account.organization else None,
                    expert=expert if account.role == "expert" else None)
        ctx.users[account.username] = user
    db.session.add_all(ctx.users.values())
    ctx.flush()
    for user in ctx.users.values():
        ctx.audit("create", "user", user.id, f"新增用户 {user.username}（{user.role_label}）", after=user.to_dict())
    ctx.count("users", len(ctx.users))


SECTIONS: list[Callable[[SeedContext], None]] = [
    seed_organizations,
    seed_experts,
    seed_expert_availability,
    seed_users,
    seed_cases,
    seed_workflow,
]


# What the last seed_demo() in this process created, e.g. for the CLI's report.
LAST_RUN: dict[str, float] = {}


def demo_present() -> bool:
    """The demo is there (or would collide) when the national office or a demo username exists."""
    national = PETITION_OFFICES[0][0]
    if db.session.execute(select(Organization.id).where(Organization.name == national)).first():
        return True
    usernames = [a.username for a in DEMO_ACCOUNTS]
    return db.session.execute(select(User.id).where(User.username.in_(usernames))).first() is not None


def seed_demo(expert_count: int = 240) -> list | None:
    """Load the demo in one transaction; returns DEMO_LOGINS, or None (doing nothing) when the
    demo data is already present."""
    if demo_present():
        return None
    started = time.perf_counter()
    ctx = SeedContext(expert_count=expert_count)
    entries_before = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    try:
        for section in SECTIONS:
            section(ctx)
        ctx.write_audit()
        entries = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() - entries_before
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    LAST_RUN.clear()
    LAST_RUN.update(ctx.counts, audit_entries=entries, seconds=round(time.perf_counter() - started, 2))
    current_app.logger.info("demo data loaded: %s", LAST_RUN)
    return DEMO_LOGINS
