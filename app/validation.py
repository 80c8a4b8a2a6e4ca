"""Pydantic-based input validation with Chinese, per-field error messages.

Services call :func:`parse` with a schema and raw data (a JSON body, a form or a spreadsheet
row); it returns the validated model or raises :class:`ValidationFailed` naming every bad field.
"""

from __future__ import annotations

import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from app.errors import ValidationFailed
from app.timeutil import date_problem

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
        return date_problem(err.get("input"))
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return date_problem(err.get("input"), "时间")
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


# Characters no stored text may hold: C0 controls other than tab, LF and CR (NUL among them:
# PostgreSQL cannot store it), DEL, lone surrogates and U+FFFE/U+FFFF — XML 1.0 forbids them, so
# one of them in a record breaks every .xlsx or .docx that later contains it.
FORBIDDEN_TEXT_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def forbidden_text_message(text: str) -> str:
    return "不能包含空字符（NUL）" if "\x00" in text else "不能包含不可见的控制字符"


def forbidden_text_fields(data: object) -> dict[str, str]:
    """{path: message} for every string (dict keys included) in ``data`` holding a character of
    :data:`FORBIDDEN_TEXT_RE`; paths read ``field``, ``field.sub`` and ``field[2]``. Walks with
    its own stack: a deeply nested JSON body must not exhaust Python's recursion limit."""
    found: dict[str, str] = {}
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if FORBIDDEN_TEXT_RE.search(value):
                found[path or "_"] = forbidden_text_message(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                key_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and FORBIDDEN_TEXT_RE.search(key):
                    found[FORBIDDEN_TEXT_RE.sub("", key_path) or "_"] = forbidden_text_message(key)
                stack.append((key_path, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return dict(sorted(found.items()))


def parse(schema: type[M], data: object) -> M:
    if not isinstance(data, dict):
        raise ValidationFailed({"_": "请求体应为 JSON 对象"})
    bad = forbidden_text_fields(data)
    if bad:
        raise ValidationFailed(bad)
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(errors_by_field(exc)) from None
