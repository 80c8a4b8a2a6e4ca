"""Time-zone helpers shared by the domain modules.

The platform works in Asia/Shanghai. Following the API convention, a naive datetime is read as
Shanghai local time; aware datetimes are kept as they are (comparisons between aware datetimes
are correct across zones).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ensure_aware(value: datetime) -> datetime:
    """Return ``value`` unchanged when aware, else the same wall time in Asia/Shanghai."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=SHANGHAI)
    return value


def to_shanghai(value: datetime) -> datetime:
    """Return ``value`` (naive = Shanghai) converted to Asia/Shanghai local time."""
    return ensure_aware(value).astimezone(SHANGHAI)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open interval overlap: ``[a_start, a_end)`` meets ``[b_start, b_end)``.

    Back-to-back intervals (one ends when the other starts) do not overlap.
    """
    return a_start < b_end and b_start < a_end
