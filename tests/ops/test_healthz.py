"""GET /healthz: 200 when every part works, 503 naming each part that does not — each part
broken for real where the test can (an unreachable database, a files path that is a file, a
deleted search index, an outbox over its limits)."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from sqlalchemy import text

from app import create_app
from app.notifications.models import OutboxEmail
from app.search import service as search_service
from tests.search.corpus import generate_opinions
from tests.search.issued import insert_issued

PARTS = {"database", "storage", "search", "outbox"}


def test_all_parts_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert {part: body[part] for part in PARTS} == dict.fromkeys(PARTS, "ok")
    assert body["status"] == "ok" and "failing" not in body
    assert body["outbox_backlog"] == {"undelivered": 0, "dead": 0}
    assert set(body) == PARTS | {"status", "outbox_backlog"}  # nothing else: no names, paths or versions
    assert resp.headers["Cache-Control"] == "no-store"


def test_needs_no_sign_in_and_sets_no_cookie(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert "Set-Cookie" not in resp.headers


def _unreachable_database_url(instance: str) -> str:
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        return "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"  # nothing listens on port 1
    directory = os.path.join(instance, "platform.db")  # a directory where the database file should be
    os.mkdir(directory)
    return f"sqlite:///{directory}"


def test_database_down_is_named():
    instance = tempfile.mkdtemp(prefix="xf-healthz-")
    try:
        broken = create_app("testing", {"SQLALCHEMY_DATABASE_URI": _unreachable_database_url(instance),
                                        "INSTANCE_DIR": instance})
        with broken.app_context():
            resp = broken.test_client().get("/healthz")
            body = resp.get_json()
            broken.extensions["sqlalchemy"].engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    assert resp.status_code == 503
    assert body["database"] == "failing" and "database" in body["failing"]
    assert body["storage"] == "ok"  # the files directory does not need the database
    assert body["status"] == "failing"
    assert body["reasons"]["database"] == "OperationalError"


def test_storage_not_writable_is_named(app, client, monkeypatch, tmp_path):
    (tmp_path / "files").write_text("a file where the files directory should be")
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    resp = client.get("/healthz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert body["failing"] == ["storage"]
    assert body["storage"] == "failing" and body["database"] == "ok" and body["search"] == "ok"


def test_deleted_search_index_is_named(app, client, world):
    record = next(iter(generate_opinions(1, seed=13)))
    insert_issued(record, world.agency, world.nj)  # committed and indexed
    assert client.get("/healthz").status_code == 200
    backend = search_service.backend()
    assert backend.name == "whoosh"  # the test configuration's backend
    shutil.rmtree(backend.directory)
    resp = client.get("/healthz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert body["failing"] == ["search"] and body["reasons"]["search"] == "index_unavailable"


def test_empty_installation_without_index_is_healthy(app, client):
    """Nothing issued yet: no index to read is not a failure (the first search creates it)."""
    shutil.rmtree(search_service.backend().directory, ignore_errors=True)
    assert client.get("/healthz").status_code == 200


def _mail(n: int, status: str) -> OutboxEmail:
    return OutboxEmail(message_id=f"<healthz-{status}-{n}@test>", to_address="a@example.cn", subject="s", body="b",
                       status=status)


def test_outbox_backlog_over_the_limit_is_named(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "HEALTH_OUTBOX_MAX_UNDELIVERED", 2)
    db.session.add_all([_mail(1, "pending"), _mail(2, "sending")])
    db.session.commit()
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.get_json()["outbox_backlog"] == {"undelivered": 2, "dead": 0}
    db.session.add(_mail(3, "pending"))
    db.session.commit()
    resp = client.get("/healthz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert body["failing"] == ["outbox"] and body["reasons"]["outbox"] == "backlog"
    assert body["outbox_backlog"] == {"undelivered": 3, "dead": 0}


def test_dead_messages_over_the_limit_are_named(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "HEALTH_OUTBOX_MAX_DEAD", 1)
    db.session.add_all([_mail(1, "failed"), _mail(2, "failed"), _mail(3, "sent")])
    db.session.commit()
    resp = client.get("/healthz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert body["failing"] == ["outbox"] and body["reasons"]["outbox"] == "dead_messages"
    assert body["outbox_backlog"] == {"undelivered": 0, "dead": 2}


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                    reason="the PostgreSQL search backend needs PostgreSQL")
def test_postgresql_search_table_gone_is_named(app, client, db, world, monkeypatch):
    """SEARCH_BACKEND=postgresql: its own check reads search_entries; without the table, search fails."""
    from app.search.backends.postgres import PostgresBackend

    monkeypatch.setitem(app.extensions, "search_backend", PostgresBackend())
    insert_issued(next(iter(generate_opinions(1, seed=14))), world.agency, world.nj)  # indexed in the database
    assert client.get("/healthz").get_json()["search"] == "ok"
    db.session.execute(text("ALTER TABLE search_entries RENAME TO search_entries_away"))
    db.session.commit()
    try:
        resp = client.get("/healthz")
    finally:
        db.session.rollback()
        db.session.execute(text("ALTER TABLE search_entries_away RENAME TO search_entries"))
        db.session.commit()
    body = resp.get_json()
    assert resp.status_code == 503
    assert body["failing"] == ["search"] and body["database"] == "ok"
