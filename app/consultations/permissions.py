"""Who may see and act on a consultation (domain.md, Roles).

- admin: everything.
- agency: consultations of its own organization's cases.
- officer: sees those whose case lies in the office's jurisdiction or that its office staffs
  (after an escalation); acts (accept, return, draw, schedule, rate) only when its office is
  the staffing office.
- expert: only consultations they are invited to or sit on.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select, true

from app.auth.jurisdiction import is_admin, officer_jurisdiction
from app.cases.models import Case
from app.consultations.models import Consultation, PanelMember


def is_panel_expert(user, consultation: Consultation) -> bool:
    return getattr(user, "role", None) == "expert" and consultation.sees_through_seat(user.expert_id)


def can_view_consultation(user, consultation: Consultation) -> bool:
    role = getattr(user, "role", None)
    if is_admin(user):
        return True
    if role == "agency":
        return consultation.case.handling_org_id == user.organization_id
    if role == "expert":
        return is_panel_expert(user, consultation)
    jur = officer_jurisdiction(user)
    if jur is None:
        return False
    return consultation.office_id == user.organization_id or jur.covers(consultation.case.region_code)


def can_staff(user, consultation: Consultation) -> bool:
    """Accept/return, draw, escalate, schedule, rate: the staffing office's officers (and admin)."""
    if is_admin(user):
        return True
    return officer_jurisdiction(user) is not None and consultation.office_id == user.organization_id


def can_request_for_case(user, case: Case) -> bool:
    """Agencies for their own cases; officers for cases in their jurisdiction; admins."""
    if is_admin(user):
        return True
    if getattr(user, "role", None) == "agency":
        return case.handling_org_id == user.organization_id
    jur = officer_jurisdiction(user)
    return jur is not None and jur.covers(case.region_code)


def can_amend(user, consultation: Consultation) -> bool:
    """The requester side amends a returned request: the owning agency or an officer in jurisdiction."""
    return can_request_for_case(user, consultation.case)


def can_withdraw(user, consultation: Consultation) -> bool:
    """Withdrawing is the requester's decision: the agency owning the case, an officer whose
    office filed the request (and still covers the case), admin — not any officer in
    jurisdiction (the staffing office returns a request, it does not withdraw it)."""
    if not can_request_for_case(user, consultation.case):
        return False
    if is_admin(user) or getattr(user, "role", None) == "agency":
        return True
    return consultation.requesting_org_id is not None and consultation.requesting_org_id == user.organization_id


def visible_consultations_clause(user):
    if is_admin(user):
        return true()
    role = getattr(user, "role", None)
    if role == "agency":
        return Consultation.case_id.in_(select(Case.id).where(Case.handling_org_id == user.organization_id))
    if role == "expert":
        if user.expert_id is None:
            return false()
        return exists().where(and_(PanelMember.consultation_id == Consultation.id, PanelMember.expert_id == user.expert_id,
                                   PanelMember.is_seated))  # = Consultation.sees_through_seat
    jur = officer_jurisdiction(user)
    if jur is None:
        return false()
    in_region = Consultation.case_id.in_(select(Case.id).where(Case.region_code.startswith(jur.prefix)))
    return or_(Consultation.office_id == user.organization_id, in_region)
