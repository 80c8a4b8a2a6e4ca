"""Working days, office hours and meeting slots (工作日、办公时间与会商时段).

Working days follow the State Council's yearly holiday notice (放假调休安排), including
make-up workdays (调休上班). For the years the installed ``chinesecalendar`` package knows
(2004–2026 in version 1.11) that data is used. For other years — the notice for the next year
is usually published in November — we fall back to **Monday–Friday minus the statutory public
holidays** of 《全国年节及纪念日放假办法》 (2024 revision):

* 元旦 1 January; 春节 Spring Festival eve (the day before lunar 1/1) through lunar 1/3
  (4 days); 清明节 the Qingming solar term; 劳动节 1–2 May; 端午节 lunar 5/5; 中秋节 lunar 8/15;
  国庆节 1–3 October.

Lunar dates come from ``lunardate`` (1900–2099), the solar term from
``chinese_calendar.get_solar_terms``. The fallback cannot know make-up workdays or the bridge
days the notice adds, so every fallback answer carries :data:`FALLBACK_WARNING`.
The module is named ``workdays`` so it does not shadow the standard library's ``calendar``.

Office hours are 09:00–12:00 and 14:00–17:30 Asia/Shanghai; a meeting must fit inside one
block. Intervals are half-open: a meeting may start when another ends.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar
import lunardate

from expert_pool.errors import InvalidScheduleRequest
from expert_pool.timeutil import SHANGHAI, ensure_aware, to_shanghai

__all__ = [
    "FALLBACK_WARNING",
    "MAX_SLOT_RANGE_DAYS",
    "OFFICE_BLOCKS",
    "DayInfo",
    "MeetingProblem",
    "add_working_days",
    "calendar_warning",
    "check_meeting",
    "day_info",
    "fallback_day_info",
    "fallback_warning",
    "find_slots",
    "is_working_day",
    "official_calendar_known",
    "statutory_holidays",
    "within_office_hours",
    "working_days_between",
]

OFFICE_BLOCKS: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)),
                                                 (time(14, 0), time(17, 30)))
MAX_SLOT_RANGE_DAYS = 366

FALLBACK_WARNING = ("该年度国务院放假调休安排尚未公布，按周一至周五并扣除法定节假日计算，"
                    "调休上班日未计入")


def fallback_warning(years: Iterable[int]) -> str:
    """:data:`FALLBACK_WARNING` naming the years, e.g. ``"2027年度国务院放假调休安排尚未公布，…"``."""
    return FALLBACK_WARNING.replace("该", "、".join(str(y) for y in years), 1)


LUNAR_UNKNOWN_WARNING = "该年度超出农历推算范围，仅扣除公历法定节假日"

HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the calendar says about one date.

    ``official`` is True when the State Council schedule for that year is known; otherwise
    ``warning`` explains the fallback rule. ``holiday`` is the Chinese holiday name when the
    day is (part of) a public holiday; ``makeup_workday`` marks a weekend day worked in lieu.
    """

    day: date
    is_working_day: bool
    official: bool
    holiday: str | None = None
    makeup_workday: bool = False
    warning: str | None = None


# ------------------------------------------------------------------------- working days


@lru_cache(maxsize=4096)
def day_info(d: date) -> DayInfo:
    """Working-day status of ``d``: official schedule when known, else the fallback rule."""
    if isinstance(d, datetime):
        d = d.date()
    try:
        working = chinese_calendar.is_workday(d)
        _, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        return fallback_day_info(d)
    weekend = d.weekday() >= 5
    return DayInfo(
        day=d,
        is_working_day=working,
        official=True,
        holiday=HOLIDAY_NAMES_ZH.get(name, name) if name and not working else None,
        makeup_workday=working and weekend,
    )


def is_working_day(d: date) -> bool:
    """True when ``d`` is a working day (State Council schedule, else the fallback rule)."""
    return day_info(d).is_working_day


