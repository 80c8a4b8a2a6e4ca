"""The API representation of cases and their attachments (api.md, Cases)."""

from __future__ import annotations

from datetime import date

from app.cases.deadlines import extended_days, is_overdue
from app.cases.models import Case
from app.timeutil import iso


def case_to_dict(case: Case, *, attachments: bool = True, petitioners: list[dict] | None = None) -> dict:
    """The API representation: every contract field, labels, the deadline and its state.
    ``petitioners`` as the reader may see them (``app.cases.personal``); default in full, for
    the case's staff (who just wrote them)."""
    data = {
        "id": case.id,
        "case_number": case.case_number,
        "title": case.title,
        "summary": case.summary,
        "claims": case.claims,
        "category": case.category,
        "category_label": case.category_label,
        "region_code": case.region_code,
        "region_name": case.region_name,
        "handling_org_id": case.handling_org_id,
        "handling_org_name": case.handling_org.name if case.handling_org else None,
        "lead_org_id": case.lead_org_id,
        "cooperating_org_ids": [o.id for o in case.cooperating_orgs],
        "petitioners": petitioners if petitioners is not None else [p.to_dict() for p in case.petitioners],
        "first_petition_date": _iso_date(case.first_petition_date),
        "repeat_letters": case.repeat_letters,
        "repeat_visits": case.repeat_visits,
        "repeat_online": case.repeat_online,
        "cross_flags": list(case.cross_flags or []),
        "responsible_leader": case.responsible_leader,
        "is_backlog": case.is_backlog,
        "status": case.status,
        "status_label": case.status_label,
        "accepted_on": _iso_date(case.accepted_on),
        "due_date": _iso_date(case.due_date),
        "extended_days": extended_days(case),
        "overdue": is_overdue(case),
        "version": case.version,
        "created_at": iso(case.created_at),
        "updated_at": iso(case.updated_at),
    }
    if attachments:
        data["attachments"] = [attachment_to_dict(a) for a in case.attachments]
    return data


def attachment_to_dict(row) -> dict:
    return row.to_dict() | {"case_id": row.case_id, "created_at": iso(row.created_at),
                            "download_url": f"/api/v1/cases/{row.case_id}/attachments/{row.id}"}


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None
