"""Who may see and act on an opinion — small predicates over the consultation's permissions.

- view: whoever may see the consultation (panel members invited or accepted, officers of the
  staffing office or of the case's jurisdiction, the agency owning the case, admin);
- draft: the panel chair who accepted, or the staffing office's officers (and admin);
- edit and comment: panel members who accepted, and the staffing office's officers;
- sign and record a dissent: panel members (chair or member) who accepted;
- issue and correct: the staffing office's officers (and admin);
- feedback (落实反馈): the agency owning the case.

Comments are the panel's internal deliberation: the agency sees the document, not them.
"""

from __future__ import annotations

from app.consultations.models import Consultation, PanelMember
from app.consultations.permissions import can_staff, can_view_consultation
from app.opinions.models import Opinion


def accepted_seat(user, consultation: Consultation) -> PanelMember | None:
    """The user's own seat on the panel, once accepted (drafting, editing, signing)."""
    seat = consultation.seat_of_user(user)
    return seat if seat is not None and seat.is_accepted else None


def can_view(user, opinion: Opinion) -> bool:
    return can_view_consultation(user, opinion.consultation)


def can_draft(user, consultation: Consultation) -> bool:
    if can_staff(user, consultation):
        return True
    seat = accepted_seat(user, consultation)
    return seat is not None and seat.is_chair


def can_edit(user, opinion: Opinion) -> bool:
    return can_staff(user, opinion.consultation) or accepted_seat(user, opinion.consultation) is not None


def can_comment(user, opinion: Opinion) -> bool:
    return can_edit(user, opinion)


def sees_comments(user, opinion: Opinion) -> bool:
    return getattr(user, "role", None) != "agency" and can_view(user, opinion)


def can_sign(user, opinion: Opinion) -> bool:
    return accepted_seat(user, opinion.consultation) is not None


def can_issue(user, opinion: Opinion) -> bool:
    return can_staff(user, opinion.consultation)


def can_feedback(user, opinion: Opinion) -> bool:
    return getattr(user, "role", None) == "agency" and opinion.case.handling_org_id == user.organization_id
