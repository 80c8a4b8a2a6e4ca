"""The access matrix shares one world per module: building it (and signing every role in) for
each of the several hundred cases would dominate the run. Each case gets its own app context
(so its requests share nothing with other cases) but no table cleaning; the module's world is
removed when the module ends. Cases that change data make unique or idempotent changes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text

from app.extensions import db as _db
from tests.api.conftest import _fast_password_hashing  # noqa: F401  (same cheap hashing as the API tests)
from tests.conftest import PASSWORD, Factory

ROLES = ("anonymous", "agency", "expert", "officer_other", "officer_same", "admin")


@pytest.fixture(autouse=True)
def _clean_tables(request, app):
    """Overrides the per-test cleaning of tests/conftest.py: a fresh app context per case only."""
    ctx = app.app_context()
    ctx.push()
    yield
    _db.session.rollback()
    _db.session.remove()
    ctx.pop()


def _truncate() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(scope="module")
def mworld(app, _fast_password_hashing):  # noqa: F811
    """The conftest world (国家/江苏/浙江/南京/杭州 offices, a 南京 agency, experts, one user per
    role) plus a second 南京 expert and a spare user, as plain ids; a bearer token and a signed-in
    session cookie per role."""
    from app.auth.services import issue_token

    with app.app_context():
        _truncate()
        f = Factory()
        national = f.org("国家信访局", tier="national", region_code="000000")
        js = f.org("江苏省信访局", tier="provincial", region_code="320000", parent=national)
        zj = f.org("浙江省信访局", tier="provincial", region_code="330000", parent=national)
        nj = f.org("南京市信访局", tier="municipal", region_code="320100", parent=js)
        hz = f.org("杭州市信访局", tier="municipal", region_code="330100", parent=zj)
        agency = f.org("南京市住房保障和房产局", kind="handling_agency", tier="municipal", region_code="320100")
        e_nj = f.expert("王建国", tier="municipal", region_code="320100")
        e_nj2 = f.expert("孙丽", tier="municipal", region_code="320100", specialties=("labor_law",))
        e_hz = f.expert("李秀英", tier="municipal", region_code="330100", specialties=("civil_law",))
        e_js = f.expert("陈志强", tier="provincial", region_code="320000", specialties=("labor_law",))
        users = {
            "admin": f.user("admin", username="m_admin"),
            "officer_same": f.user("officer", nj, username="m_officer_nj"),
            "officer_other": f.user("officer", hz, username="m_officer_hz"),
            "officer_js": f.user("officer", js, username="m_officer_js"),
            "agency": f.user("agency", agency, username="m_agency_nj"),
            "expert": f.user("expert", expert=e_nj, username="m_expert_nj"),
            "spare": f.user("officer", nj, username="m_spare_nj"),
        }
        tokens = {}
        for role, user in users.items():
            tokens[role], _ = issue_token(user)
        _db.session.commit()
        w = SimpleNamespace(
            national=national.id, js=js.id, zj=zj.id, nj=nj.id, hz=hz.id, agency=agency.id,
            e_nj=e_nj.id, e_nj2=e_nj2.id, e_hz=e_hz.id, e_js=e_js.id,
            user_ids={role: u.id for role, u in users.items()},
            usernames={role: u.username for role, u in users.items()},
            tokens=tokens, cookies={},
        )
        _db.session.remove()
    # A fresh app context per sign-in: requests reuse a pushed context (and its cached user).
    client = app.test_client()
    for role, username in w.usernames.items():
        with app.app_context():
            resp = client.post("/login", data={"username": username, "password": PASSWORD})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        w.cookies[role] = client.get_cookie("session").value
        client.delete_cookie("session")
    yield w
    with app.app_context():
        _db.session.remove()
        _truncate()
