"""`flask audit verify` against a forger who can write the database but holds neither the audit key
nor the checkpoint directory: truncation, rewriting with the chain recomputed, forged checkpoints,
the transition from the old unkeyed chain, and appends from parallel workers."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.audit import services as audit
from app.audit.chain import GENESIS, keyed_digest, legacy_digest, values_of
from app.audit.checkpoints import CHECKPOINT_FILE
from app.audit.keys import audit_key
from app.audit.models import AuditEntry
from tests.api.helpers import expert_body


@pytest.fixture
def checkpoint_dir(app, tmp_path):
    """Checkpoints switched on for this test only, every 5 entries, in a directory of its own."""
    saved = {k: app.config[k] for k in ("AUDIT_CHECKPOINTS", "AUDIT_CHECKPOINT_DIR", "AUDIT_CHECKPOINT_EVERY")}
    directory = tmp_path / "audit-checkpoints"
    app.config.update(AUDIT_CHECKPOINTS=True, AUDIT_CHECKPOINT_DIR=str(directory), AUDIT_CHECKPOINT_EVERY=5)
    yield directory
    app.config.update(saved)


def _append(db, n: int, label: str = "条目") -> None:
    for i in range(n):
        audit.record("update", "expert", i, f"{label}{i}")
        db.session.commit()


def _entries(db) -> list[AuditEntry]:
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def _checkpoint_lines(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / CHECKPOINT_FILE).read_text().splitlines()]


def _verify(runner):
    return runner.invoke(args=["audit", "verify"])


def _delete_from(db, first_id: int) -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        assert conn.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": first_id}).rowcount >= 1


def _rewrite_from(db, victim_id: int, digest, summary: str = "伪造的摘要") -> None:
    """Change the victim's summary and recompute the victim's hash and every one after it with
    ``digest``, relinking the chain, as a forger with database access would."""
    rows = [values_of(e) | {"id": e.id, "hash": e.hash} for e in _entries(db)]
    prev = GENESIS
    with db.engine.begin() as conn:
        for row in rows:
            if row["id"] >= victim_id:
                if row["id"] == victim_id:
                    row["summary"] = summary
                row["prev_hash"] = prev
                row["hash"] = digest(row)
                conn.execute(text("UPDATE audit_log SET summary = :summary, prev_hash = :prev_hash, hash = :hash "
                                  "WHERE id = :id"), row)
            prev = row["hash"]


def test_an_intact_chain_passes_and_verify_anchors_its_head(db, runner, checkpoint_dir):
    _append(db, 12)
    entries = _entries(db)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "OK: 12 audit entries" in result.output and "keyed: 12, legacy unkeyed: 0" in result.output
    newest = _checkpoint_lines(checkpoint_dir)[-1]
    assert (newest["reason"], newest["count"], newest["last_id"], newest["last_hash"]) == \
        ("verify", 12, entries[-1].id, entries[-1].hash)
    # appends wrote checkpoints too: when the keyed chain started, and every 5 ids
    reasons = [line["reason"] for line in _checkpoint_lines(checkpoint_dir)]
    assert reasons[0] == "keyed" and "interval" in reasons
    assert oct((checkpoint_dir / CHECKPOINT_FILE).stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("removed", [1, 3])
def test_deleting_the_newest_entries_is_caught(db, runner, checkpoint_dir, removed):
    _append(db, 12)
    assert _verify(runner).exit_code == 0
    ids = [e.id for e in _entries(db)]
    _delete_from(db, ids[-removed])
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    named = int(result.output.split("FAILED at audit entry id=")[1].split(":")[0])
    assert named in ids[-removed:]  # the oldest removed entry a checkpoint had recorded
    assert f"表中最后一条为 id={ids[-removed - 1]}" in result.output and "最新的审计记录被删除" in result.output


def test_truncation_is_caught_by_the_checkpoints_appends_wrote(db, runner, checkpoint_dir):
    """No verify ran: the periodic checkpoint still reveals the loss of the entries it covered."""
    _append(db, 12)
    newest = max(line["last_id"] for line in _checkpoint_lines(checkpoint_dir))
    _delete_from(db, newest)
    result = _verify(runner)
    assert result.exit_code == 1 and f"id={newest}" in result.output


def test_emptying_the_table_is_caught(db, runner, checkpoint_dir):
    _append(db, 3)
    _delete_from(db, 0)
    result = _verify(runner)
    assert result.exit_code == 1 and "审计表已为空" in result.output


def test_deletions_after_the_last_checkpoint_are_the_documented_blind_spot(db, runner, checkpoint_dir):
    _append(db, 12)
    if _entries(db)[-1].id % 5 == 0:  # checkpoints fall on ids (every 5); PostgreSQL's ids go on across tests
        _append(db, 1)
    newest = max(line["last_id"] for line in _checkpoint_lines(checkpoint_dir))
    entries = _entries(db)
    assert entries[-1].id > newest  # some entries are not covered by any checkpoint yet
    _delete_from(db, entries[-1].id)
    assert _verify(runner).exit_code == 0


@pytest.mark.parametrize("forger", ["unkeyed", "wrong key"])
def test_rewriting_an_entry_and_recomputing_the_chain_is_caught(db, runner, forger):
    """Caught at the rewritten entry itself, even with checkpoints off: the unkeyed formula is not
    accepted after a keyed entry, and another key's HMAC matches nothing."""
    _append(db, 8)
    victim = _entries(db)[4]
    digest = legacy_digest if forger == "unkeyed" else (lambda row: keyed_digest(row, b"not-the-key"))
    _rewrite_from(db, victim.id, digest)
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert f"FAILED at audit entry id={victim.id}" in result.output


