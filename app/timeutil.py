"""Time helpers: the platform reasons in Asia/Shanghai and stores UTC."""

from __future__ import annotations

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
