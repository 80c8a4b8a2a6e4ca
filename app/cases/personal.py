"""Petitioners' personal data (api.md, "Workflow order and data protection").

Staff of the case — administrators, the handling agency, officers whose jurisdiction or
consultation covers it — see ID numbers, phones and addresses in full, and every such view is
written to the audit log. Everyone else who may read the case (the panel's experts) sees them
masked: ``110105********002X``, ``138****5678``, the address cut below the county.
"""

from __future__ import annotations

import re

from app.audit import services as audit
from app.cases import idcard
from app.cases.models import Case, Petitioner
from app.cases.permissions import sees_personal_data

# One place name: the shortest run of characters ending in an administrative suffix.
_PLACE = re.compile(r"[^省市区县旗盟\d]{1,12}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|盟|区|县|旗)")
_COUNTY_SUFFIXES = ("区", "县", "旗", "自治县", "自治旗")
MASK = "（详细地址已隐去）"


def mask_address(address: str) -> str:
    """Keep the province, city and county; drop what lies below (street, building, door)."""
    text = (address or "").strip()
    if not text:
        return ""
    pos, kept = 0, 0
    while kept < 3:
        m = _PLACE.match(text, pos)
        if m is None:
            break
        pos, kept = m.end(), kept + 1
        if m.group().endswith(_COUNTY_SUFFIXES):
            break
    return (text[:pos] + MASK) if pos < len(text) else text[:pos] or MASK


def petitioner_dict(p: Petitioner, full: bool) -> dict:
    if full:
        return p.to_dict()
    return {"id": p.id, "name": p.name, "id_number": idcard.mask_id_number(p.id_number) if p.id_number else "",
            "phone": idcard.mask_phone(p.phone) if p.phone else "", "address": mask_address(p.address)}


def petitioners_for(user, case: Case) -> tuple[list[dict], bool]:
    """(the petitioners as ``user`` may see them, whether in full)."""
    full = sees_personal_data(user, case)
    return [petitioner_dict(p, full) for p in case.petitioners], full


def shown_petitioners(user, case: Case, where: str) -> list[dict]:
    """The petitioners as ``user`` may see them; a full view is audited (the caller commits)."""
    rows, full = petitioners_for(user, case)
    if full:
        record_full_view(user, [case], where)
    return rows


def record_full_view(user, cases: list[Case], where: str) -> None:
    """Audit a full view of petitioners' personal data (one entry per case shown)."""
    for case in cases:
        if not case.petitioners:
            continue
        names = "、".join(p.name for p in case.petitioners)
        audit.record("view_personal_data", "case", case.id, f"查看信访人完整个人信息（{where}）：{names}",
                     after={"petitioner_ids": [p.id for p in case.petitioners]}, actor=user, subject=f"case:{case.id}")
