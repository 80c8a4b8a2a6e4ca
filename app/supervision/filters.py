"""Filters of the dashboards, lists and exports from query arguments: ``from``/``to`` (period:
registration or request date, ``YYYY-MM-DD``), ``region_code`` (the region and everything in it),
``category``. Bad values are a 422 naming each (the pages fall back to no filter)."""

from __future__ import annotations

from datetime import date

from app.errors import ValidationFailed
from app.supervision.queries import Filters
from expert_pool import regions
from expert_pool.codes import CATEGORIES


def _date(raw: str, name: str, errors: dict) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "日期格式应为 YYYY-MM-DD"
        return None


def from_args(args) -> Filters:
    values = {k: (args.get(k) or "").strip() for k in ("from", "to", "region_code", "category")}
    errors: dict[str, str] = {}
    date_from = _date(values["from"], "from", errors)
    date_to = _date(values["to"], "to", errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = "结束日期不能早于开始日期"
    prefix = ""
    if values["region_code"]:
        problem = regions.validate(values["region_code"])
        if problem:
            errors["region_code"] = problem
        else:
            prefix = regions.prefix(values["region_code"])
    if values["category"] and values["category"] not in CATEGORIES:
        errors["category"] = f"未知的问题类别：{values['category']}"
    if errors:
        raise ValidationFailed(errors)
    return Filters(region_code=prefix, category=values["category"], date_from=date_from, date_to=date_to)


def as_args(f: Filters, region_code: str = "") -> dict[str, str]:
    out = {}
    if f.date_from:
        out["from"] = f.date_from.isoformat()
    if f.date_to:
        out["to"] = f.date_to.isoformat()
    if region_code:
        out["region_code"] = region_code
    if f.category:
        out["category"] = f.category
    return out
