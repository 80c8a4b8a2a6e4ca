"""Access to the expert pool (domain.md, Roles).

- admin: everything.
- officer: reads experts whose region lies in the office's jurisdiction; manages (creates,
  edits, imports, exports) only the pool of the office's own tier within it.
- expert: reads their own record and maintains its conflicts and unavailability.
- agency: no access to the pool.
"""

from __future__ import annotations

from sqlalchemy import false, true

from app.auth.jurisdiction import is_admin, officer_jurisdiction
from app.experts.models import Expert


def can_view_expert(user, expert: Expert) -> bool:
    if is_admin(user):
        return True
    if getattr(user, "role", None) == "expert":
        return user.expert_id == expert.id
    jur = officer_jurisdiction(user)
    return jur is not None and jur.covers(expert.region_code)


def can_manage_pool(user, tier: str, region_code: str) -> bool:
    """May ``user`` add or change an expert of ``tier`` at ``region_code``?"""
    if is_admin(user):
        return True
    jur = officer_jurisdiction(user)
    return jur is not None and jur.tier == tier and jur.covers(region_code)


def can_manage_expert(user, expert: Expert) -> bool:
    return can_manage_pool(user, expert.tier, expert.region_code)


def can_maintain_declarations(user, expert: Expert) -> bool:
    """Conflict declarations and unavailability: the expert themself or a pool manager."""
    if getattr(user, "role", None) == "expert":
        return user.expert_id == expert.id
    return can_manage_expert(user, expert)


def can_list_pool(user) -> bool:
    return is_admin(user) or officer_jurisdiction(user) is not None


def visible_experts_clause(user):
    """SQL filter matching the experts ``user`` may list."""
    if is_admin(user):
        return true()
    jur = officer_jurisdiction(user)
    if jur is None:
        return false()
    return Expert.region_code.startswith(jur.prefix) if jur.prefix else true()


def managed_tier(user) -> str | None:
    """The pool tier an officer manages (None for admin = any)."""
    jur = officer_jurisdiction(user)
    return jur.tier if jur else None
