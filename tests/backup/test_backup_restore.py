"""``flask backup`` / ``flask restore``: a populated instance backed up and restored into a fresh
one (fresh database, fresh INSTANCE_DIR) holds every row, every attachment's bytes, every
opinion's PDF byte for byte, the signing keys, and its audit chain verifies there. A tampered
backup and a non-empty database are refused. Runs on SQLite, and on PostgreSQL with
TEST_DATABASE_URL (pg_dump/pg_restore)."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from sqlalchemy import inspect, select

from app.audit.models import AuditEntry
from app.cases.models import Attachment
from app.extensions import db
from app.pki import services as pki
from app.pki import store
from app.pki.models import SigningCertificate
from app.storage import storage
from tests.backup.populate import BIG, opinion_pdfs, populate, stored_files, table_rows

CHECKPOINTS = {"AUDIT_CHECKPOINTS": True}


def cli(instance, *args):
    with instance.app.app_context():
        result = instance.app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
    return result.exit_code, result.output


ENV_SECRETS = {"AUDIT_KEY": "backup-test-audit-key-0123456789", "PKI_PASSPHRASE": "backup-test-passphrase"}


@pytest.mark.parametrize(("source_backend", "target_backend", "secrets"),
                         [("local", "database", "environment"), ("database", "local", "--with-secrets")])
def test_restore_into_a_fresh_instance_finds_everything(instances, source_backend, target_backend, secrets):
    """Secrets from the environment (production: the same AUDIT_KEY and PKI_PASSPHRASE on the new
    server, none in the backup), or the instance's secret files carried by --with-secrets."""
    settings = ENV_SECRETS if secrets == "environment" else {}
    source = instances.new("src", STORAGE_BACKEND=source_backend, **CHECKPOINTS, **settings)
    source.migrate()
    populate(source.app)
    flags = ["--with-secrets"] if secrets == "--with-secrets" else []
    code, out = cli(source, "backup", "--to", str(instances.root / "bk"), *flags)
    assert code == 0, out
    assert "备份完成" in out, out
    assert (instances.root / "bk" / "secrets").exists() == bool(flags)

    backup = instances.root / "bk"
    manifest = json.loads((backup / "manifest.json").read_text())
    for rel, entry in manifest["files"].items():  # the manifest names every file with its SHA-256
        assert hashlib.sha256((backup / rel).read_bytes()).hexdigest() == entry["sha256"]
    files = stored_files(source.app)
    assert {p.name for p in (backup / "files").glob("*/*")} >= set(files)
    assert any(len(data) > BIG for data in files.values())

    target = instances.new("dst", STORAGE_BACKEND=target_backend, **CHECKPOINTS, **settings)  # not migrated: empty
    code, out = cli(target, "restore", "--from", str(backup))
    assert code == 0, out
    assert "恢复完成" in out

    restored, original = table_rows(target.app), table_rows(source.app)
    *entries, restore_entry = restored.pop("audit_log")
    assert entries == original.pop("audit_log")  # every audit entry, and the restore itself after them
    assert restored == original  # every row of every other table
    with target.app.app_context():
        entry = db.session.get(AuditEntry, restore_entry[0])
        assert entry.action == "restore" and "从备份恢复" in entry.summary
        db.session.remove()
    pdfs = opinion_pdfs(target.app)
    assert pdfs and pdfs == opinion_pdfs(source.app)
    assert all(data.startswith(b"%PDF") for data in pdfs.values())
    assert stored_files(target.app) == files
    with target.app.app_context():
        assert storage().name == target_backend
        assert db.session.execute(select(db.func.count()).select_from(Attachment)).scalar_one() == 8
        assert db.session.execute(select(db.func.count()).select_from(AuditEntry)).scalar_one() > 100
        # the signing keys came along and open with the restored passphrase
        assert store.root_key() is not None
        certs = db.session.execute(select(SigningCertificate)).scalars().all()
        assert certs and all(pki.material(c).key is not None for c in certs)
        db.session.remove()
    code, out = cli(target, "audit", "verify")
    assert code == 0, out
    assert "hash chain intact" in out and "matched" in out


def test_a_tampered_backup_and_a_used_database_are_refused(instances):
    source = instances.new("src")
    source.migrate()
    populate(source.app)
    backup = instances.root / "bk"
    assert cli(source, "backup", "--to", str(backup))[0] == 0
    assert cli(source, "backup", "--to", str(backup))[1].count("已存在且不是空目录") == 1

    code, out = cli(source, "restore", "--from", str(backup))  # the source's own database has tables
    assert code != 0 and "目标数据库不是空的" in out

    altered = instances.root / "altered"
    shutil.copytree(backup, altered)
    victim = next((altered / "files").glob("*/*"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    target = instances.new("dst")
    code, out = cli(target, "restore", "--from", str(altered))
    assert code != 0 and "备份校验失败" in out and victim.name in out and "SHA-256 不符" in out
    with target.app.app_context():
        assert inspect(db.engine).get_table_names() == []  # nothing was written

    extra = instances.root / "extra"
    shutil.copytree(backup, extra)
    (extra / "files" / "zz").mkdir()
    (extra / "files" / "zz" / "planted").write_bytes(b"x")
    code, out = cli(target, "restore", "--from", str(extra))
    assert code != 0 and "清单之外的文件 files/zz/planted" in out

    code, out = cli(target, "restore", "--from", str(instances.root / "nowhere"))
    assert code != 0 and "不存在" in out
