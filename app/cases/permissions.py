"""Access to the case ledger as small predicates (domain.md, Roles).

- admin: every case.
- agency: cases whose handling organization (承办单位) is the user's organization.
- officer: cases whose region lies in the office's jurisdiction, and cases with a consultation
  staffed by the officer's office (an escalation makes a case of another region theirs).
- expert: cases of consultations where they are on the panel (invited or accepted), read only.

Seeing a case means seeing all of it, but petitioners' ID numbers, phones and addresses only
in full for the case's staff (``sees_personal_data``); experts see them masked
(``app.cases.personal``). Anyone else gets a 404 (never learns the case exists).
``visible_cases_clause`` is the same rule as SQL, for lists.
"""

from __future__ import annotations

from sqlalchemy import false, or_, select, true

from app.auth.jurisdiction import is_admin, officer_jurisdiction
from app.cases.models import Case
from app.consultations.models import Consultation, PanelMember
from expert_pool import regions


def _role(user) -> str | None:
    return getattr(user, "role", None)


def can_view_case(user, case: Case) -> bool:
    if is_admin(user):
        return True
    role = _role(user)
    if role == "agency":
        return user.organization_id is not None and case.handling_org_id == user.organization_id
    if role == "officer":
        jur = officer_jurisdiction(user)
        if jur is not None and jur.covers(case.region_code):
            return True
        return user.organization_id is not None and any(c.office_id == user.organization_id for c in case.consultations)
    if role == "expert":
        return user.expert_id is not None and any(c.sees_through_seat(user.expert_id) for c in case.consultations)
    return False


def sees_personal_data(user, case: Case) -> bool:
    """Staff of the case (admin, its handling agency, officers of the office chain that covers
    or staffs it) see petitioners' personal data in full; experts and anyone else masked."""
    return _role(user) in ("admin", "agency", "officer") and can_view_case(user, case)


def visible_cases_clause(user):
    """SQL filter on ``Case`` matching exactly the cases ``can_view_case`` allows."""
    if is_admin(user):
        return true()
    role = _role(user)
    if role == "agency":
        return Case.handling_org_id == user.organization_id if user.organization_id is not None else false()
    if role == "officer":
        clauses = []
        jur = officer_jurisdiction(user)
        if jur is not None:
            clauses.append(Case.region_code.startswith(jur.prefix) if jur.prefix else true())
        if user.organization_id is not None:
            clauses.append(Case.id.in_(select(Consultation.case_id).where(Consultation.office_id == user.organization_id)))
        return or_(*clauses) if clauses else false()
    if role == "expert" and user.expert_id is not None:
        return Case.id.in_(
            select(Consultation.case_id)
            .join(PanelMember, PanelMember.consultation_id == Consultation.id)
            .where(PanelMember.expert_id == user.expert_id, PanelMember.is_seated)  # = sees_through_seat
        )
    return false()


def can_register_cases(user) -> bool:
    """May ``user`` open the registration form at all (admin, officer, agency with an org)?"""
    if is_admin(user):
        return True
    if _role(user) == "agency":
        return user.organization_id is not None
    return officer_jurisdiction(user) is not None


def can_register_for(user, handling_org, region_code: str | None = None) -> bool:
    """May ``user`` register (or keep) a case handled by ``handling_org`` in ``region_code``?

    agency: only its own organization, for regions its organization covers (its region and
    below, as an office of the same tier would); officer: handling organizations (and case
    regions) within the jurisdiction; admin: any."""
    if is_admin(user):
        return True
    if handling_org is None:
        return False
    role = _role(user)
    if role == "agency":
        return (user.organization_id is not None and handling_org.id == user.organization_id
                and (region_code is None or _org_covers(handling_org, region_code)))
    if role == "officer":
        jur = officer_jurisdiction(user)
        return (jur is not None and jur.covers(handling_org.region_code)
                and (region_code is None or jur.covers(region_code)))
    return False


def _org_covers(org, region_code: str) -> bool:
    return region_code.startswith(regions.jurisdiction_prefix(org.tier, org.region_code))


def register_denied_message(user) -> str:
    if _role(user) == "agency":
        return "只能登记本单位承办、且属于本单位所在行政区域的信访事项"
    if _role(user) == "officer":
        return "只能登记本辖区内承办单位的信访事项"
    return "无权登记信访事项"


def can_edit_case(user, case: Case) -> bool:
    """Edit fields, extend the deadline, close, manage attachments — regardless of status
    (the services refuse changes to a closed case with 409)."""
    return can_register_for(user, case.handling_org, case.region_code)


def can_manage_attachments(user, case: Case) -> bool:
    return can_edit_case(user, case)


def can_export_ledger(user) -> bool:
    return can_register_cases(user)


def can_reopen(user) -> bool:
    return is_admin(user)
