"""Which petition office staffs a consultation, and where an escalation goes."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.orgs.models import Organization
from expert_pool.codes import TIER_RANK

POOL_TIERS_UP = ("municipal", "provincial", "national")


def office_region(tier: str, case_region: str) -> str:
    return {"municipal": case_region[:4] + "00", "provincial": case_region[:2] + "0000", "national": "000000"}[tier]


def petition_office(tier: str, case_region: str) -> Organization | None:
    """The petition office of ``tier`` whose jurisdiction covers ``case_region``."""
    return db.session.execute(
        select(Organization).where(
            Organization.kind == "petition_office",
            Organization.tier == tier,
            Organization.region_code == office_region(tier, case_region),
        ).order_by(Organization.id).limit(1)
    ).scalar_one_or_none()


def staffing_office(case_region: str) -> Organization | None:
    """Municipal office by default; the next existing tier up where a level has no office."""
    for tier in POOL_TIERS_UP:
        office = petition_office(tier, case_region)
        if office is not None:
            return office
    return None


def next_office(current: Organization, case_region: str) -> Organization | None:
    """The escalation target: the nearest higher-tier petition office covering the case."""
    higher = [t for t in POOL_TIERS_UP if TIER_RANK[t] < TIER_RANK[current.tier]]
    for tier in sorted(higher, key=lambda t: -TIER_RANK[t]):
        office = petition_office(tier, case_region)
        if office is not None:
            return office
    return None
