"""Migrations (issue 13, point 5), on the database the suite runs on (SQLite or PostgreSQL):

- the whole chain, one step at a time: up to head, down to base, up again — after each step the
  schema is the one that revision had on the way up, base leaves nothing behind, and head the
  second time is head the first time;
- a database filled at the first schema (0001_foundation) with plain SQL upgrades to head with
  every row intact, the app at head signs its users in and reads its experts, and downgrading
  back to the first schema keeps those rows as well.

Each test migrates a database of its own (a temporary SQLite file or PostgreSQL schema).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.config import BASE_DIR
from app.extensions import db

FIRST = "0001_foundation"


@contextmanager
def fresh_app() -> Iterator[Flask]:
    """An app on an empty database of its own, inside its app context."""
    instance = tempfile.mkdtemp(prefix="xf-mig-")
    url = os.environ.get("TEST_DATABASE_URL", "")
    schema = None
    if url.startswith("postgres"):
        admin_url = "postgresql+psycopg://" + url.split("://", 1)[1]
        schema = f"mig_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in admin_url else "?"
        database = f"{admin_url}{sep}options=-csearch_path%3D{schema}"
    else:
        database = f"sqlite:///{os.path.join(instance, 'migrations.db')}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database, "INSTANCE_DIR": instance})
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
        shutil.rmtree(instance, ignore_errors=True)


def chain() -> list[str]:
    """Revision ids from the first to head (one linear chain)."""
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    assert len(script.get_heads()) == 1, "the migrations must form one chain"
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def schema() -> dict[str, tuple]:
    """Every table (but Alembic's own) with its columns, indexes, unique constraints and foreign
    keys (reflected all at once: one catalog query per kind on PostgreSQL)."""
    db.session.remove()
    inspector = inspect(db.engine)
    tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
    if not tables:
        return {}
    columns = inspector.get_multi_columns(filter_names=tables)
    indexes = inspector.get_multi_indexes(filter_names=tables)
    uniques = inspector.get_multi_unique_constraints(filter_names=tables)
    fks = inspector.get_multi_foreign_keys(filter_names=tables)
    found = {}
    for key in columns:
        table = key[1]
        found[table] = (
            tuple(sorted((c["name"], c["nullable"]) for c in columns[key])),
            tuple(sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in indexes.get(key, []))),
            tuple(sorted(tuple(u["column_names"]) for u in uniques.get(key, []))),
            tuple(sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in fks.get(key, []))),
        )
    return found


def test_every_migration_upgrades_and_downgrades_step_by_step():
    revisions = chain()
    assert revisions[0] == FIRST
    with fresh_app():
        assert schema() == {}
        seen = {}
        for revision in revisions:
            upgrade(revision=revision)
            seen[revision] = schema()
            assert seen[revision], revision
        head = seen[revisions[-1]]
        assert set(head) >= {t.name for t in db.metadata.sorted_tables if t.name != "search_entries"}
        for previous in reversed(revisions[:-1]):
            downgrade(revision=previous)
            assert schema() == seen[previous], f"downgrade to {previous} left a different schema"
        downgrade(revision="base")
        assert schema() == {}, "base must leave no table behind"
        upgrade()
        assert schema() == head, "head after a full round trip differs from head the first time"


# --------------------------------------------------------------------------- data written at 0001

T0 = datetime(2026, 1, 5, 9, 30, 0)


def _insert(sql: str, rows: list[dict]) -> None:
    for row in rows:
        db.session.execute(text(sql), row)


def fill_first_schema(password: str) -> None:
    """Realistic rows for every table of 0001_foundation, with the SQL of that time."""
    pw = generate_password_hash(password, method="pbkdf2:sha256:1000")
    _insert("INSERT INTO organizations (name, kind, tier, region_code, parent_id, doc_prefix, created_at) "
            "VALUES (:name, :kind, :tier, :region_code, :parent_id, :doc_prefix, :created_at)", [
                {"name": "国家信访局", "kind": "petition_office", "tier": "national", "region_code": "000000", "parent_id": None,
                     "doc_prefix": None, "created_at": T0},
                {"name": "江苏省信访局", "kind": "petition_office", "tier": "provincial", "region_code": "320000", "parent_id": 1,
                     "doc_prefix": "苏信专审", "created_at": T0},
                {"name": "南京市信访局", "kind": "petition_office", "tier": "municipal", "region_code": "320100", "parent_id": 2,
                     "doc_prefix": "宁信专审", "created_at": T0},
                {"name": "南京市住房保障和房产局", "kind": "handling_agency", "tier": "municipal", "region_code": "320100",
                     "parent_id": None, "doc_prefix": None, "created_at": T0},
            ])
    _insert("INSERT INTO experts (name, tier, region_code, employer, employer_organization_id, title, phone, email, "
            "status, term_end, max_open_consultations, version, created_at, updated_at) VALUES (:name, :tier, "
            ":region_code, :employer, :org, :title, :phone, :email, :status, :term_end, :max_open, :version, :t, :t)", [
                {"name": "王建国", "tier": "municipal", "region_code": "320100", "employer": "南京大学法学院", "org": None, "title": "教授",
                     "phone": "13900000001", "email": "wjg@example.cn", "status": "active", "term_end": date(2028, 12, 31),
                     "max_open": 3, "version": 2, "t": T0},
                {"name": "陈志强", "tier": "provincial", "region_code": "320000", "employer": "南京市住房保障和房产局", "org": 4,
                     "title": "律师", "phone": "13900000002", "email": "czq@example.cn", "status": "suspended", "term_end": None,
                     "max_open": 5, "version": 1, "t": T0},
            ])
    _insert("INSERT INTO expert_specialties (expert_id, specialty) VALUES (:e, :s)", [
        {"e": 1, "s": "administrative_law"}, {"e": 1, "s": "land_property_law"}, {"e": 2, "s": "labor_law"}])
    _insert('INSERT INTO expert_unavailability (expert_id, start, "end", reason, created_at) '
            "VALUES (:e, :start, :end, :reason, :t)", [
                {"e": 1, "start": datetime(2026, 2, 2, 1), "end": datetime(2026, 2, 6, 9), "reason": "出差（北京）", "t": T0}])
    _insert("INSERT INTO users (username, password_hash, display_name, role, organization_id, expert_id, is_active, "
            "created_at, password_changed_at) VALUES (:u, :pw, :d, :role, :org, :expert, :active, :t, :t)", [
                {"u": "admin", "pw": pw, "d": "系统管理员", "role": "admin", "org": None, "expert": None, "active": True, "t": T0},
                {"u": "officer_nj", "pw": pw, "d": "张敏", "role": "officer", "org": 3, "expert": None, "active": True, "t": T0},
                {"u": "expert_wjg", "pw": pw, "d": "王建国", "role": "expert", "org": None, "expert": 1, "active": True, "t": T0},
                {"u": "agency_old", "pw": pw, "d": "离职人员", "role": "agency", "org": 4, "expert": None, "active": False, "t": T0},
            ])
    _insert("INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at, revoked_at) "
            "VALUES (:u, :h, :t, :exp, :rev)", [
                {"u": 2, "h": "a" * 64, "t": T0, "exp": datetime(2026, 1, 6, 9, 30), "rev": None},
                {"u": 4, "h": "b" * 64, "t": T0, "exp": datetime(2026, 1, 6, 9, 30), "rev": datetime(2026, 1, 5, 10)}])
    _insert("INSERT INTO login_attempts (username, succeeded, ip, created_at) VALUES (:u, :ok, :ip, :t)", [
        {"u": "officer_nj", "ok": True, "ip": "10.1.2.3", "t": T0}, {"u": "officer_nj", "ok": False, "ip": "10.1.2.4", "t": T0}])
    _insert("INSERT INTO expert_conflicts (expert_id, organization_id, person_name, case_id, reason, created_at, "
            "created_by_id) VALUES (:e, :org, :person, :case, :reason, :t, :by)", [
                {"e": 1, "org": 4, "person": None, "case": None, "reason": "曾任该局法律顾问（2024年）", "t": T0, "by": 2},
                {"e": 2, "org": None, "person": "刘德明", "case": None, "reason": "与信访人系亲属", "t": T0, "by": None}])
    _insert("INSERT INTO audit_log (created_at, actor_id, actor_name, action, object_type, object_id, subject, "
            "summary, before, after, ip, prev_hash, hash) VALUES (:t, :actor, :name, :action, :type, :oid, :subject, "
            ":summary, :before, :after, :ip, :prev, :hash)", [
                {"t": T0, "actor": 1, "name": "admin", "action": "create", "type": "organization", "oid": 3, "subject": None,
                     "summary": "新建单位 南京市信访局", "before": None, "after": '{"name": "南京市信访局"}', "ip": "10.1.2.3",
                     "prev": "0" * 64, "hash": "1" * 64},
                {"t": T0, "actor": 2, "name": "officer_nj", "action": "update", "type": "expert", "oid": 1, "subject": "expert:1",
                     "summary": "修改专家 王建国", "before": '{"version": 1}', "after": '{"version": 2}', "ip": "10.1.2.3",
                     "prev": "1" * 64, "hash": "2" * 64},
            ])
    db.session.commit()


FIRST_TABLES = ("organizations", "experts", "expert_specialties", "expert_unavailability", "users", "api_tokens",
                "login_attempts", "expert_conflicts", "audit_log")


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def snapshot(columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """The rows of the first schema's tables, in the columns they had then, in a fixed order."""
    db.session.remove()
    with db.engine.connect() as conn:
        return {table: [tuple(row) for row in conn.execute(
            text(f'SELECT {_quoted(cols)} FROM "{table}" ORDER BY {_quoted(cols[:2])}'))]
            for table, cols in columns.items()}


def test_data_written_at_the_first_schema_survives_to_head():
    password = "Old-schema-pass-1"
    with fresh_app() as app:
        upgrade(revision=FIRST)
        fill_first_schema(password)
        inspector = inspect(db.engine)
        columns = {t: [c["name"] for c in inspector.get_columns(t)] for t in FIRST_TABLES}
        before = snapshot(columns)
        assert [len(before[t]) for t in FIRST_TABLES] == [4, 2, 3, 1, 4, 2, 2, 2, 2]

        upgrade()  # to head, through every migration

        assert snapshot(columns) == before, "rows of the first schema changed on the way to head"
        if db.engine.dialect.name == "sqlite":  # migrations turn them off for a table rebuild, and back on
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with db.engine.connect() as conn:  # columns added later got their defaults
            marks = conn.execute(text("SELECT print_issuer_mark, issuer_mark FROM organizations ORDER BY id")).all()
        assert [(bool(p), m) for p, m in marks] == [(False, None)] * 4

        # The app at head works with those rows: sign-in, the officer's organization, the expert.
        client = app.test_client()
        resp = client.post("/api/v1/auth/token", json={"username": "officer_nj", "password": password})
        assert resp.status_code == 201, resp.get_json()
        assert resp.get_json()["user"]["organization_id"] == 3
        headers = {"Authorization": f"Bearer {resp.get_json()['token']}"}
        expert = client.get("/api/v1/experts/1", headers=headers)
        assert expert.status_code == 200, expert.get_json()
        body = expert.get_json()
        assert (body["name"], body["employer"], sorted(body["specialties"])) == (
            "王建国", "南京大学法学院", ["administrative_law", "land_property_law"])
        assert client.post("/api/v1/auth/token", json={"username": "agency_old", "password": password}).status_code == 401
        org = client.get("/api/v1/organizations/3", headers=headers).get_json()
        assert (org["name"], org["parent_id"], org["doc_prefix"]) == ("南京市信访局", 2, "宁信专审")

        # And back: downgrading to the first schema (through the same table rebuilds) keeps them too.
        at_head = snapshot(columns)
        downgrade(revision=FIRST)
        assert snapshot(columns) == at_head


@pytest.mark.parametrize("revision", chain())
def test_each_migration_has_a_downgrade(revision):
    """Not a stub: every revision's downgrade does something (the walk above proves it works)."""
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    module = script.get_revision(revision).module
    source = Path(module.__file__).read_text(encoding="utf-8")
    body = source.split("def downgrade", 1)[1]
    assert "op." in body, f"{revision}: downgrade() changes nothing"


# --------------------------------------------------------------------------- 0012: extension days

EXTENSION = "0012_case_extension_days"


def _revision_before(revision: str) -> str:
    revisions = chain()
    return revisions[revisions.index(revision) - 1]


def test_extension_days_are_filled_from_the_stored_due_dates_and_the_downgrade_keeps_them():
    """Until 0012 a due date was accepted_on + 60 days + the extension: the migration stores what
    lies beyond the 60 days (never negative), and the way back keeps every due date (and, on
    SQLite, the figure cache's triggers on the rebuilt cases table)."""
    with fresh_app():
        upgrade(revision=_revision_before(EXTENSION))
        _insert("INSERT INTO organizations (name, kind, tier, region_code, created_at) "
                "VALUES (:name, :kind, :tier, :region_code, :t)",
                [{"name": "南京市住房保障和房产局", "kind": "handling_agency", "tier": "municipal", "region_code": "320100",
                  "t": T0}])
        accepted = date(2026, 1, 5)
        rows = {  # case number: (accepted_on, due_date, extension expected)
            "C-60": (accepted, date(2026, 3, 6), 0),       # + 60: not extended
            "C-90": (accepted, date(2026, 4, 5), 30),      # + 90: extended by 30
            "C-75": (accepted, date(2026, 3, 21), 15),     # + 75
            "C-50": (accepted, date(2026, 2, 24), 0),      # shortened by hand: no extension, not -10
            "C-none": (None, None, 0),                     # not accepted yet
            "C-nodue": (accepted, None, 0),
        }
        _insert("INSERT INTO cases (case_number, title, summary, claims, category, region_code, handling_org_id, "
                "repeat_letters, repeat_visits, repeat_online, cross_flags, responsible_leader, is_backlog, status, "
                "accepted_on, due_date, created_at, updated_at, version) VALUES (:n, '标题', '摘要', '诉求', "
                "'land_expropriation', '320100', 1, 0, 0, 0, '[]', '', :backlog, 'registered', :acc, :due, :t, :t, 1)",
                [{"n": n, "acc": acc, "due": due, "t": T0, "backlog": False} for n, (acc, due, _) in rows.items()])
        db.session.commit()
        columns = {"cases": ["case_number", "accepted_on", "due_date", "version"]}
        before = snapshot(columns)

        upgrade(revision=EXTENSION)
        with db.engine.connect() as conn:
            filled = dict(conn.execute(text("SELECT case_number, extension_days FROM cases")).all())
        assert filled == {n: ext for n, (_, _, ext) in rows.items()}
        assert snapshot(columns) == before

        downgrade(revision=_revision_before(EXTENSION))
        assert snapshot(columns) == before
        assert "extension_days" not in {c["name"] for c in inspect(db.engine).get_columns("cases")}
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                triggers = conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'").scalars().all()
            assert sorted(triggers) == [f"tr_cases_{e}_supervision_version" for e in ("delete", "insert", "update")]
