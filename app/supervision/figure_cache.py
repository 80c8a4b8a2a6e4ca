"""The dashboards' figures cached on the data's version stamp (why: a page reads 100,000 cases and
20,000 consultations; most page loads see the same data as the previous one).

``supervision_data_version`` holds one random stamp. Triggers (migration 0011) give it a new
random value in the same transaction as every insert, update or delete on a table the figures read
(``WATCHED``) — on PostgreSQL once per transaction, at its commit; on SQLite in the write itself.
A figure is cached under (stamp, the viewer's scope, filters, day, rules) and is used only while
the stamp is unchanged, so a cached figure can never differ from what SQL would count now.

Order matters: the stamp is read *before* any figure of the request. A write committed in between
makes the figures newer than the stamp (never older); the next request then reads a new stamp
and computes again. A random stamp (not a counter) cannot repeat after a restore or in another
database, so one process serving several databases (the tests) never mixes them up.

The cache is per process (each gunicorn worker its own), bounded (least recently used out).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.auth.jurisdiction import officer_jurisdiction
from app.extensions import db

WATCHED = ("cases", "consultations", "panel_members", "escalations", "expert_ratings", "opinions", "opinion_feedback",
           "supervision_notices", "experts")
MAX_ENTRIES = 512  # entries are small (counts per group); stale stamps age out
_NO_STAMP = object()
_ENV_KEY = "xf.supervision_stamp"
_WROTE = "supervision_wrote"


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                self.hits += 1
                return True, self.entries[key]
            self.misses += 1
            return False, None

    def put(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)


def store() -> _Store:
    return current_app.extensions.setdefault("supervision_figures", _Store())


def read_stamp() -> int | None:
    """The data's version stamp now (None: no row — then nothing is cached)."""
    return db.session.execute(text("SELECT stamp FROM supervision_data_version WHERE id = 1")).scalar()


def request_stamp() -> int | None:
    """The stamp read once per request, before the request's first figure (see the module's note).
    Kept on the request itself: an application context (``g``) may outlive one request."""
    if not has_request_context():
        return None  # the CLI and scripts compute afresh
    stamp = request.environ.get(_ENV_KEY, _NO_STAMP)
    if stamp is _NO_STAMP:
        stamp = request.environ[_ENV_KEY] = read_stamp()
    return stamp


def scope_key(user) -> tuple:
    """What decides which rows ``user`` sees (the visibility clauses): role, organization,
    expert record and the office's jurisdiction."""
    jur = officer_jurisdiction(user)
    return (getattr(user, "role", None), getattr(user, "organization_id", None), getattr(user, "expert_id", None),
            (jur.tier, jur.prefix) if jur else None)


def rules_key() -> str:
    cfg = current_app.config
    return json.dumps([cfg.get("SUPERVISION_RULES") or {}, cfg.get("SUPERVISION_DUE_SOON_DAYS", 3),
                       cfg.get("SUPERVISION_ESCALATE_AFTER_DAYS", 10)], sort_keys=True, default=str)


# A transaction that has written sees its own uncommitted rows, while the stamp changes only at
# its commit (PostgreSQL): figures it computes must not be kept under the old stamp.
@event.listens_for(Session, "after_flush")
def _wrote(session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session) -> None:
    session.info.pop(_WROTE, None)


def _writing() -> bool:
    session = db.session
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value for the same ``key`` under the current stamp. Values must not
    be mutated by callers (they are shared between requests). Nothing is cached (or read from the
    cache) inside a transaction that has written."""
    stamp = request_stamp() if has_app_context() and not _writing() else None
    if stamp is None:
        return compute()
    full = (stamp, rules_key(), *key)
    s = store()
    found, value = s.get(full)
    if found:
        return value
    value = compute()
    s.put(full, value)
    return value
