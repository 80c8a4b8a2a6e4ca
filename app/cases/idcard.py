"""Checks of petitioners' identity-card and telephone numbers, and masking for logs.

Pure functions (no Flask, no database), unit-tested in tests/unit/test_idcard.py.

- Resident identity number (GB 11643-1999): 6-digit address code, 8-digit birth date
  (YYYYMMDD), 3-digit sequence, 1 check character computed as ISO 7064 MOD 11-2 (``X`` = 10).
- Telephone: a mainland mobile number ``1[3-9]`` + 9 digits (``+86``/``0086`` prefix and spaces
  or hyphens accepted), or a fixed-line number with its area code, e.g. ``025-84561234`` or
  ``0571-87654321-802`` (extension).
"""

from __future__ import annotations

import re
from datetime import date

from app import clock
from expert_pool.regions import PROVINCES

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11
OLDEST_BIRTH_YEAR = 1900
# Residence permits of Hong Kong, Macao (81, 82) and Taiwan (83) residents use the same layout.
ID_REGION_PREFIXES = frozenset(PROVINCES) | {"83"}

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0 + 2–3 digits (010, 025, 0571 …), a local number of 7–8 digits not starting with 0
# or 1, an optional extension.
_FIXED = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?$")


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("需要 17 位数字")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    """Strip spaces and upper-case a trailing ``x``."""
    return re.sub(r"\s+", "", value or "").upper()


def birth_date(id_number: str) -> date | None:
    """The birth date encoded in an 18-digit number, None when it is not a calendar date."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_number_problem(value: str, today: date | None = None) -> str | None:
    """A Chinese message describing what is wrong with ``value``, or None when it is valid."""
    number = normalize_id_number(value)
    if not number:
        return "请填写身份证号码"
    if len(number) != 18:
        return f"身份证号码应为18位（当前 {len(number)} 位）"
    if not _ID_SHAPE.match(number):
        return "身份证号码前17位应为数字，最后一位为数字或X"
    if number[:2] not in ID_REGION_PREFIXES:
        return f"身份证号码的地址码 {number[:6]} 无效（省级代码 {number[:2]} 不存在）"
    born = birth_date(number)
    if born is None:
        return f"身份证号码中的出生日期 {number[6:14]} 不是有效日期"
    today = today or clock.today()
    if born > today:
        return f"身份证号码中的出生日期 {born.isoformat()} 晚于今天"
    if born.year < OLDEST_BIRTH_YEAR:
        return f"身份证号码中的出生日期 {born.isoformat()} 不合理"
    if check_char(number[:17]) != number[17]:
        return "身份证号码校验位错误，请核对号码"
    return None


def is_valid_id_number(value: str, today: date | None = None) -> bool:
    return id_number_problem(value, today) is None


def normalize_phone(value: str) -> str:
    """Remove spaces, a ``+86``/``0086`` prefix of mobile numbers; keep hyphens of fixed lines."""
    text = re.sub(r"[\s()（）]+", "", value or "")
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):].lstrip("-")
    if re.fullmatch(r"1[\d-]{10,12}", text) and len(text.replace("-", "")) == 11:
        return text.replace("-", "")
    return text


def phone_problem(value: str) -> str | None:
    """A Chinese message when ``value`` is neither a mobile nor a fixed-line number, else None."""
    text = normalize_phone(value)
    if not text:
        return "请填写联系电话"
    if _MOBILE.match(text) or _FIXED.match(text):
        return None
    if text.startswith("1"):
        return "手机号码应为11位，以13–19开头"
    return "电话号码格式不正确：手机号码11位，固定电话需带区号，如 025-84561234"


def is_valid_phone(value: str) -> bool:
    return phone_problem(value) is None


def mask_id_number(value: str) -> str:
    """``320102198001011234`` → ``320102********1234`` (for logs and exports)."""
    number = normalize_id_number(value)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; fixed lines keep the area code and last 2 digits."""
    text = normalize_phone(value)
    if _MOBILE.match(text):
        return text[:3] + "****" + text[-4:]
    if len(text) <= 4:
        return "*" * len(text)
    head = text.split("-", 1)[0] + "-" if "-" in text else text[:3]
    return head + "*" * max(len(text) - len(head) - 2, 1) + text[-2:]
