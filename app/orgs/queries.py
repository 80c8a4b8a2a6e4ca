"""The organization list, shared by the admin page (``/admin/organizations``) and the API
(``GET /api/v1/organizations``): one filter set, one order (by region code)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, select
from sqlalchemy.orm import aliased

from app.orgs.models import Organization
from app.sorting import Sortable


@dataclass(frozen=True)
class OrganizationFilters:
    kind: str | None = None
    tier: str | None = None
    region_code: str | None = None  # the region and everything inside it
    q: str | None = None            # part of the name, or the start of the region code


_PARENT = aliased(Organization)
# The admin list's sortable columns (app.sorting); by default the tree by region code.
ORG_SORT = Sortable({
    "name": Organization.name, "kind": Organization.kind,
    "tier": case({"national": 0, "provincial": 1, "municipal": 2, "county": 3}, value=Organization.tier, else_=4),
    "region": Organization.region_code,
    "parent": select(_PARENT.name).where(_PARENT.id == Organization.parent_id).scalar_subquery(),
    "prefix": Organization.doc_prefix,
}, default="region", tiebreak=Organization.id)


def list_query(filters: OrganizationFilters | None = None) -> Select:
    filters = filters or OrganizationFilters()
    stmt = select(Organization)
    if filters.kind:
        stmt = stmt.where(Organization.kind == filters.kind)
    if filters.tier:
        stmt = stmt.where(Organization.tier == filters.tier)
    if filters.region_code:
        stmt = stmt.where(Organization.region_code.startswith(filters.region_code.rstrip("0"), autoescape=True))
    if filters.q:
        stmt = stmt.where(Organization.name.contains(filters.q, autoescape=True)
                          | Organization.region_code.startswith(filters.q, autoescape=True))
    return stmt.order_by(Organization.region_code, Organization.id)
