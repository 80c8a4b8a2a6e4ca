"""Shared fixtures: the app on SQLite or PostgreSQL (TEST_DATABASE_URL), a clean database per
test, factories for organizations, users and experts, and sign-in helpers for UI and API.

The schema is built by running the Alembic migrations, so every test run also tests them.
Under pytest-xdist each worker gets its own SQLite file or PostgreSQL schema.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from datetime import UTC, date, datetime

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from app import clock, create_app
from app.extensions import db as _db

PASSWORD = "Passw0rd-test"
# Meetings cannot be put in the past, and the tests work on 2026 dates the holiday calendar knows.
FIXED_NOW = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)


def _pg_admin_url() -> str:
    return "postgresql+psycopg://" + os.environ["TEST_DATABASE_URL"].split("://", 1)[1]


def _database_url(worker: str) -> tuple[str, str | None]:
    """A fresh database for this test process: a PostgreSQL schema of its own (so parallel
    runs and xdist workers never collide) or a temporary SQLite file. Returns (url, schema)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        url = _pg_admin_url()
        schema = f"test_{worker}_{os.getpid()}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        sep = "&" if "?" in url else "?"
        # synchronous_commit=off: the test database need not survive a crash, and commits get cheap.
        return f"{url}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff", schema
    path = os.path.join(tempfile.mkdtemp(prefix=f"xf-test-{worker}-"), "test.db")
    return f"sqlite:///{path}", None


@pytest.fixture(scope="session")
def app():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url, schema = _database_url(worker)
    instance_dir = tempfile.mkdtemp(prefix="xf-inst-")
    application = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": instance_dir})
    application.test_client_class = UserClient
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
        _init_pki()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if schema:
        admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    else:
        shutil.rmtree(os.path.dirname(url.removeprefix("sqlite:///")), ignore_errors=True)
    shutil.rmtree(instance_dir, ignore_errors=True)


def _init_pki() -> None:
    """The signing root in this session's INSTANCE_DIR (a fresh instance has none): issuing signs
    every opinion, and each office gets its certificate when it first issues."""
    from app.pki import store

    store.create_root("测试根证书")


@pytest.fixture(autouse=True)
def _clean_tables(request, app):
    """Empty every table after each test (cheaper than rebuilding the schema)."""
    if "app" not in request.fixturenames and "client" not in request.fixturenames:
        yield
        return
    ctx = app.app_context()
    ctx.push()
    yield
    _db.session.rollback()
    _db.session.remove()
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    # DELETE in dependency order: on small tables far cheaper than TRUNCATE on PostgreSQL.
    with _db.engine.begin() as conn:
        for table in tables:
            conn.execute(text(f'DELETE FROM "{table}"'))
    _clear_search_index(app)
    ctx.pop()


def _clear_search_index(app) -> None:
    """The Whoosh index lives in files, outside the database the tests empty: empty it too."""
    search = app.extensions.get("search_backend")
    if search is not None and hasattr(search, "clear"):
        search.clear()


