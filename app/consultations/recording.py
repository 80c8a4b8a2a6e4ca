"""How a consultation's events are written down and linked: the audit entry on the case's
timeline and the page link notifications carry. Public so that meetings and opinions record on
the same timeline without importing the consultation services."""

from __future__ import annotations

from app.audit import services as audit
from app.consultations.models import Consultation


def subject(c: Consultation) -> str:
    return f"case:{c.case_id}"


def record(c: Consultation, action: str, summary: str, before=None, after=None) -> None:
    audit.record(action, "consultation", c.id, summary, before=before, after=after, subject=subject(c))


def link(c: Consultation) -> str:
    return f"/consultations/{c.id}"
