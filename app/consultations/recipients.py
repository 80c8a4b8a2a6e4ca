"""Who is told about a consultation: the staffing office's officers and the handling agency's
users (active accounts only). Used by consultations, meetings and opinions alike."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.cases.models import Case
from app.extensions import db


def officers_of(org_id: int) -> list:
    return list(db.session.execute(
        select(User).where(User.organization_id == org_id, User.role == "officer", User.is_active_flag.is_(True))
    ).scalars())


def agency_users(case: Case) -> list:
    return list(db.session.execute(
        select(User).where(User.organization_id == case.handling_org_id, User.role == "agency", User.is_active_flag.is_(True))
    ).scalars())
