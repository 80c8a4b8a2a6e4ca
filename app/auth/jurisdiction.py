"""Who oversees what: role checks and officer jurisdictions as small composable predicates."""

from __future__ import annotations

from dataclasses import dataclass

from expert_pool import regions


@dataclass(frozen=True)
class Jurisdiction:
    tier: str          # the office's tier: national / provincial / municipal
    prefix: str        # region prefix covered: '' = everything

    def covers(self, region_code: str) -> bool:
        return region_code.startswith(self.prefix)


def officer_jurisdiction(user) -> Jurisdiction | None:
    """The jurisdiction of an officer's petition office, None for anyone else."""
    org = getattr(user, "organization", None)
    if getattr(user, "role", None) != "officer" or org is None or org.tier not in ("national", "provincial", "municipal"):
        return None
    return Jurisdiction(org.tier, regions.jurisdiction_prefix(org.tier, org.region_code))


def is_admin(user) -> bool:
    return getattr(user, "role", None) == "admin"


def is_officer(user) -> bool:
    return officer_jurisdiction(user) is not None
