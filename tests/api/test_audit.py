"""The audit log: what is recorded, and that `flask audit verify` catches tampering."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEntry
from tests.api.helpers import csv_bytes, expert_body, roster_row, upload
from tests.conftest import PASSWORD


def _entries(db, **where) -> list[AuditEntry]:
    db.session.expire_all()
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, key) == value)
    return list(db.session.execute(stmt).scalars())


def _last(db, **where) -> AuditEntry:
    found = _entries(db, **where)
    assert found, where
    return found[-1]


def test_sign_ins_and_failed_tries_are_recorded(client, world, db):
    assert client.post("/api/v1/auth/token", json={"username": "officer_nj", "password": "Wrong-pass-1"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "ghost", "password": "Wrong-pass-1"}).status_code == 401
    assert client.post("/login", data={"username": "officer_hz", "password": "Wrong-pass-1"}).status_code == 401
    assert client.post("/login", data={"username": "officer_hz", "password": PASSWORD}).status_code == 302
    token = client.post("/api/v1/auth/token", json={"username": "officer_nj", "password": PASSWORD}).get_json()["token"]
    assert client.post("/logout").status_code == 302
    assert client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}).status_code == 204

    failed = _entries(db, action="login_failed")
    assert [(e.object_id, e.actor_id, "officer_nj" in e.summary or "ghost" in e.summary or "officer_hz" in e.summary)
            for e in failed] == [(world.officer_nj.id, None, True), (None, None, True), (world.officer_hz.id, None, True)]
    assert "ghost" in failed[1].summary
    logins = _entries(db, action="login")
    assert [(e.actor_id, e.actor_name) for e in logins] == [(world.officer_hz.id, "officer_hz"), (world.officer_nj.id, "officer_nj")]
    assert all(e.ip == "127.0.0.1" and e.created_at is not None for e in failed + logins)
    assert _last(db, action="logout").actor_id == world.officer_hz.id
    assert _last(db, action="token_issued").actor_id == world.officer_nj.id
    assert _last(db, action="token_revoked").actor_id == world.officer_nj.id


def test_creates_and_updates_record_actor_and_before_after(client, world, api, db):
    h = api(world.officer_nj)
    eid = client.post("/api/v1/experts", json=expert_body(), headers=h).get_json()["id"]
    created = _last(db, action="create", object_type="expert")
    assert (created.object_id, created.actor_id, created.actor_name) == (eid, world.officer_nj.id, "officer_nj")
    assert created.before is None and created.after["name"] == "周立新" and created.after["phone"] == "13812345678"

    assert client.patch(f"/api/v1/experts/{eid}", json={"title": "一级律师", "status": "suspended"}, headers=h).status_code == 200
    updated = _last(db, action="update", object_type="expert")
    assert updated.object_id == eid and updated.actor_id == world.officer_nj.id
    assert updated.before == {"title": "律师", "status": "active"}
    assert updated.after == {"title": "一级律师", "status": "suspended"}

    c = client.post(f"/api/v1/experts/{eid}/conflicts", json={"person_name": "张某", "reason": "同学"}, headers=h).get_json()
    conflict = _last(db, object_type="conflict")
    assert (conflict.action, conflict.object_id, conflict.subject) == ("create", c["id"], f"expert:{eid}")
    assert client.delete(f"/api/v1/experts/{eid}/conflicts/{c['id']}", headers=h).status_code == 204
    deleted = _last(db, action="delete", object_type="conflict")
    assert deleted.before["reason"] == "同学" and deleted.after is None
    client.post(f"/api/v1/experts/{eid}/unavailability", json={"start": "2026-12-08T09:00:00+08:00",
                                                              "end": "2026-12-08T12:00:00+08:00"}, headers=h)
    assert _last(db, object_type="unavailability").action == "create"

    a = api(world.admin)
    org = client.post("/api/v1/organizations", json={"name": "苏州市信访局", "kind": "petition_office", "tier": "municipal",
                                                     "region_code": "320500", "parent_id": world.js.id}, headers=a).get_json()
    entry = _last(db, object_type="organization")
    assert (entry.action, entry.object_id, entry.actor_id, entry.after["name"]) == ("create", org["id"], world.admin.id, "苏州市信访局")
    client.patch(f"/api/v1/organizations/{org['id']}", json={"doc_prefix": "苏州信专审"}, headers=a)
    entry = _last(db, object_type="organization")
    assert (entry.action, entry.before, entry.after) == ("update", {"doc_prefix": None}, {"doc_prefix": "苏州信专审"})

    user = client.post("/api/v1/users", json={"username": "new.clerk", "password": "Secure-pass-2026", "role": "agency",
                                              "organization_id": world.agency.id}, headers=a).get_json()
    entry = _last(db, object_type="user", action="create")
    assert entry.object_id == user["id"] and entry.actor_id == world.admin.id
    assert "password" not in entry.after and "password_hash" not in entry.after
    assert "Secure-pass-2026" not in str(entry.after) + entry.summary
    client.patch(f"/api/v1/users/{user['id']}", json={"password": "Other-pass-2027", "is_active": False}, headers=a)
    entry = _last(db, object_type="user", action="update")
    assert entry.before == {"is_active": True}
    assert entry.after["is_active"] is False and "Other-pass-2027" not in str(entry.after)

    # refused or failed changes leave nothing behind
    n = len(_entries(db))
    client.post("/api/v1/experts", json=expert_body(region_code="330100"), headers=h)        # 403
    client.post("/api/v1/experts", json=expert_body(phone="1"), headers=h)                  # 422
    client.patch(f"/api/v1/experts/{eid}", json={"title": "x", "version": 1}, headers=h)    # 409
    assert len(_entries(db)) == n


def test_import_and_export_are_recorded(client, world, api, db):
    h = api(world.officer_nj)
    rows = [roster_row(1), roster_row(2)]
    assert upload(client, h, "名册.csv", csv_bytes(rows)).status_code == 200
    imported = _last(db, action="import")
    assert imported.actor_id == world.officer_nj.id and imported.object_type == "roster"
    assert imported.after == {"file": "名册.csv", "created": 2, "updated": 0, "unchanged": 0}
    per_expert = _entries(db, action="create", object_type="expert")
    assert len(per_expert) == 2 and all(e.actor_id == world.officer_nj.id and e.after["name"].startswith("名册专家")
                                        for e in per_expert)
    # the bulk-inserted experts' entries hold exactly what the API shows for them
    for entry in per_expert:
        shown = client.get(f"/api/v1/experts/{entry.object_id}", headers=h).get_json()
        assert entry.after == {k: v for k, v in shown.items() if k not in ("conflicts", "unavailability")}
    assert upload(client, h, "名册2.csv", csv_bytes([roster_row(1, 职称="研究员"), roster_row(2)])).status_code == 200
    upd = _last(db, action="update", object_type="expert")
    assert upd.before == {"title": "教授"} and upd.after == {"title": "研究员"}
    assert _last(db, action="import").after == {"file": "名册2.csv", "created": 0, "updated": 1, "unchanged": 1}

    assert client.get("/api/v1/experts/export?format=xlsx", headers=h).status_code == 200
    exported = _last(db, action="export")
    assert exported.actor_id == world.officer_nj.id
    assert exported.after == {"format": "xlsx", "count": 3}


def test_entries_are_hash_chained(client, world, api, db):
    client.post("/api/v1/experts", json=expert_body(), headers=api(world.admin))
    entries = _entries(db)
    assert len(entries) >= 3
    assert entries[0].prev_hash == "0" * 64
    for prev, entry in pairwise(entries):
        assert entry.prev_hash == prev.hash
    assert len({e.hash for e in entries}) == len(entries)


def _some_history(client, world, api):
    h = api(world.officer_nj)
    eid = client.post("/api/v1/experts", json=expert_body(), headers=h).get_json()["id"]
    client.patch(f"/api/v1/experts/{eid}", json={"title": "一级律师"}, headers=h)
    client.post(f"/api/v1/experts/{eid}/conflicts", json={"person_name": "张某", "reason": "同学"}, headers=h)
    upload(client, h, "r.csv", csv_bytes([roster_row(1)]))
    client.get("/api/v1/experts/export?format=csv", headers=h)
    client.post("/api/v1/auth/token", json={"username": "officer_hz", "password": "Wrong-pass-1"})


def test_verify_passes_on_an_intact_log(client, world, api, db, runner):
    _some_history(client, world, api)
    n = len(_entries(db))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{n} audit entries" in result.output and "OK" in result.output


@pytest.mark.parametrize(("column", "value"), [
    ("summary", "'无事发生'"),
    ("actor_name", "'admin1'"),
    ("after", "NULL"),
    ("before", "'{\"title\": \"伪造\"}'"),
    ("ip", "'10.0.0.1'"),
    ("action", "'export'"),
])
def test_tampering_one_row_fails_verify_naming_it(client, world, api, db, runner, column, value):
    _some_history(client, world, api)
    entries = _entries(db)
    victim = next(e for e in entries if e.action == "update" and e.object_type == "expert")
    assert victim.id not in (entries[0].id, entries[-1].id)
    with db.engine.begin() as conn:
        changed = conn.execute(text(f"UPDATE audit_log SET {column} = {value} WHERE id = :id"), {"id": victim.id}).rowcount
    assert changed == 1
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"id={victim.id}" in result.output
    assert "FAILED" in result.output


def test_rehashing_a_tampered_row_is_caught_at_the_next_row(client, world, api, db, runner):
    """Even a forger holding the key, who recomputes only the row's own hash, breaks the link of
    the row after it."""
    from app.audit.chain import keyed_digest, values_of
    from app.audit.keys import audit_key

    _some_history(client, world, api)
    entries = _entries(db)
    victim = entries[len(entries) // 2]
    following = entries[len(entries) // 2 + 1]
    forged = keyed_digest({**values_of(victim), "summary": "伪造的摘要"}, audit_key())
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET summary = :s, hash = :h WHERE id = :id"),
                     {"s": "伪造的摘要", "h": forged, "id": victim.id})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"id={following.id}" in result.output


def test_deleting_a_row_fails_verify_naming_the_following_row(client, world, api, db, runner):
    _some_history(client, world, api)
    entries = _entries(db)
    victim, following = entries[3], entries[4]
    with db.engine.begin() as conn:
        assert conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": victim.id}).rowcount == 1
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert f"id={following.id}" in result.output
    assert f"id={victim.id}:" not in result.output


def test_deleting_the_first_row_is_caught(client, world, api, db, runner):
    _some_history(client, world, api)
    entries = _entries(db)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": entries[0].id})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"id={entries[1].id}" in result.output


def test_entries_are_chained_at_commit_and_forgotten_on_rollback(app, db, runner):
    """``record`` takes no lock (the chain lock is the last one a transaction takes, at commit, so
    it can never be held while waiting for another); a rolled-back change leaves no entry."""
    from sqlalchemy import create_engine

    from app.audit import services as audit
    from app.locking import _advisory_key

    audit.record("export", "roster", None, "第一条")
    assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 0
    other = create_engine(db.engine.url, connect_args={"timeout": 0} if db.engine.dialect.name == "sqlite" else {})
    try:
        with other.connect() as conn:
            if db.engine.dialect.name == "postgresql":
                assert conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                                    {"k": _advisory_key("audit_chain")}).scalar() is True
            else:
                conn.exec_driver_sql("PRAGMA busy_timeout = 0")
                conn.execute(text("UPDATE audit_log SET id = id WHERE 0"))  # not locked
            conn.rollback()
    finally:
        other.dispose()
    db.session.commit()
    audit.record("export", "roster", None, "回滚的一条")
    db.session.rollback()
    audit.record("export", "roster", None, "第二条")
    db.session.commit()
    summaries = db.session.execute(select(AuditEntry.summary).order_by(AuditEntry.id)).scalars().all()
    assert summaries == ["第一条", "第二条"]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_verify_counts_only_audit_rows(db, runner, app):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "0 audit entries" in result.output
    assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 0
