"""Writing the audit log.

Each entry's hash is an HMAC, under a key kept outside the database, of its own fields and the
previous entry's hash, so altering or removing any row breaks the chain from that row on, and
nobody without the key can recompute it. Entries are written in the same transaction as the
change they describe: a change without its audit entry cannot be committed.

:func:`record` collects the entry in the session; the entries are chained and inserted when the
transaction commits (:func:`_append_at_commit`). The chain lock is therefore the last lock any
transaction takes. Taken at the first ``record`` instead, a transaction holding it while waiting
for a row or named lock that another transaction holds — which in turn waits for the chain — is a
deadlock on PostgreSQL (on SQLite, one writer, nothing changes). Entries of a transaction that
rolls back are forgotten with it. Checkpoints anchor
the chain's head outside the database (app/audit/checkpoints.py); what verification proves is
set out in app/audit/verification.py.
"""

from __future__ import annotations

import json

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from app.audit import checkpoints
from app.audit.chain import DIGEST_COLUMNS, GENESIS, keyed_digest, scheme_of, values_of
from app.audit.keys import audit_key
from app.audit.models import AuditEntry
from app.audit.verification import VerifyResult, verify  # noqa: F401  (callers import them from here)
from app.db_types import utcnow
from app.extensions import db
from app.locking import lock_name

ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "token_issued": "签发令牌",
    "token_revoked": "注销令牌",
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "export": "导出",
    "rotate": "轮换",
}

OBJECT_LABELS = {
    "user": "用户",
    "organization": "单位",
    "expert": "专家",
    "conflict": "回避申报",
    "unavailability": "不可出席时段",
    "roster": "专家名册",
    "pki": "签章根证书",
    "signing_certificate": "签章证书",
    "office_seal": "单位印章",
}


def acting_user():
    """The user behind the current request: the API token's owner or the signed-in session."""
    if not has_request_context():
        return None
    if g.get("api_user") is not None:
        return g.api_user
    return current_user if current_user and current_user.is_authenticated else None


def _chain_head() -> tuple[int | None, str, bool]:
    """Lock the chain, then read its last entry: (id, hash, whether that entry is keyed).

    The lock (held until commit) serializes appends, so two transactions never chain onto the
    same predecessor; the last entry is read in full so that the first keyed entry after a
    legacy (or empty) chain can be anchored by a checkpoint at once."""
    lock_name("audit_chain", expire=False)
    columns = [AuditEntry.id, AuditEntry.hash, *(getattr(AuditEntry, name) for name in DIGEST_COLUMNS)]
    last = db.session.execute(select(*columns).order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is None:
        return None, GENESIS, False
    keyed = scheme_of(values_of(last._mapping), last.hash, audit_key()) == "keyed"
    return last.id, last.hash, keyed


def _schedule_checkpoint(prev_id: int | None, prev_keyed: bool, new_last_id: int) -> None:
    """A checkpoint at commit when these appends start the keyed chain or cross a multiple of
    AUDIT_CHECKPOINT_EVERY (ids, not counts: crossing is cheap to see and gaps do not matter)."""
    every = max(int(current_app.config.get("AUDIT_CHECKPOINT_EVERY") or 0), 0)
    if not prev_keyed:
        checkpoints.schedule(db.session, "keyed", audit_key())
    elif every and (prev_id or 0) // every < new_last_id // every:
        checkpoints.schedule(db.session, "interval", audit_key())


def _subject(object_type: str, object_id: int | None, subject: str | None) -> str | None:
    return subject or (f"{object_type}:{object_id}" if object_type and object_id is not None else None)


_PENDING = "audit_pending"  # session.info: entries recorded in this transaction, not yet chained


def record(action: str, object_type: str = "", object_id: int | None = None, summary: str = "",
           before: dict | None = None, after: dict | None = None, actor=None,
           subject: str | None = None) -> None:
    """Add an audit entry to the current transaction (written when the caller commits)."""
    record_batch([{"action": action, "object_type": object_type, "object_id": object_id, "summary": summary,
                   "before": before, "after": after, "subject": subject}], actor=actor)


def record_batch(items: list[dict], actor=None) -> None:
    """Add many entries at once (roster imports): at commit they are chained with one lock, one
    read of the head and one bulk INSERT (ORM objects would cost seconds for thousands)."""
    if not items:
        return
    if actor is None:
        actor = acting_user()
    now = utcnow()
    ip = request.remote_addr if has_request_context() else None
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even with no SQL run yet, forgets these entries
    pending = session.info.setdefault(_PENDING, [])
    for item in items:
        object_type, object_id = item.get("object_type", ""), item.get("object_id")
        pending.append({
            "created_at": now, "actor_id": getattr(actor, "id", None), "actor_name": getattr(actor, "username", None) or "",
            "action": item["action"], "object_type": object_type, "object_id": object_id,
            "subject": _subject(object_type, object_id, item.get("subject")),
            "summary": item.get("summary", ""), "before": _jsonable(item.get("before")), "after": _jsonable(item.get("after")),
            "ip": ip,
        })


@event.listens_for(Session, "before_commit")
def _append_at_commit(session: Session) -> None:
    """Chain and insert the transaction's entries, then read the head for a due checkpoint."""
    rows = session.info.pop(_PENDING, None)
    if rows:
        prev_id, prev, prev_keyed = _chain_head()
        key = audit_key()
        for row in rows:
            row["prev_hash"] = prev
            row["hash"] = prev = keyed_digest(row, key)
        session.execute(insert(AuditEntry), rows)
        # The new ids are not returned by the bulk insert; at least len(rows) past the old last id.
        _schedule_checkpoint(prev_id, prev_keyed, (prev_id or 0) + len(rows))
    checkpoints.sign_head(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_PENDING, None)


def _jsonable(value: dict | None) -> dict | None:
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False, default=str))


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, for compact before/after records."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
