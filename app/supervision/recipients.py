"""Who hears of a deadline: the responsible petition office's officers, the handling agency's
clerks, the case's responsible leader (包案领导: a user of the agency or the office whose display
name is the leader's name) and — once escalated — the officers of the supervising office."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.auth.models import User
from app.cases.models import Case
from app.consultations.offices import next_office, staffing_office
from app.extensions import db
from app.orgs.models import Organization


def active_users(org_id: int | None, role: str | None = None) -> list[User]:
    if org_id is None:
        return []
    stmt = select(User).where(User.organization_id == org_id, User.is_active_flag.is_(True))
    if role:
        stmt = stmt.where(User.role == role)
    return list(db.session.execute(stmt.order_by(User.id)).scalars())


def responsible_office(case: Case) -> Organization | None:
    """The petition office that supervises the case: the municipal office of its city (or the
    next tier up where there is none)."""
    return staffing_office(case.region_code)


def supervising_office(office: Organization | None, case: Case) -> Organization | None:
    """The higher-tier office an overdue item escalates to."""
    if office is None:
        return None
    if office.parent_id:
        parent = db.session.get(Organization, office.parent_id)
        if parent is not None and parent.kind == "petition_office":
            return parent
    return next_office(office, case.region_code)


def leaders(case: Case, office_id: int | None) -> list[User]:
    name = (case.responsible_leader or "").strip()
    if not name:
        return []
    orgs = [o for o in (case.handling_org_id, office_id) if o is not None]
    return list(db.session.execute(
        select(User).where(User.display_name == name, User.is_active_flag.is_(True),
                           or_(*[User.organization_id == o for o in orgs])).order_by(User.id)).scalars())
