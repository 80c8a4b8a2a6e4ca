"""JSON shapes of consultations and panels (api.md)."""

from __future__ import annotations

from app.consultations.models import Consultation, PanelDraw, PanelMember
from app.timeutil import iso


def panel_dict(consultation: Consultation) -> dict | None:
    """{"members": [...], "reserves": [...], "draw": {...}} or None before the draw."""
    initial = next((d for d in consultation.draws if d.kind == "initial"), None)
    if initial is None:
        return None
    reserves = [{"expert_id": m.expert_id, "rank": m.rank, "name": m.expert.name} for m in consultation.reserves()]
    members = [{"expert_id": m.expert_id, "role": m.role, "status": m.status, "name": m.expert.name,
                "decline_reason": m.decline_reason, "responded_at": iso(m.responded_at)}
               for m in sorted((m for m in consultation.members if not m.is_in_line), key=PanelMember.listing_order)]
    return {"members": members, "reserves": reserves, "draw": draw_dict(initial),
            "additional_draws": [draw_dict(d) for d in consultation.draws if d.kind != "initial"],
            "reserves_exhausted": needs_reserves(consultation)}


def draw_dict(draw: PanelDraw) -> dict:
    return {
        "id": draw.id,
        "kind": draw.kind,
        "seed": draw.seed,
        "algorithm": draw.parameters.get("algorithm"),
        "tier": draw.tier,
        "office_id": draw.office_id,
        "candidate_count": len(draw.candidates),
        "candidate_ids": [c["expert_id"] for c in draw.candidates],
        "excluded": draw.excluded,
        "escalated": draw.escalated,
        "created_at": iso(draw.created_at),
    }


def needs_reserves(consultation: Consultation) -> bool:
    """A seat is vacant (a member declined and no reserve was left to take it)."""
    return bool(consultation.draws) and bool(consultation.vacant_roles())


def consultation_dict(consultation: Consultation, include_panel: bool = True) -> dict:
    meetings = [
        {"id": m.id, "start": iso(m.start), "end": iso(m.end), "mode": m.mode, "location": m.location,
         "status": m.status, "sequence": m.sequence}
        for m in consultation.meetings
    ]
    data = {
        "id": consultation.id,
        "case_id": consultation.case_id,
        "case_number": consultation.case.case_number,
        "case_title": consultation.case.title,
        "questions": consultation.questions,
        "required_specialties": consultation.required_specialties,
        "panel_size": consultation.panel_size,
        "urgency": consultation.urgency,
        "status": consultation.status,
        "tier": consultation.tier,
        "office_id": consultation.office_id,
        "office_name": consultation.office.name if consultation.office else None,
        "requesting_org_id": consultation.requesting_org_id,
        "return_reason": consultation.return_reason,
        "escalated": consultation.escalated,
        "escalation_reason": consultation.escalation_reason,
        "version": consultation.version,
        "created_at": iso(consultation.created_at),
        "updated_at": iso(consultation.updated_at),
        "meetings": meetings,
        "opinion_id": getattr(consultation, "opinion_id", None),
    }
    if include_panel:
        data["panel"] = panel_dict(consultation)
    return data
