"""Demo data: idempotent, realistic in shape, valid by the platform's own rules, every demo
sign-in works, and the audit chain it writes verifies."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.audit.services import verify
from app.auth.models import User
from app.auth.services import password_problems
from app.experts.models import ConflictDeclaration, Expert, Unavailability
from app.extensions import db
from app.orgs.models import Organization
from app.seed.demo import DEMO_LOGINS, seed_demo
from app.validation import MOBILE_RE
from expert_pool import regions
from expert_pool.codes import ROLES, SPECIALTIES, TIER_RANK


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_seed_is_idempotent_fast_and_verifiable(app):
    started = time.perf_counter()
    assert seed_demo() == DEMO_LOGINS
    assert time.perf_counter() - started < 20
    counts = {m: count(m) for m in (Organization, Expert, User, ConflictDeclaration, Unavailability, AuditEntry)}
    assert seed_demo() is None
    assert {m: count(m) for m in counts} == counts
    assert counts[Expert] >= 200 and counts[ConflictDeclaration] >= 3 and counts[Unavailability] >= 3
    # One entry per row seeded above, plus those the case and consultation workflow wrote.
    assert counts[AuditEntry] > sum(n for m, n in counts.items() if m is not AuditEntry)
    result = verify()
    assert result.ok and result.checked == counts[AuditEntry]


def test_experts_are_plausible_and_cover_every_pool(app):
    seed_demo()
    experts = db.session.execute(select(Expert)).scalars().all()
    pools = Counter((e.tier, e.region_code) for e in experts)
    assert set(pools) == {("national", "000000"), ("provincial", "320000"), ("provincial", "330000"),
                          ("municipal", "320100"), ("municipal", "320500"), ("municipal", "330100"),
                          ("municipal", "330200")}
    assert min(pools.values()) >= 20
    assert len({(e.name, e.phone) for e in experts}) == len(experts)
    assert len({e.phone for e in experts}) == len(experts)
    assert len({e.email for e in experts}) == len(experts)
    assert all(MOBILE_RE.match(e.phone) for e in experts)
    assert all(2 <= len(e.name) <= 4 for e in experts)
    assert all(1 <= len(e.specialties) <= 3 and set(e.specialties) <= set(SPECIALTIES) for e in experts)
    assert all(date(2026, 1, 1) <= e.term_end <= date(2029, 12, 31) for e in experts)
    statuses = Counter(e.status for e in experts)
    assert statuses["active"] > 0.75 * len(experts) and statuses["suspended"] and statuses["retired"]
    specialties = Counter(s for e in experts for s in e.specialties)
    assert set(specialties) == set(SPECIALTIES)
    titles = {e.title for e in experts}
    assert {"教授", "律师", "退休法官", "主任医师", "国家二级心理咨询师"} <= titles
    employers = {e.employer for e in experts}
    assert {"南京大学法学院", "浙江大学光华法学院", "中国政法大学法学院", "南京市中级人民法院"} <= employers
    # Retired judges point at their court, so recusal can see the employer.
    judge = next(e for e in experts if e.employer == "南京市中级人民法院")
    assert judge.employer_organization.name == "南京市中级人民法院"


def test_organizations_follow_the_hierarchy_rules(app):
    seed_demo()
    orgs = db.session.execute(select(Organization)).scalars().all()
    for org in orgs:
        assert regions.validate(org.region_code) is None, org.name
        assert regions.level(org.region_code) == org.tier, org.name
        if org.parent is not None:
            assert regions.contains(org.parent.region_code, org.region_code), org.name
            assert TIER_RANK[org.tier] >= TIER_RANK[org.parent.tier], org.name
    by_name = {o.name: o for o in orgs}
    assert by_name["南京市信访局"].parent.name == "江苏省信访局"
    assert by_name["江苏省信访局"].parent.name == "国家信访局"
    assert by_name["南京市信访局"].doc_prefix == "宁信专审"
    assert by_name["江宁区人民政府"].parent.name == "南京市人民政府"
    kinds = Counter((o.kind, o.tier) for o in orgs)
    assert kinds[("petition_office", "municipal")] == 4 and kinds[("petition_office", "provincial")] == 2
    assert kinds[("handling_agency", "county")] >= 4


def test_demo_logins_cover_every_role_and_sign_in(app, client):
    seed_demo()
    assert {role for _, _, role, _ in DEMO_LOGINS} == set(ROLES)
    for username, password, role, note in DEMO_LOGINS:
        assert not password_problems(password, username), username
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        assert user.role == role and note
        resp = client.post("/login", data={"username": username, "password": password})
        assert resp.status_code == 302, username
        assert client.get("/dashboard").status_code == 200, username
        client.post("/logout")
    expert_user = db.session.execute(select(User).where(User.username == "expert_nj")).scalar_one()
    assert expert_user.expert is not None and expert_user.expert.status == "active"
    assert expert_user.display_name == expert_user.expert.name
    officers = {u.username: u.organization.name for u in db.session.execute(select(User).where(User.role == "officer")).scalars()}
    assert {"国家信访局", "江苏省信访局", "南京市信访局", "浙江省信访局", "杭州市信访局"} <= set(officers.values())
    agency = db.session.execute(select(User).where(User.username == "nj_agency")).scalar_one()
    assert agency.organization.kind == "handling_agency" and agency.organization.region_code.startswith("3201")
    assert verify().ok  # sign-ins appended to the seeded chain


def test_cli_seed_demo_and_logins(app, runner):
    result = runner.invoke(args=["seed", "demo", "--experts", "210"])
    assert result.exit_code == 0, result.output
    assert "experts=210" in result.output
    assert count(Expert) == 210
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "already present" in again.output
    logins = runner.invoke(args=["seed", "logins"])
    assert all(username in logins.output for username, *_ in DEMO_LOGINS)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
