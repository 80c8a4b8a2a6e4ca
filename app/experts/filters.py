"""Reading the expert-list filters from query arguments (shared by the page and the API)."""

from __future__ import annotations

from app.errors import ValidationFailed
from app.experts.services import ExpertFilters
from expert_pool.codes import EXPERT_STATUSES, POOL_TIERS, SPECIALTIES


def filters_from_args(args) -> ExpertFilters:
    f = ExpertFilters(
        tier=args.get("tier") or None,
        region_code=(args.get("region_code") or "").strip() or None,
        specialty=args.get("specialty") or None,
        status=args.get("status") or None,
        q=(args.get("q") or "").strip()[:60] or None,
    )
    errors = {}
    if f.tier and f.tier not in POOL_TIERS:
        errors["tier"] = "未知的层级"
    if f.specialty and f.specialty not in SPECIALTIES:
        errors["specialty"] = "未知的专业领域"
    if f.status and f.status not in EXPERT_STATUSES:
        errors["status"] = "未知的状态"
    if f.region_code and not (f.region_code.isdigit() and len(f.region_code) <= 6):
        errors["region_code"] = "行政区划代码应为数字"
    if errors:
        raise ValidationFailed(errors)
    return f
