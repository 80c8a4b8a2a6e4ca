"""Deadlines (期限) of petition work, computed from configurable rules on the State Council
working-day calendar (:mod:`expert_pool.workdays`). Framework-free: the web layer reads the rule
settings from its configuration and passes them in.

Defaults, from 《信访工作条例》 (2022) and the platform's own target:

=============  ===========================================  ======  ==========
code           meaning                                      days    counted in
=============  ===========================================  ======  ==========
acceptance     告知信访人是否受理 (art. 23), from registration  15      calendar
handling       办理期限 (art. 32), from acceptance              60      calendar
extension      延长办理期限上限 (once, with reasons)            30      calendar
consultation   会商申请 → 出具法律审查意见 (target)               20      working
=============  ===========================================  ======  ==========

The regulation counts its periods in calendar days and says nothing of holidays, so by default a
calendar period simply ends on its last day. A rule may instead follow the procedural-law custom
(期间届满的最后一日是法定节假日的，以节假日后的第一日为期间届满的日期) with ``roll_forward=True``:
a 15-day period ending inside the Spring Festival holiday then ends when the offices reopen.
A rule counted in **working** days skips weekends and holidays
and counts make-up Saturdays (调休上班) as working days.

Beyond the years the official schedule is known for, the weekday fallback of
:mod:`expert_pool.workdays` is used and :attr:`DueDate.warning` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from expert_pool import workdays

CALENDAR, WORKING = "calendar", "working"
UNITS = {CALENDAR: "日", WORKING: "个工作日"}

# Item states on the supervision lists, and the alert thresholds crossed on the way.
ON_TRACK, DUE_SOON, OVERDUE, ESCALATED = "on_track", "due_soon", "overdue", "escalated"
STATE_LABELS = {ON_TRACK: "正常", DUE_SOON: "即将到期", OVERDUE: "已超期", ESCALATED: "超期已提级督办"}


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    label: str
    days: int
    unit: str = CALENDAR
    roll_forward: bool = False  # calendar rules only: a period ending on a holiday ends on the next working day

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown deadline unit {self.unit!r}: expected 'calendar' or 'working'")
        if self.days < 0:
            raise ValueError("deadline days must not be negative")

    @property
    def text(self) -> str:
        return f"{self.days}{UNITS[self.unit]}"

    def due(self, start: date, extra_days: int = 0) -> DueDate:
        """The due date of a period starting on ``start`` (the start day itself not counted),
        lengthened by ``extra_days`` of the same unit (an approved extension)."""
        return due_date(start, self.days + extra_days, self.unit, self.roll_forward)


@dataclass(frozen=True)
class DueDate:
    due_on: date
    warning: str | None = None  # set when a day on the way is outside the official schedule


@dataclass(frozen=True)
class Thresholds:
    """When an open item is flagged: due within ``due_soon`` working days; overdue; overdue by
    ``escalate_after`` working days or more → escalated to the supervising office."""

    due_soon: int = 3
    escalate_after: int = 10


DEFAULT_RULES: dict[str, DeadlineRule] = {
    "acceptance": DeadlineRule("acceptance", "告知是否受理", 15, CALENDAR),
    "handling": DeadlineRule("handling", "办理期限", 60, CALENDAR),
    "extension": DeadlineRule("extension", "延长办理期限（上限）", 30, CALENDAR),
    "consultation": DeadlineRule("consultation", "会商出具意见", 20, WORKING),
}


def rules_from(overrides: Mapping[str, Mapping] | None = None) -> dict[str, DeadlineRule]:
    """The default rules with ``overrides`` (``{"consultation": {"days": 15, "unit": "working"}}``)
    applied; unknown codes and fields are errors (a typo must not silently keep a default)."""
    rules = dict(DEFAULT_RULES)
    for code, fields in (overrides or {}).items():
        if code not in rules:
            raise ValueError(f"unknown deadline rule {code!r}")
        unknown = set(fields) - {"label", "days", "unit", "roll_forward"}
        if unknown:
            raise ValueError(f"unknown fields of deadline rule {code!r}: {', '.join(sorted(unknown))}")
        rules[code] = replace(rules[code], **dict(fields))
    return rules


@lru_cache(maxsize=65536)
def due_date(start: date, days: int, unit: str = CALENDAR, roll_forward: bool = False) -> DueDate:
    """``days`` calendar or working days after ``start`` (cached: lists compute it per row)."""
    if unit == WORKING:
        due = workdays.add_working_days(start, days)
    elif unit == CALENDAR:
        due = start + timedelta(days=days)
        if roll_forward:
            while not workdays.is_working_day(due):
                due += timedelta(days=1)
    else:
        raise ValueError(f"unknown deadline unit {unit!r}")
    return DueDate(due, workdays.calendar_warning(start, due))


def working_days_left(today: date, due_on: date) -> int:
    """Working days from ``today`` to ``due_on``: those in ``(today, due_on]``; 0 on the due
    day itself; negative (the working days in ``(due_on, today]``) once it has passed."""
    if due_on >= today:
        return workdays.working_days_between(today, due_on)
    return -workdays.working_days_between(due_on, today)


def state(today: date, due_on: date | None, thresholds: Thresholds = Thresholds()) -> str | None:
    """``on_track`` / ``due_soon`` / ``overdue`` / ``escalated`` for an open item (None: no due date).
    Overdue means the due day has passed (an item is on time through its whole due day)."""
    if due_on is None:
        return None
    if due_on < today:
        late = workdays.working_days_between(due_on, today)
        return ESCALATED if late >= thresholds.escalate_after else OVERDUE
    return DUE_SOON if working_days_left(today, due_on) <= thresholds.due_soon else ON_TRACK


def thresholds_crossed(current: str | None) -> list[str]:
    """The alert thresholds an item in state ``current`` has crossed, in order."""
    order = [DUE_SOON, OVERDUE, ESCALATED]
    if current not in order:
        return []
    return order[: order.index(current) + 1]


@lru_cache(maxsize=4096)
def latest_start_due_before(day: date, days: int, unit: str = CALENDAR, roll_forward: bool = False) -> date:
    """The latest start date whose due date falls before ``day``: periods started on or before it
    are overdue on ``day``. Due dates never fall as the start moves later, so lists filter
    "overdue" in SQL on the start column (``start <= this``) instead of per row."""
    start = day - timedelta(days=days if unit == CALENDAR else days * 2 + 30)
    while due_date(start, days, unit, roll_forward).due_on < day:
        start += timedelta(days=1)
    while due_date(start, days, unit, roll_forward).due_on >= day:
        start -= timedelta(days=1)
    return start


def due_on_or_before(day: date, today: date, within: int) -> date:
    """The last date that is at most ``within`` working days after ``today`` (today when 0)."""
    d = workdays.add_working_days(today, within) if within > 0 else today
    while not workdays.is_working_day(d + timedelta(days=1)):  # days off after it: as many working days left
        d += timedelta(days=1)
    return d


def escalation_due_cutoff(today: date, after: int) -> date:
    """Items due on or before the returned date are overdue by ``after`` working days or more on
    ``today`` (the :data:`ESCALATED` state), for filtering in SQL."""
    d, count = today, 0
    while count < after:
        count += workdays.is_working_day(d)
        d -= timedelta(days=1)
    return d