class UserClient(FlaskClient):
    """Each test keeps one app context pushed (for direct database access), and requests reuse
    it; forget Flask-Login's cached user before every request so that several clients signed in
    as different users never see each other's identity."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def freeze_clock():
    """``freeze_clock(at=FIXED_NOW)``: the business clock (``app.clock``) reads ``at`` until the
    test ends; a later call moves it again."""
    with contextlib.ExitStack() as stack:
        yield lambda at=FIXED_NOW: stack.enter_context(clock.frozen(at))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    return _db


_seq = itertools.count(1)


class Factory:
    """Creates committed rows with sensible defaults; keyword arguments override them."""

    def org(self, name=None, kind="petition_office", tier="municipal", region_code="320100", parent=None, **kw):
        from app.orgs.models import Organization

        org = Organization(name=name or f"测试单位{next(_seq)}", kind=kind, tier=tier, region_code=region_code,
                           parent_id=parent.id if parent else None, **kw)
        _db.session.add(org)
        _db.session.commit()
        return org

    def user(self, role="officer", organization=None, expert=None, username=None, password=PASSWORD, **kw):
        from app.auth.models import User

        user = User(username=username or f"{role}{next(_seq)}", display_name=kw.pop("display_name", "测试用户"),
                    role=role, organization_id=organization.id if organization else None,
                    expert_id=expert.id if expert else None, **kw)
        user.set_password(password)
        _db.session.add(user)
        _db.session.commit()
        return user

    def expert(self, name=None, tier="municipal", region_code="320100", specialties=("administrative_law",), **kw):
        from app.experts.models import Expert

        n = next(_seq)
        expert = Expert(name=name or f"专家{n}", tier=tier, region_code=region_code,
                        employer=kw.pop("employer", "南京大学法学院"), title=kw.pop("title", "教授"),
                        phone=kw.pop("phone", f"139{n:08d}"), email=kw.pop("email", f"e{n}@example.cn"),
                        status=kw.pop("status", "active"), term_end=kw.pop("term_end", date(2028, 12, 31)),
                        max_open_consultations=kw.pop("max_open_consultations", 3), **kw)
        expert.specialties = list(specialties)
        _db.session.add(expert)
        _db.session.commit()
        return expert


    def case(self, handling_org, case_number=None, petitioner: str | None = None, **kw):
        """A registered 南京 land-expropriation case of ``handling_org``; keyword arguments override."""
        from app.cases.models import Case, Petitioner

        n = next(_seq)
        case = Case(case_number=case_number or f"320100-2026-7{n:04d}", title=kw.pop("title", f"某小区征收补偿信访事项{n}"),
                    summary=kw.pop("summary", "信访人对征收补偿标准有异议。"), claims=kw.pop("claims", "要求提高补偿标准"),
                    category=kw.pop("category", "land_expropriation"), region_code=kw.pop("region_code", "320100"),
                    handling_org_id=handling_org.id, first_petition_date=kw.pop("first_petition_date", date(2025, 3, 1)),
                    cross_flags=kw.pop("cross_flags", []), responsible_leader=kw.pop("responsible_leader", "张某"),
                    is_backlog=kw.pop("is_backlog", True), status=kw.pop("status", "registered"), **kw)
        if petitioner:
            case.petitioners = [Petitioner(name=petitioner, id_number="", phone="13900000001", address="")]
        _db.session.add(case)
        _db.session.commit()
        return case


@pytest.fixture
def factory(app):
    return Factory()


@pytest.fixture
def world(factory):
    """A small deployment: national office; 江苏 and 浙江 provincial offices; 南京 and 杭州
    municipal offices; an agency in 南京; one user per role; experts in several pools."""
    from types import SimpleNamespace

    f = factory
    national = f.org("国家信访局", tier="national", region_code="000000")
    js = f.org("江苏省信访局", tier="provincial", region_code="320000", parent=national)
    zj = f.org("浙江省信访局", tier="provincial", region_code="330000", parent=national)
    nj = f.org("南京市信访局", tier="municipal", region_code="320100", parent=js)
    hz = f.org("杭州市信访局", tier="municipal", region_code="330100", parent=zj)
    agency = f.org("南京市住房保障和房产局", kind="handling_agency", tier="municipal", region_code="320100", parent=None)
    e_nj = f.expert("王建国", tier="municipal", region_code="320100")
    e_hz = f.expert("李秀英", tier="municipal", region_code="330100", specialties=("civil_law",))
    e_js = f.expert("陈志强", tier="provincial", region_code="320000", specialties=("labor_law",))
    e_nat = f.expert("赵文华", tier="national", region_code="000000", specialties=("petition_policy",))
    return SimpleNamespace(
        national=national, js=js, zj=zj, nj=nj, hz=hz, agency=agency,
        e_nj=e_nj, e_hz=e_hz, e_js=e_js, e_nat=e_nat,
        admin=f.user("admin", username="admin1"),
        officer_nj=f.user("officer", nj, username="officer_nj"),
        officer_hz=f.user("officer", hz, username="officer_hz"),
        officer_js=f.user("officer", js, username="officer_js"),
        officer_nat=f.user("officer", national, username="officer_nat"),
        agency_user=f.user("agency", agency, username="agency_nj"),
        expert_user=f.user("expert", expert=e_nj, username="expert_nj"),
    )


POOL_SPECIALTIES = ("administrative_law", "land_property_law", "civil_law", "petition_policy")


@pytest.fixture
def case(world):
    """A registered case of the 南京 agency (one petitioner), ready for a consultation request."""
    return Factory().case(world.agency, "320100-2026-90001", petitioner="刘德明", title="某小区征收补偿信访事项")


@pytest.fixture
def pool(world, factory):
    """Twelve active 南京 municipal experts across four specialties (two each)."""
    return [factory.expert(f"南京专家{i}", tier="municipal", region_code="320100",
                           specialties=(POOL_SPECIALTIES[i % 4], POOL_SPECIALTIES[(i + 1) % 4])) for i in range(12)]


@pytest.fixture
def login(client):
    """login(user) signs the test client in through the real form."""

    def do(user, password=PASSWORD):
        resp = client.post("/login", data={"username": user.username, "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return resp

    return do


@pytest.fixture
def api(client):
    """api(user) → headers with a fresh bearer token for ``user``."""

    def headers_for(user, password=PASSWORD):
        resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": password})
        assert resp.status_code == 201, resp.get_json()
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    return headers_for
