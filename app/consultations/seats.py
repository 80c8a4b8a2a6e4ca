"""Who sits on a consultation's panel for meetings: chair and members, invited or accepted.
Meetings (time checks, invitations, the .ics) import it from here, not from meetings.services,
so meetings' notify and serialize modules need not import the services."""

from __future__ import annotations

from app.consultations.models import Consultation, PanelMember

SEATED_ROLES = ("chair", "member")
ACTIVE_MEMBER = ("invited", "accepted")


def seated_members(c: Consultation) -> list[PanelMember]:
    """Panel members whose time counts: chair and members, invited or accepted."""
    return [m for m in c.members if m.role in SEATED_ROLES and m.status in ACTIVE_MEMBER]
