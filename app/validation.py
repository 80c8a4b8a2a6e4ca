"""Pydantic-based input validation with Chinese, per-field error messages.

Services call :func:`parse` with a schema and raw data (a JSON body, a form or a spreadsheet
row); it returns the validated model or raises :class:`ValidationFailed` naming every bad field.
"""

from __future__ import annotations

import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from app.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def known_codes(values: list[str], table: dict[str, str], what: str) -> list[str]:
    """``values`` without duplicates, or ValueError naming the codes ``table`` does not know
    (for pydantic field validators: 专业领域、三跨三分离标识 …)."""
    unknown = [c for c in values if c not in table]
    if unknown:
        raise ValueError(f"未知的{what}：{'、'.join(unknown)}")
    return list(dict.fromkeys(values))


def _message(err: dict) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return "必填"
    if kind == "extra_forbidden":
        return "不支持的字段"
    if kind in ("string_type",):
        return "应为文本"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "应为整数"
    if kind in ("bool_type", "bool_parsing"):
        return "应为 true 或 false"
    if kind in ("list_type",):
        return "应为列表"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return "日期格式应为 YYYY-MM-DD"
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return "时间格式应为 ISO 8601，如 2026-12-08T09:30:00+08:00"
    if kind == "literal_error":
        return f"取值无效，可选：{ctx.get('expected', '')}"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    return err["msg"]


def errors_by_field(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        field = loc[0] if loc else "_"
        if field not in out:
            out[field] = _message(err)
    return out


def _nul_fields(data: object, path: str = "") -> list[str]:
    """Paths of strings containing NUL (PostgreSQL cannot store it; no real text has it)."""
    if isinstance(data, str):
        return [path or "_"] if "\x00" in data else []
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _nul_fields(v, str(k) if not path else f"{path}.{k}")]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _nul_fields(v, f"{path}[{i}]")]
    return []


def parse(schema: type[M], data: object) -> M:
    if not isinstance(data, dict):
        raise ValidationFailed({"_": "请求体应为 JSON 对象"})
    bad = _nul_fields(data)
    if bad:
        raise ValidationFailed(dict.fromkeys(bad, "不能包含空字符（NUL）"))
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(errors_by_field(exc)) from None