def test_rewriting_the_whole_chain_unkeyed_is_caught_by_a_checkpoint(db, runner, checkpoint_dir):
    """Recomputed from the first entry on, the chain looks like an old unkeyed one; the checkpoint
    written when the keyed chain started no longer matches."""
    _append(db, 4)
    first = _entries(db)[0]
    _rewrite_from(db, first.id, legacy_digest)
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert f"id={first.id}" in result.output and "链被重算" in result.output


@pytest.mark.parametrize("field", ["count", "last_hash", "last_id"])
def test_an_edited_checkpoint_is_caught(db, runner, checkpoint_dir, field):
    _append(db, 6)
    assert _verify(runner).exit_code == 0
    path = checkpoint_dir / CHECKPOINT_FILE
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged[field] = {"count": 3, "last_hash": "f" * 64, "last_id": 1}[field]
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    result = _verify(runner)
    assert result.exit_code == 1, result.output
    assert f"第 {len(lines)} 行签名不符" in result.output and "FAILED at checkpoint file" in result.output


def test_a_checkpoint_signed_with_another_key_or_garbled_is_caught(db, runner, checkpoint_dir):
    from app.audit.checkpoints import Checkpoint, signed_line

    _append(db, 2)
    path = checkpoint_dir / CHECKPOINT_FILE
    with path.open("a") as fh:
        fh.write(signed_line(Checkpoint(1, 1, "a" * 64, "2026-01-01T00:00:00+00:00", "verify"), b"other-key"))
    assert "签名不符" in _verify(runner).output
    path.write_text(path.read_text().splitlines()[0] + "\n" + '{"count": 1, "last_id"\n')
    result = _verify(runner)
    assert result.exit_code == 1 and "第 2 行无法解析" in result.output


