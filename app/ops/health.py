"""The health check behind ``GET /healthz``: each part the platform needs, checked cheaply.

Every check is a small function returning a :class:`Part`; a failure is reported by name with a
short reason (an exception's class, never its text: no addresses, paths or personal data). The
storage check is one function on purpose: when stored files move to a storage backend
(``STORAGE_BACKEND``), that backend's own check replaces it here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.notifications import outbox
from app.opinions.models import Opinion
from app.search import service as search_service
from app.search.backends.base import SearchUnavailable

DB_TIMEOUT_MS = 2000  # PostgreSQL statement_timeout of the database check
SEARCHABLE = ("issued", "superseded")


@dataclass
class Part:
    ok: bool
    reason: str = ""
    figures: dict = field(default_factory=dict)


def _failed(exc: BaseException) -> Part:
    return Part(False, exc.__class__.__name__)


def check_database() -> Part:
    """One trivial query within a short timeout."""
    try:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"SET LOCAL statement_timeout = {DB_TIMEOUT_MS}"))
        db.session.execute(text("SELECT 1")).scalar_one()
        return Part(True)
    except (SQLAlchemyError, OSError) as exc:  # any driver or pool error: the database is not usable
        return _failed(exc)
    finally:
        _rollback()


def files_directory() -> Path:
    """Where uploaded attachments and seals are stored on this server (app/cases/attachments.py)."""
    return Path(current_app.config["INSTANCE_DIR"]) / "files"


def check_storage() -> Part:
    """The files directory exists (or can be made) and takes a small file."""
    try:
        directory = files_directory()
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".healthz-", dir=directory)
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            os.unlink(name)
        return Part(True)
    except OSError as exc:
        return _failed(exc)


def check_search() -> Part:
    """The search backend's own check: the index opens and is readable. A fresh installation
    whose index was never written and that has nothing to find is healthy (the first search
    creates the empty index)."""
    try:
        if search_service.backend().available():
            return Part(True)
        nothing_to_find = db.session.scalar(select(Opinion.id).where(Opinion.status.in_(SEARCHABLE)).limit(1)) is None
        return Part(True) if nothing_to_find else Part(False, "index_unavailable")
    except (SearchUnavailable, SQLAlchemyError, OSError) as exc:  # "search failing", not a 500
        return _failed(exc)
    finally:
        _rollback()


def check_outbox() -> Part:
    """Undelivered (pending, being sent) and dead (failed for good) e-mails, each within its limit."""
    try:
        counts = outbox.status_counts()
    except SQLAlchemyError as exc:  # the database is down: named by the database check too
        return _failed(exc)
    finally:
        _rollback()
    undelivered = counts.get("pending", 0) + counts.get("sending", 0)
    dead = counts.get("failed", 0)
    figures = {"undelivered": undelivered, "dead": dead}
    config = current_app.config
    if undelivered > config["HEALTH_OUTBOX_MAX_UNDELIVERED"]:
        return Part(False, "backlog", figures)
    if dead > config["HEALTH_OUTBOX_MAX_DEAD"]:
        return Part(False, "dead_messages", figures)
    return Part(True, "", figures)


def _rollback() -> None:
    with contextlib.suppress(Exception):
        db.session.rollback()


CHECKS: dict[str, Callable[[], Part]] = {
    "database": check_database,
    "storage": check_storage,
    "search": check_search,
    "outbox": check_outbox,
}


def report() -> tuple[dict, bool]:
    """``({"database": "ok", …, "failing": [...], "reasons": {...}, "outbox_backlog": {...}}, healthy)``."""
    body: dict = {}
    failing: list[str] = []
    reasons: dict[str, str] = {}
    for name, check in CHECKS.items():
        part = check()
        body[name] = "ok" if part.ok else "failing"
        if not part.ok:
            failing.append(name)
            reasons[name] = part.reason
        if name == "outbox" and part.figures:
            body["outbox_backlog"] = part.figures
    body["status"] = "failing" if failing else "ok"
    if failing:
        body["failing"] = failing
        body["reasons"] = reasons
    return body, not failing
