"""A backup taken while the app keeps writing — attachments uploaded and deleted, audit entries
appended — restores to a consistent state: every attachment row the snapshot holds has its bytes
(also one deleted after the snapshot: it waited in the local trash), and the audit chain verifies."""

from __future__ import annotations

import hashlib
import io
import threading

from sqlalchemy import select

from app.auth.models import User
from app.cases import attachments
from app.cases import permissions as perm
from app.cases.models import Attachment, Case
from app.extensions import db
from app.storage import file_key, storage
from tests.backup.populate import pdf_bytes, populate
from tests.backup.test_backup_restore import cli


def _writer(app, stop: threading.Event, done: list, errors: list) -> None:
    try:
        with app.app_context():
            cases = db.session.execute(select(Case).where(Case.status != "closed").order_by(Case.id)).scalars().all()
            users = db.session.execute(select(User)).scalars().all()
            case = cases[-1]
            user = next(u for u in users if perm.can_manage_attachments(u, case))
            previous = None
            while not stop.is_set() or len(done) < 6:
                row = attachments.add_attachment(user, db.session.get(Case, case.id), io.BytesIO(pdf_bytes(20_000)),
                                                 f"并发上传{len(done)}.pdf")
                done.append(row.id)
                if previous is not None:  # delete the one before: its file goes while the backup runs
                    attachments.delete_attachment(user, db.session.get(Case, case.id),
                                                  db.session.get(Attachment, previous))
                previous = row.id
            db.session.remove()
    except Exception as exc:  # reported by the test
        errors.append(exc)


def test_a_backup_taken_while_the_app_writes_restores_consistently(instances):
    source = instances.new("src", AUDIT_CHECKPOINTS=True)
    source.migrate()
    populate(source.app)
    stop, done, errors = threading.Event(), [], []
    writer = threading.Thread(target=_writer, args=(source.app, stop, done, errors))
    writer.start()
    try:
        while len(done) < 3 and writer.is_alive():
            threading.Event().wait(0.05)
        code, out = cli(source, "backup", "--to", str(instances.root / "bk"), "--with-secrets")
    finally:
        stop.set()
        writer.join(120)
    assert not errors, errors
    assert code == 0, out

    target = instances.new("dst", AUDIT_CHECKPOINTS=True)
    code, out = cli(target, "restore", "--from", str(instances.root / "bk"))
    assert code == 0, out
    with target.app.app_context():
        rows = db.session.execute(select(Attachment)).scalars().all()
        assert any(r.filename.startswith("并发上传") for r in rows)
        for row in rows:
            data = storage().read_bytes(file_key(row.sha256))
            assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size
        db.session.remove()
    code, out = cli(target, "audit", "verify")
    assert code == 0 and "hash chain intact" in out, out
    trash = source.directory / "files" / "trash"
    assert not trash.exists() or not any(trash.iterdir())  # emptied once the backup ended


def test_a_file_deleted_after_the_snapshot_still_reaches_the_backup(instances, monkeypatch):
    from app.backup import copy  # lazy: patched for this test only

    source = instances.new("src")
    source.migrate()
    populate(source.app)
    with source.app.app_context():
        victim = db.session.execute(select(Attachment).where(Attachment.filename == "证据材料0.pdf")).scalar_one()
        victim_id, sha = victim.id, victim.sha256
        db.session.remove()
    original = copy.database.dump

    def dump_then_delete(engine, out):
        name = original(engine, out)

        def delete():
            with source.app.app_context():
                row = db.session.get(Attachment, victim_id)
                case = db.session.get(Case, row.case_id)
                user = next(u for u in db.session.execute(select(User)).scalars()
                            if perm.can_manage_attachments(u, case))
                attachments.delete_attachment(user, case, row)
                db.session.remove()

        thread = threading.Thread(target=delete)  # another request, between the snapshot and the file copy
        thread.start()
        thread.join(60)
        assert not (source.directory / "files" / sha[:2] / sha).exists()
        return name

    monkeypatch.setattr(copy.database, "dump", dump_then_delete)
    code, out = cli(source, "backup", "--to", str(instances.root / "bk"))
    assert code == 0, out
    assert (instances.root / "bk" / "files" / sha[:2] / sha).is_file()
    target = instances.new("dst")
    assert cli(target, "restore", "--from", str(instances.root / "bk"))[0] == 0
    with target.app.app_context():
        assert db.session.get(Attachment, victim_id) is not None  # the snapshot still has the row …
        assert hashlib.sha256(storage().read_bytes(file_key(sha))).hexdigest() == sha  # … and its bytes
        db.session.remove()
