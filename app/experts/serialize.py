"""Turning stored values into what the pages show: the change history of an expert with
Chinese field names and readable before → after values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.audit.services import ACTION_LABELS, OBJECT_LABELS
from app.auth.models import User
from app.experts.services import FIELD_LABELS as EXPERT_FIELD_LABELS
from app.extensions import db
from app.orgs.models import Organization
from app.timeutil import local
from expert_pool import regions
from expert_pool.codes import EXPERT_STATUSES, POOL_TIERS, SPECIALTIES

# Display order and Chinese names of every field an expert's history can show.
FIELD_LABELS: dict[str, str] = {
    **EXPERT_FIELD_LABELS,
    "organization_id": "利益冲突单位",
    "person_name": "利益冲突人员",
    "case_id": "信访事项",
    "reason": "事由",
    "start": "开始时间",
    "end": "结束时间",
}
# Bookkeeping keys that mean nothing to a reader.
HIDDEN_KEYS = {"id", "version", "expert_id", "created_at"}
ORG_KEYS = ("employer_organization_id", "organization_id")


@dataclass
class Change:
    label: str
    before: str
    after: str
    key: str = ""


@dataclass
class HistoryItem:
    at: datetime | None
    actor: str
    action: str
    summary: str
    changes: list[Change] = field(default_factory=list)


def history_items(entries: list) -> list[HistoryItem]:
    """Audit entries (newest first) → rows for the detail page."""
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    org_ids = {int(v) for e in entries for d in (e.before or {}, e.after or {}) for k in ORG_KEYS
               if isinstance((v := d.get(k)), int)}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    orgs = dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all()) if org_ids else {}
    items = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        # Fields in form order; a creation or deletion lists only the fields that had a value.
        keys = [k for k in FIELD_LABELS if k in before or k in after]
        if not before or not after:
            keys = [k for k in keys if not _empty(before.get(k)) or not _empty(after.get(k))]
        actor = names.get(entry.actor_id)
        actor_text = f"{actor}（{entry.actor_name}）" if actor and entry.actor_name else (actor or entry.actor_name or "系统")
        what = OBJECT_LABELS.get(entry.object_type, entry.object_type)
        items.append(HistoryItem(
            at=entry.created_at,
            actor=actor_text,
            action=f"{ACTION_LABELS.get(entry.action, entry.action)}{what}",
            summary=entry.summary,
            changes=[Change(FIELD_LABELS[k], display_value(k, before.get(k), orgs) if k in before else "",
                            display_value(k, after.get(k), orgs) if k in after else "") for k in keys],
        ))
    return items


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def display_value(key: str, value, orgs: dict[int, str] | None = None) -> str:
    """One stored value as a person reads it: labels for codes, names for ids, local times."""
    if _empty(value):
        return "—"
    if key == "tier":
        return f"{POOL_TIERS.get(value, value)}级"
    if key == "status":
        return EXPERT_STATUSES.get(value, value)
    if key == "specialties" and isinstance(value, list):
        return "、".join(SPECIALTIES.get(c, c) for c in value)
    if key == "region_code":
        name = regions.name(value)
        return name if value in name else f"{name}（{value}）"
    if key in ORG_KEYS:
        name = (orgs or {}).get(value)
        return f"{name}" if name else f"单位 #{value}"
    if key in ("start", "end") and isinstance(value, str):
        try:
            return local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return str(value)


def current_values(data: dict, orgs: dict[int, str] | None = None) -> list[Change]:
    """An expert's to_dict() as (label, value) rows — shown when someone else changed it first."""
    return [Change(FIELD_LABELS[k], "", display_value(k, data[k], orgs), key=k) for k in FIELD_LABELS if k in data]


def differing_fields(current: dict, submitted: dict) -> set[str]:
    """Fields whose saved value differs from what the user submitted (stale-edit screen)."""

    def norm(value):
        if isinstance(value, list):
            return tuple(sorted(str(v) for v in value))
        return "" if value is None else str(value).strip()

    return {k for k in submitted if k in current and norm(current[k]) != norm(submitted[k])}
