"""Time helpers: the platform reasons in Asia/Shanghai and stores UTC."""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = "一二三四五六日"


def parse_datetime(value: str) -> datetime:
    """ISO 8601; a naive value is read as Asia/Shanghai (api.md). Raises ValueError."""
    dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return dt.replace(tzinfo=SHANGHAI) if dt.tzinfo is None else dt


def local(dt: datetime | None) -> datetime | None:
    return dt.astimezone(SHANGHAI) if dt is not None else None


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in Asia/Shanghai with offset, e.g. 2026-12-08T09:30:00+08:00."""
    return dt.astimezone(SHANGHAI).isoformat() if dt is not None else None


def format_span(start: datetime, end: datetime) -> str:
    """``2026年10月12日（星期一）09:00—11:00`` in Shanghai time."""
    s, e = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    day = f"{s.year}年{s.month}月{s.day}日（星期{WEEKDAYS[s.weekday()]}）"
    if s.date() == e.date():
        return f"{day}{s:%H:%M}—{e:%H:%M}"
    return f"{day}{s:%H:%M}—{e.month}月{e.day}日 {e:%H:%M}"


_DATE_SHAPE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")


def date_problem(raw: object, what: str = "日期") -> str:
    """Why ``raw`` is not a date, in the words a person expects: a value shaped like a date but
    not on the calendar (2028-02-30) is an impossible date, not a format error."""
    m = _DATE_SHAPE.match(str(raw)) if isinstance(raw, str) else None
    if m is None:
        return f"{what}格式应为 YYYY-MM-DD" if what == "日期" else "时间格式应为 ISO 8601，如 2026-12-08T09:30:00+08:00"
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return f"日期不存在：没有 {month} 月"
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= last:
        return f"日期不存在：{year} 年 {month} 月只有 {last} 天"
    return f"{what}格式应为 YYYY-MM-DD" if what == "日期" else "时间格式应为 ISO 8601，如 2026-12-08T09:30:00+08:00"


def file_stamp(with_time: bool = False) -> str:
    """The date (and time) in an export's file name: China time, like every date the user sees."""
    return datetime.now(SHANGHAI).strftime("%Y%m%d-%H%M%S" if with_time else "%Y%m%d")