def official_calendar_known(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` has the State Council schedule for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def fallback_day_info(d: date) -> DayInfo:
    """The fallback rule for any year: Monday–Friday minus the statutory holidays."""
    holidays, lunar_known = _statutory_holidays(d.year)
    name = holidays.get(d)
    warning = fallback_warning([d.year])
    if not lunar_known:
        warning += f"；{LUNAR_UNKNOWN_WARNING}"
    return DayInfo(day=d, is_working_day=d.weekday() < 5 and name is None, official=False,
                   holiday=name, warning=warning)


def statutory_holidays(year: int) -> dict[date, str]:
    """Statutory public holidays of ``year`` by 《全国年节及纪念日放假办法》 (2024), date → name.

    Only the holidays themselves: no make-up workdays or bridge days (those come from the
    yearly State Council notice). Lunar holidays are omitted outside 1900–2099.
    """
    return dict(_statutory_holidays(year)[0])


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> tuple[dict[date, str], bool]:
    days: dict[date, str] = {}

    def add(d: date, name: str) -> None:
        # Holidays can coincide (Mid-Autumn on 1 October in 2031): the day is named for both.
        days[d] = f"{days[d]}、{name}" if d in days else name

    add(date(year, 1, 1), "元旦")
    lunar_known = True
    try:
        new_year = lunardate.LunarDate(year, 1, 1).to_solar_date()
        for offset in range(-1, 3):  # eve, 1st, 2nd, 3rd day of the first lunar month
            add(new_year + timedelta(days=offset), "春节")
        add(lunardate.LunarDate(year, 5, 5).to_solar_date(), "端午节")
        add(lunardate.LunarDate(year, 8, 15).to_solar_date(), "中秋节")
    except ValueError:
        lunar_known = False
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        for d, term in terms:
            if term == "清明":
                add(d, "清明节")
    except NotImplementedError:
        lunar_known = False
    for d in (date(year, 5, 1), date(year, 5, 2)):
        add(d, "劳动节")
    for d in (date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)):
        add(d, "国庆节")
    return days, lunar_known


def calendar_warning(date_from: date, date_to: date) -> str | None:
    """One warning for a date range touching years without an official schedule, else None."""
    years = [y for y in range(date_from.year, date_to.year + 1)
             if not official_calendar_known(y)]
    if not years:
        return None
    return fallback_warning(years)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    E.g. the 5-working-day objection period of 《信访工作条例》 art. 23.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    d = start
    while days:
        d += timedelta(days=1)
        if is_working_day(d):
            days -= 1
    return d


def working_days_between(start: date, end: date) -> int:
    """Number of working days in ``(start, end]`` (0 when ``end <= start``)."""
    count = 0
    d = start
    while d < end:
        d += timedelta(days=1)
        count += is_working_day(d)
    return count


# ------------------------------------------------------------------------ meeting slots

BusyInterval = tuple[datetime, datetime] | tuple[datetime, datetime, str]


@dataclass(frozen=True, slots=True)
class MeetingProblem:
    """Why a meeting time does not work.

    ``code`` is ``non_working_day``, ``outside_office_hours`` or ``schedule_conflict`` (then
    with ``expert_id`` and ``reason``, the reason given with the busy interval or ``"busy"``).
    """

    code: str
    message: str
    expert_id: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        if self.code == "schedule_conflict":
            return {"expert_id": self.expert_id, "reason": self.reason}
        return {"code": self.code, "message": self.message}


def _interval(item: Sequence) -> tuple[datetime, datetime, str]:
    start, end = ensure_aware(item[0]), ensure_aware(item[1])
    reason = item[2] if len(item) > 2 and item[2] else "busy"
    return start, end, reason


def _merged(busy: Mapping[int, Iterable[Sequence]]) -> tuple[list[datetime], list[datetime]]:
    """All busy intervals merged into disjoint sorted ``(starts, ends)``."""
    spans = sorted((s, e) for items in busy.values() for s, e, _ in map(_interval, items)
                   if s < e)
    starts: list[datetime] = []
    ends: list[datetime] = []
    for s, e in spans:
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def find_slots(
    date_from: date,
    date_to: date,
    duration_minutes: int,
    busy: Mapping[int, Iterable[Sequence]] | None = None,
    step_minutes: int = 30,
    not_before: datetime | None = None,
) -> list[tuple[datetime, datetime]]:
    """Free meeting slots between two dates (inclusive), as aware Asia/Shanghai datetimes.

    Slots start at each office block's opening and every ``step_minutes`` after, lie entirely
    inside one block, on working days, and overlap no busy interval of any expert in ``busy``
    (``{expert_id: [(start, end) or (start, end, reason)]}``; naive = Shanghai). Slots starting
    before ``not_before`` (e.g. now) are skipped. A duration longer than a block (3 h in the
    morning, 3.5 h in the afternoon) yields no slots.
    """
    if duration_minutes <= 0 or step_minutes <= 0:
        raise InvalidScheduleRequest("会商时长和步长须为正数。",
                                     {"duration_minutes": duration_minutes,
                                      "step_minutes": step_minutes})
    if (date_to - date_from).days > MAX_SLOT_RANGE_DAYS:
        raise InvalidScheduleRequest(f"查询范围不能超过 {MAX_SLOT_RANGE_DAYS} 天。",
                                     {"from": date_from.isoformat(), "to": date_to.isoformat()})
    starts, ends = _merged(busy or {})
    duration = timedelta(minutes=duration_minutes)
    step = timedelta(minutes=step_minutes)
    floor = ensure_aware(not_before) if not_before is not None else None
    slots: list[tuple[datetime, datetime]] = []
    d = date_from
    while d <= date_to:
        if is_working_day(d):
            for open_t, close_t in OFFICE_BLOCKS:
                block_end = datetime.combine(d, close_t, SHANGHAI)
                s = datetime.combine(d, open_t, SHANGHAI)
                while s + duration <= block_end:
                    e = s + duration
                    if floor is None or s >= floor:
                        k = bisect.bisect_right(ends, s)  # first busy span ending after s
                        if k == len(starts) or starts[k] >= e:
                            slots.append((s, e))
                    s += step
        d += timedelta(days=1)
    return slots


def within_office_hours(start: datetime, end: datetime) -> bool:
    """True when ``[start, end)`` lies inside one office block of one day (Shanghai time)."""
    local_start, local_end = to_shanghai(start), to_shanghai(end)
    if local_end <= local_start:
        return False
    d = local_start.date()
    return any(
        datetime.combine(d, o, SHANGHAI) <= local_start
        and local_end <= datetime.combine(d, c, SHANGHAI)
        for o, c in OFFICE_BLOCKS
    )


def check_meeting(
    start: datetime,
    duration_minutes: int,
    busy: Mapping[int, Iterable[Sequence]] | None = None,
) -> list[MeetingProblem]:
    """Problems with holding a meeting at ``start`` (naive = Shanghai) for the given minutes.

    Returns an empty list when the time works; otherwise ``non_working_day`` and/or
    ``outside_office_hours``, then one ``schedule_conflict`` per (expert, reason), experts in id
    order, from the busy intervals that overlap the meeting.
    """
    if duration_minutes <= 0:
        raise InvalidScheduleRequest("会商时长须为正数。", {"duration_minutes": duration_minutes})
    start = ensure_aware(start)
    end = start + timedelta(minutes=duration_minutes)
    problems: list[MeetingProblem] = []
    local = to_shanghai(start)
    info = day_info(local.date())
    if not info.is_working_day:
        label = f"（{info.holiday}）" if info.holiday else ""
        problems.append(MeetingProblem(
            "non_working_day", f"{local.date().isoformat()} 不是工作日{label}，请另选日期。"))
    if not within_office_hours(start, end):
        problems.append(MeetingProblem(
            "outside_office_hours", "会商时间须在办公时间内（9:00—12:00，14:00—17:30）。"))
    for expert_id in sorted(busy or {}):
        reasons: list[str] = []
        for s, e, reason in map(_interval, busy[expert_id]):
            if s < end and start < e and reason not in reasons:
                reasons.append(reason)
        problems.extend(
            MeetingProblem("schedule_conflict", f"专家（编号 {expert_id}）该时段已有安排。",
                           expert_id, reason)
            for reason in reasons
        )
    return problems