def test_an_unwritable_checkpoint_directory_never_fails_a_request(client, world, api, db, runner, app, tmp_path,
                                                                 caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app.config.update(AUDIT_CHECKPOINTS=True, AUDIT_CHECKPOINT_DIR=str(blocker / "audit"), AUDIT_CHECKPOINT_EVERY=2)
    try:
        h = api(world.officer_nj)
        for i in range(3):
            resp = client.post("/api/v1/experts", json=expert_body(phone=f"1381234567{i}", name=f"周立{i}"), headers=h)
            assert resp.status_code == 201, resp.get_json()
        assert "audit checkpoint not written" in caplog.text
        result = _verify(runner)
        assert result.exit_code == 0, result.output
        assert "未能写入检查点" in result.output and "可能不可写" in result.output
    finally:
        app.config.update(AUDIT_CHECKPOINTS=False, AUDIT_CHECKPOINT_DIR=None, AUDIT_CHECKPOINT_EVERY=100)


def _legacy_chain(db, n: int) -> list[dict]:
    """Entries as the unkeyed code wrote them before this change."""
    from app.db_types import utcnow

    prev, rows = GENESIS, []
    for i in range(n):
        row = {"created_at": utcnow(), "actor_id": None, "actor_name": "", "action": "update",
               "object_type": "expert", "object_id": i, "subject": f"expert:{i}", "summary": f"旧条目{i}",
               "before": None, "after": {"n": i}, "ip": None, "prev_hash": prev}
        row["hash"] = prev = legacy_digest(row)
        rows.append(row)
    db.session.execute(AuditEntry.__table__.insert(), rows)
    db.session.commit()
    return rows


def test_an_old_unkeyed_chain_continues_keyed_and_is_anchored(db, runner, checkpoint_dir):
    _legacy_chain(db, 4)
    _append(db, 2, "新条目")
    entries = _entries(db)
    keyed_start = entries[4]
    assert keyed_start.prev_hash == entries[3].hash  # the keyed chain links to the last legacy hash
    assert _checkpoint_lines(checkpoint_dir)[0]["last_id"] == keyed_start.id
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "keyed: 2, legacy unkeyed: 4" in result.output and "旧的无密钥哈希" in result.output


def test_rewriting_the_unkeyed_past_is_caught_at_the_first_keyed_entry(db, runner, checkpoint_dir):
    _legacy_chain(db, 4)
    _append(db, 2, "新条目")
    entries = _entries(db)
    # recompute the legacy part only: the keyed entry after it still links to the true hash
    _rewrite_from(db, entries[1].id, lambda row: legacy_digest(row) if row["id"] < entries[4].id else row["hash"])
    result = _verify(runner)
    assert result.exit_code == 1 and f"id={entries[4].id}" in result.output


def test_the_key_file_is_created_private_once(app, tmp_path):
    saved = app.config["INSTANCE_DIR"], app.config["AUDIT_KEY"]
    app.config.update(INSTANCE_DIR=str(tmp_path / "instance"), AUDIT_KEY=None)
    try:
        key = audit_key()
        path = tmp_path / "instance" / "audit_key"
        assert path.read_text().encode() == key and len(key) == 64
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        app.extensions["audit_key"].clear()
        assert audit_key() == key  # read back, not replaced
        app.config["AUDIT_KEY"] = "from-the-environment"
        assert audit_key() == b"from-the-environment"
    finally:
        app.config.update(INSTANCE_DIR=saved[0], AUDIT_KEY=saved[1])


def test_parallel_appends_never_fork_the_chain(app, db, runner, checkpoint_dir):
    """Workers appending at once (each its own app context, session and connection) all chain onto
    the true head; the checkpoints they write concurrently all verify."""
    threads_n, per_thread = 4, 8
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def worker(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                _append(db, per_thread, f"线程{n}-")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    entries = _entries(db)
    assert len(entries) == threads_n * per_thread
    assert len({e.prev_hash for e in entries}) == len(entries)  # no two entries share a predecessor
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert len(_checkpoint_lines(checkpoint_dir)) >= 2


def test_the_admin_verify_button_names_a_forged_checkpoint(client, world, login, db, checkpoint_dir):
    """A checkpoint that fails its signature has no entry id: the page says so, not 'ID None'."""
    login(world.admin)
    html = client.post("/admin/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "哈希链校验通过" in html
    path = checkpoint_dir / CHECKPOINT_FILE
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"count": 99}
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    html = client.post("/admin/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "校验点文件与审计记录不符" in html and "签名不符" in html and "ID None" not in html
