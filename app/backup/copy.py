"""Making a backup: the database snapshot first, then the stored files (every one the snapshot can
name exists by then: files are stored before their row commits, and a file deleted meanwhile
waits in the local trash, :meth:`app.storage.local.LocalStorage.backup_window`)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app import clock
from app.audit import checkpoints
from app.audit.keys import key_path
from app.backup import database, manifest
from app.extensions import db
from app.storage import storage
from app.storage.local import LocalStorage

SECRETS = "secrets"


class BackupRefused(Exception):
    """The backup cannot be made where asked; the message says why."""


@dataclass
class BackupReport:
    path: Path
    database_file: str
    files: int
    pki: int
    size: int
    secrets: list[str]


def make_backup(target: Path, with_secrets: bool = False) -> BackupReport:
    """Write a complete backup to ``target`` (which must not exist or be empty). The instance's
    secret files (audit key, development PKI passphrase) only ``with_secrets``: the audit key is
    kept away from the database and its backups, so that a copy of them cannot forge the chain."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused(f"{target} 已存在且不是空目录：请指定新的备份目录")
    work = target.with_name(f"{target.name}.partial-{secrets.token_hex(4)}")
    work.mkdir(parents=True)
    try:
        store = storage()
        window = store.backup_window() if isinstance(store, LocalStorage) else contextlib.nullcontext()
        with window:
            db_file = database.dump(db.engine, work)
            files = _copy_files(store, work)
            trashed = _copy_trash(store, work) if isinstance(store, LocalStorage) else 0
        pki = _copy_pki(store, work)
        db.session.remove()
        secrets_copied = _copy_instance_files(work, with_secrets)
        info = {"created_at": clock.now().isoformat(), "database": {"dialect": database.dialect(db.engine),
                "file": db_file, "revision": database.revision(db.engine)}, "storage_backend": store.name,
                "secrets": secrets_copied}
        written = manifest.write(work, info)
        if target.exists():
            target.rmdir()
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(entry["size"] for entry in written["files"].values())
    return BackupReport(target, db_file, files + trashed, pki, size, secrets_copied)


def _write_chunks(chunks: Iterable[bytes], path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for block in chunks:
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _copy_files(store, work: Path) -> int:
    count = 0
    for key in store.keys("files/"):
        sha = key.removeprefix("files/")
        try:
            got = _write_chunks(store.chunks(key), work / "files" / sha[:2] / sha)
        except FileNotFoundError:
            continue  # deleted after the listing (a local delete waits in the trash: copied below)
        if got != sha:
            raise BackupRefused(f"存储的文件 {sha} 内容已损坏（SHA-256 为 {got}）：请先处理后再备份")
        count += 1
    return count


def _copy_trash(store: LocalStorage, work: Path) -> int:
    count = 0
    trash = store.files_root / "trash"
    for path in sorted(trash.glob("*")) if trash.is_dir() else []:
        target = work / "files" / path.name[:2] / path.name
        if not target.exists() and (chunks := store.trashed_chunks(f"files/{path.name}")) is not None:
            _write_chunks(chunks, target)
            count += 1
    return count


def _copy_pki(store, work: Path) -> int:
    keys = list(store.keys("pki/"))
    for key in keys:
        target = work / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(store.read_bytes(key))
        target.chmod(0o600)
    return len(keys)


def _copy_instance_files(work: Path, with_secrets: bool) -> list[str]:
    """The audit checkpoints, and (``with_secrets``) the secrets that are files of this instance
    rather than configured in the environment; returns the names of the secrets copied."""
    directory = checkpoints.checkpoint_dir()
    source = directory / checkpoints.CHECKPOINT_FILE if directory else None
    if source is not None and source.is_file():
        (work / "audit").mkdir()
        shutil.copyfile(source, work / "audit" / checkpoints.CHECKPOINT_FILE)
    config = current_app.config
    wanted = {"audit_key": None if config.get("AUDIT_KEY") else key_path(),
              "pki_passphrase": None if config.get("PKI_PASSPHRASE")
              else Path(config["INSTANCE_DIR"]) / "pki_passphrase"}
    copied = []
    for name, path in wanted.items():
        if with_secrets and path is not None and path.is_file():
            copied.append(name)
            (work / SECRETS).mkdir(mode=0o700, exist_ok=True)
            shutil.copyfile(path, work / SECRETS / name)
            (work / SECRETS / name).chmod(0o600)
    return copied
