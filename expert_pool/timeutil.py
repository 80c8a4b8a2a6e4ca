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
