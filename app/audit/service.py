"""Writing and verifying the audit log.

Each entry's hash covers its own fields and the previous entry's hash, so altering or removing
any row breaks the chain from that row on. Entries are written in the same transaction as the
change they describe: a change without its audit entry cannot be committed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import insert, select, text

from app.audit.models import AuditEntry
from app.db_types import utcnow
from app.extensions import db

GENESIS = "0" * 64

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
}

OBJECT_LABELS = {
    "user": "用户",
    "organization": "单位",
    "expert": "专家",
    "conflict": "回避申报",
    "unavailability": "不可出席时段",
    "roster": "专家名册",
}


def acting_user():
    """The user behind the current request: the API token's owner or the signed-in session."""
    if not has_request_context():
        return None
    if g.get("api_user") is not None:
        return g.api_user
    return current_user if current_user and current_user.is_authenticated else None


HASHED_FIELDS = ("actor_id", "actor_name", "action", "object_type", "object_id", "subject", "summary", "before",
                 "after", "ip")


def _digest(entry: AuditEntry) -> str:
    return _digest_values({"prev_hash": entry.prev_hash, "created_at": entry.created_at,
                           **{name: getattr(entry, name) for name in HASHED_FIELDS}})


def _digest_values(values: dict) -> str:
    """The entry's hash: its fields and the previous entry's hash (``values`` as stored)."""
    payload = {"prev": values["prev_hash"], "at": values["created_at"].isoformat(),
               **{name: values[name] for name in HASHED_FIELDS}}
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def _lock_chain() -> None:
    """Serialize appends so two transactions never chain onto the same predecessor."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7420001)"))
    else:
        # SQLite: a write statement (matching no row) takes the database's write lock now, so
        # the last hash read next cannot change before this transaction commits. Without it,
        # two workers reading in autocommit could both chain onto the same entry.
        db.session.execute(text("UPDATE audit_log SET id = id WHERE 0"))


def record(action: str, object_type: str = "", object_id: int | None = None, summary: str = "",
           before: dict | None = None, after: dict | None = None, actor=None,
           subject: str | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    if actor is None:
        actor = acting_user()
    _lock_chain()
    last = db.session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject=subject or (f"{object_type}:{object_id}" if object_type and object_id is not None else None),
        summary=summary,
        before=_jsonable(before),
        after=_jsonable(after),
        ip=request.remote_addr if has_request_context() else None,
        prev_hash=last or GENESIS,
    )
    entry.hash = _digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def record_batch(items: list[dict], actor=None) -> None:
    """Append many entries at once (roster imports): one lock, one chain read and one bulk
    INSERT for all (ORM objects would cost seconds for thousands of entries)."""
    if not items:
        return
    if actor is None:
        actor = acting_user()
    _lock_chain()
    prev = db.session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar() or GENESIS
    now = utcnow()
    ip = request.remote_addr if has_request_context() else None
    rows = []
    for item in items:
        object_type, object_id = item.get("object_type", ""), item.get("object_id")
        row = {
            "created_at": now, "actor_id": getattr(actor, "id", None), "actor_name": getattr(actor, "username", None) or "",
            "action": item["action"], "object_type": object_type, "object_id": object_id,
            "subject": item.get("subject") or (f"{object_type}:{object_id}" if object_type and object_id is not None else None),
            "summary": item.get("summary", ""), "before": _jsonable(item.get("before")), "after": _jsonable(item.get("after")),
            "ip": ip, "prev_hash": prev,
        }
        row["hash"] = prev = _digest_values(row)
        rows.append(row)
    db.session.execute(insert(AuditEntry), rows)


def _jsonable(value: dict | None) -> dict | None:
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False, default=str))


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, for compact before/after records."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str = ""


def verify() -> VerifyResult:
    """Walk the chain in order; report the first entry altered, or after a removed one."""
    prev = GENESIS
    checked = 0
    # populate_existing: check what the database holds now, not entries cached in this session
    # (a caller that loaded entries earlier would otherwise be shown its own stale copies).
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(populate_existing=True, yield_per=2000)
    rows = db.session.execute(stmt).scalars()
    for entry in rows:
        checked += 1
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.id, "前一条记录被删除或改动（链接哈希不符）")
        if _digest(entry) != entry.hash:
            return VerifyResult(False, checked, entry.id, "记录内容被改动（哈希不符）")
        prev = entry.hash
    return VerifyResult(True, checked)
