"""Who does what in the demo workflow: the services are called as the user who would act
(an agency's clerk registers and requests, the office's officer accepts and draws, experts sign),
so the audit log and the case timelines name them, exactly as after a real request.

The services find the acting user the way a request does (``app.audit.services.acting_user``):
inside a request context, ``g.api_user``. :func:`request_scope` provides the context (no client
address: the demo was loaded from the command line) and :func:`acting` sets the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy import select

from app.audit import services as audit
from app.auth.models import User
from app.extensions import db
from app.seed.case_data import AGENCY_ACCOUNTS
from app.seed.context import DEMO_SUMMARY_PREFIX, SeedContext

_UNSET = object()


@contextmanager
def request_scope() -> Iterator[None]:
    had_login_user = "_login_user" in g
    try:
        with current_app.test_request_context("/", environ_base={"REMOTE_ADDR": None}):
            yield
    finally:
        if not had_login_user:  # Flask-Login caches the (anonymous) user on g: leave none behind
            g.pop("_login_user", None)


@contextmanager
def acting(user) -> Iterator[object]:
    previous = g.get("api_user", _UNSET)
    g.api_user = user
    try:
        yield user
    finally:
        if previous is _UNSET:
            g.pop("api_user", None)
        else:
            g.api_user = previous


def _record_new_user(user: User) -> None:
    with acting(None):  # created by the demo loader, not by whoever is acting at the moment
        audit.record("create", "user", user.id, f"{DEMO_SUMMARY_PREFIX}新增用户 {user.username}（{user.role_label}）",
                     after=user.to_dict())


def _free_username(wanted: str) -> str:
    name, n = wanted, 1
    while db.session.execute(select(User.id).where(User.username == name)).first():
        n += 1
        name = f"{wanted}{n}"
    return name


def agency_user(ctx: SeedContext, org) -> User:
    """The clerk (经办人) of a handling agency: the demo sign-in where there is one, else an
    account of AGENCY_ACCOUNTS created now (same demo password)."""
    user = ctx.agency_users.get(org.id)
    if user is None:
        user = next((u for u in ctx.users.values() if u.role == "agency" and u.organization_id == org.id), None)
    if user is None:
        username, display_name = AGENCY_ACCOUNTS.get(org.name, (f"agency{org.id}", f"{org.name}经办人"))
        user = User(username=_free_username(username), role="agency", display_name=display_name,
                    email=f"{username}@xinfang-demo.example", password_hash=ctx.password_hash, organization=org)
        db.session.add(user)
        db.session.flush()
        _record_new_user(user)
        ctx.count("agency_accounts")
    ctx.agency_users[org.id] = user
    return user


def expert_user(ctx: SeedContext, expert) -> User:
    """The expert's account, created on first need (panel members who sign an opinion must
    sign in themselves): username from the e-mail address, the demo password."""
    user = ctx.expert_users.get(expert.id)
    if user is None:
        user = db.session.execute(select(User).where(User.expert_id == expert.id)).scalar_one_or_none()
    if user is None:
        local = (expert.email or f"expert{expert.id}@").split("@", 1)[0] or f"expert{expert.id}"
        user = User(username=_free_username(local), role="expert", display_name=expert.name, email=expert.email,
                    password_hash=ctx.password_hash, expert=expert)
        db.session.add(user)
        db.session.flush()
        _record_new_user(user)
        ctx.count("expert_accounts")
    ctx.expert_users[expert.id] = user
    return user
