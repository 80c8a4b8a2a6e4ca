"""Restoring a backup into an empty database and the storage backend of this instance.

Everything is checked before anything is written: the manifest (every file's SHA-256, nothing
missing or added), the database (no tables at all), the dialect (a SQLite backup restores into
SQLite, a PostgreSQL one into PostgreSQL — use the files of a backup, not its dump, to move), and
the instance files it would put in place (none there already, or the same).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.audit import checkpoints
from app.audit import services as audit
from app.audit.keys import key_path
from app.backup import database, manifest
from app.backup.copy import SECRETS
from app.extensions import db
from app.storage import file_key, storage


class RestoreRefused(Exception):
    """The restore would not be safe or cannot be done; the message says why."""


@dataclass
class RestoreReport:
    revision: str | None
    files: int
    pki: int
    audited: bool  # False: no audit key here — the restore is not in the log, and verify will fail


def restore_backup(source: Path) -> RestoreReport:
    source = Path(source)
    if not source.is_dir():
        raise RestoreRefused(f"备份目录 {source} 不存在")
    try:
        info = manifest.verify(source)
    except manifest.BackupInvalid as exc:
        raise RestoreRefused(str(exc)) from None
    engine = db.engine
    wanted = info["database"]["dialect"]
    if database.dialect(engine) != wanted:
        raise RestoreRefused(f"备份来自 {wanted} 数据库，当前数据库是 {database.dialect(engine)}：只能恢复到同类数据库")
    db.session.remove()
    existing = database.tables(engine)
    if existing:
        raise RestoreRefused(f"目标数据库不是空的（已有 {len(existing)} 张表，如 {', '.join(sorted(existing)[:3])}）："
                             "只能恢复到空数据库，请新建数据库后再恢复")
    placements = _instance_files(source)
    database.restore(engine, source, info["database"]["file"])
    for src, dst in placements:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        if dst.parent.name != "audit":
            dst.chmod(0o600)
    files, pki = _restore_stored(source)
    audited = _audit_key_present()
    if audited:
        audit.record("restore", "system", None, f"从备份恢复（备份时间 {info.get('created_at', '')[:19]}，"
                     f"附件文件 {len(list((source / 'files').glob('*/*')))} 个）",
                     after={"created_at": info.get("created_at"), "revision": info["database"].get("revision"),
                            "storage_backend": storage().name})
        db.session.commit()
    return RestoreReport(database.revision(engine), files, pki, audited)


def _audit_key_present() -> bool:
    """Whether this instance has the audit key to chain entries with (never made up here: a new
    key would split the restored chain)."""
    return bool(current_app.config.get("AUDIT_KEY")) or key_path().is_file()


def _instance_files(source: Path) -> list[tuple[Path, Path]]:
    """(backup file, where it goes) for the checkpoints and secrets; refuses to replace different ones."""
    config = current_app.config
    pairs = []
    directory = checkpoints.checkpoint_dir()
    if directory is not None and (source / "audit" / checkpoints.CHECKPOINT_FILE).is_file():
        pairs.append((source / "audit" / checkpoints.CHECKPOINT_FILE, directory / checkpoints.CHECKPOINT_FILE))
    if (source / SECRETS / "audit_key").is_file() and not config.get("AUDIT_KEY"):
        pairs.append((source / SECRETS / "audit_key", key_path()))
    if (source / SECRETS / "pki_passphrase").is_file() and not config.get("PKI_PASSPHRASE"):
        pairs.append((source / SECRETS / "pki_passphrase", Path(config["INSTANCE_DIR"]) / "pki_passphrase"))
    keep = []
    for src, dst in pairs:
        if dst.exists():
            if dst.read_bytes() != src.read_bytes():
                raise RestoreRefused(f"{dst} 已存在且与备份中的不同：请在新的实例目录中恢复")
            continue
        keep.append((src, dst))
    return keep


def _restore_stored(source: Path) -> tuple[int, int]:
    """Put every file of the backup into this instance's storage (what the database dump
    already brought, with STORAGE_BACKEND=database, is there and is skipped). Commits per file."""
    store = storage()
    files = 0
    for path in sorted((source / "files").glob("*/*")):
        key = file_key(path.name)
        if store.put_file(key, path):
            files += 1
        db.session.commit()
    pki = 0
    for path in sorted(p for p in (source / "pki").rglob("*") if p.is_file()):
        key = "pki/" + path.relative_to(source / "pki").as_posix()
        if not store.exists(key):
            store.put_bytes(key, path.read_bytes())
            pki += 1
        db.session.commit()
    return files, pki
