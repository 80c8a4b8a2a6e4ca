"""The user list, shared by the admin page (``/admin/users``) and the API (``GET /api/v1/users``):
one filter set, one order (by role, then user name)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from app.auth.models import User
from app.orgs.models import Organization
from app.sorting import Sortable


@dataclass(frozen=True)
class UserFilters:
    role: str | None = None
    organization_id: int | None = None
    active: bool | None = None
    q: str | None = None  # part of the user name or the display name


# The user list's sortable columns (app.sorting); by default by role, then username.
USER_SORT = Sortable({
    "username": User.username, "name": User.display_name, "role": User.role,
    "org": select(Organization.name).where(Organization.id == User.organization_id).scalar_subquery(),
    "status": User.is_active_flag, "created": User.created_at,
}, default="role", tiebreak=User.id, default_order=(User.role, User.username))


def list_query(filters: UserFilters | None = None) -> Select:
    filters = filters or UserFilters()
    stmt = select(User)
    if filters.role:
        stmt = stmt.where(User.role == filters.role)
    if filters.organization_id:
        stmt = stmt.where(User.organization_id == filters.organization_id)
    if filters.active is not None:
        stmt = stmt.where(User.is_active_flag.is_(filters.active))
    if filters.q:
        stmt = stmt.where(or_(User.username.contains(filters.q, autoescape=True),
                              User.display_name.contains(filters.q, autoescape=True)))
    return stmt.order_by(User.role, User.username, User.id)
