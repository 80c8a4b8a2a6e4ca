"""The region picker (行政区划选择): every region field is a choice from the GB/T 2260 table
(expert_pool/gbt2260.tsv), searchable by name or code, never a typed code (issue 9, item 11).

The options are limited to what the user works in: an officer's jurisdiction, an agency's
province; admins and the national office choose from the whole country.
"""

from __future__ import annotations

from functools import cache

from app.auth.jurisdiction import is_admin, officer_jurisdiction
from expert_pool import regions


def scope(user) -> str:
    """The code prefix of the regions ``user`` picks from ("" = all)."""
    if is_admin(user):
        return ""
    jur = officer_jurisdiction(user)
    if jur is not None:
        return jur.prefix
    org = getattr(user, "organization", None)
    if getattr(user, "role", None) == "agency" and org is not None and org.region_code != regions.NATIONAL:
        return org.region_code[:2]
    return ""


@cache
def options(within: str = "", national: bool = False) -> tuple[tuple[str, str], ...]:
    """``(code, "name code")`` pairs; the code is in the text so typing it also finds the region."""
    rows = [(code, f"{name} {code}") for code, name in regions.choices(within)]
    if national and not within:
        rows.insert(0, (regions.NATIONAL, f"全国 {regions.NATIONAL}"))
    return tuple(rows)
