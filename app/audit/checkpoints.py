"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint records the entry count, the last entry's id and hash, and the time, signed with the
audit key, as one JSON line appended to ``<AUDIT_CHECKPOINT_DIR>/checkpoints.jsonl``. Removing the
newest entries, or recomputing the chain, cannot be made to agree with a checkpoint already
written: that is what anchors the chain's head.

Appends schedule a checkpoint every ``AUDIT_CHECKPOINT_EVERY`` entries and when a transaction
writes the first keyed entry (the start of the keyed chain). The head is read at commit, under the
chain lock the append still holds, and the line is written only after the commit succeeded, so a
rolled-back transaction never leaves a checkpoint naming entries that do not exist. A directory
that cannot be written logs a warning and never fails the request; verify notices the gap.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.db_types import utcnow

log = logging.getLogger(__name__)

CHECKPOINT_FILE = "checkpoints.jsonl"
_PENDING = "audit_checkpoint_due"      # session.info: (reason, directory, key) until commit
_READY = "audit_checkpoint_line"       # session.info: (directory, signed line) after before_commit


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_id: int
    last_hash: str
    at: str
    reason: str

    def describe(self, line: int | None = None) -> str:
        where = f"第 {line} 行" if line else ""
        return f"检查点{where}（{self.at}，共 {self.count} 条，最后一条 id={self.last_id}）"


@dataclass(frozen=True)
class BadLine:
    line: int
    why: str


def checkpoint_dir() -> Path | None:
    """Where this app keeps checkpoints, or None if they are switched off (tests only)."""
    config = current_app.config
    if not config.get("AUDIT_CHECKPOINTS", True):
        return None
    return Path(config.get("AUDIT_CHECKPOINT_DIR") or Path(config["INSTANCE_DIR"]) / "audit")


def _mac(fields: dict, key: bytes) -> str:
    data = json.dumps({"type": "audit_checkpoint", **fields}, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def signed_line(checkpoint: Checkpoint, key: bytes) -> str:
    fields = asdict(checkpoint)
    return json.dumps({**fields, "mac": _mac(fields, key)}, ensure_ascii=False) + "\n"


def _parse(text: str, key: bytes) -> Checkpoint:
    """The checkpoint a line holds; ValueError if it is not one we signed."""
    try:
        data = json.loads(text)
        mac = data.pop("mac")
        checkpoint = Checkpoint(**data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError("无法解析") from exc
    if not hmac.compare_digest(str(mac), _mac(asdict(checkpoint), key)):
        raise ValueError("签名不符")
    return checkpoint


def read_checkpoints(directory: Path, key: bytes) -> tuple[list[tuple[int, Checkpoint]], list[BadLine]]:
    """Every checkpoint in the file with its line number, and the lines that fail their signature
    (none if there is no file yet; OSError if it cannot be read)."""
    good, bad = [], []
    try:
        fh = (directory / CHECKPOINT_FILE).open(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return good, bad
    with fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                good.append((number, _parse(text, key)))
            except ValueError as exc:
                bad.append(BadLine(number, str(exc)))
    return good, bad


def append(directory: Path, line: str) -> str | None:
    """Append one signed line (a single O_APPEND write, synced); the error text if that failed."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory / CHECKPOINT_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        log.warning("audit checkpoint not written to %s: %s", directory, exc)
        return f"{directory}: {exc}"
    return None


def head_checkpoint(session: Session, reason: str) -> Checkpoint | None:
    """The chain's head as this session sees it (None while the log is empty)."""
    count, last_id = session.execute(select(func.count(), func.max(AuditEntry.id))).one()
    if not count:
        return None
    last_hash = session.execute(select(AuditEntry.hash).where(AuditEntry.id == last_id)).scalar_one()
    return Checkpoint(count, last_id, last_hash, utcnow().isoformat(timespec="seconds"), reason)


def schedule(session: Session, reason: str, key: bytes) -> None:
    """Write a checkpoint of the head once this transaction commits (the caller holds the chain
    lock). A no-op when checkpoints are switched off."""
    directory = checkpoint_dir()
    if directory is not None and _PENDING not in session.info:
        session.info[_PENDING] = (reason, directory, key)


def sign_head(session: Session) -> None:
    """Read the head for a scheduled checkpoint (called at commit by the appending hook, after the
    transaction's entries were chained, under the chain lock)."""
    due = session.info.pop(_PENDING, None)
    if due is None:
        return
    reason, directory, key = due
    session.flush()
    checkpoint = head_checkpoint(session, reason)
    if checkpoint is not None:
        session.info[_READY] = (directory, signed_line(checkpoint, key))


@event.listens_for(Session, "after_commit")
def _write_signed_head(session: Session) -> None:
    ready = session.info.pop(_READY, None)
    if ready is not None:
        append(*ready)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_READY, None)
