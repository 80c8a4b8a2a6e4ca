"""One precedent to read: the anonymized text of an issued opinion for any signed-in user; the full
text only to those who may see the case (every full view audited)."""

from __future__ import annotations

from app.cases.permissions import can_view_case
from app.errors import NotFound
from app.extensions import db
from app.opinions.models import Opinion
from app.search.results import superseded_by
from app.search.service import search_text_for
from app.timeutil import iso, local


def get_precedent(opinion_id: int) -> Opinion:
    """An issued (or superseded) opinion; drafts and unknown ids are 404 alike."""
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.status not in ("issued", "superseded") or opinion.issued_at is None:
        raise NotFound("未找到该意见书（仅已印发的意见书可作为类案查阅）")
    return opinion


def precedent_dict(user, opinion: Opinion) -> dict:
    stored = search_text_for(opinion)
    case = opinion.consultation.case
    return {
        "opinion_id": opinion.id, "number": opinion.number, "title": stored.title, "text": stored.full_text,
        "sections": dict(stored.sections), "category": case.category, "tier": opinion.consultation.tier,
        "region_code": case.region_code, "issued_at": iso(opinion.issued_at),
        "issued_on": local(opinion.issued_at).date().isoformat(), "conclusion": opinion.conclusion,
        "recommendations": list(opinion.recommendations or []), "superseded": opinion.status == "superseded",
        "superseded_by": superseded_by([opinion.id]).get(opinion.id), "anonymized": True,
        "full_text_permitted": can_view_case(user, case),
    }
