"""Meeting slots and meeting checks: working days only, office blocks, busy intervals."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from expert_pool.errors import InvalidScheduleRequest
from expert_pool.timeutil import SHANGHAI
from expert_pool.workdays import OFFICE_BLOCKS, check_meeting, find_slots, official_calendar_known

MONDAY = date(2026, 12, 7)


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=SHANGHAI)


def starts(slots) -> list[str]:
    return [s.strftime("%H:%M") for s, _ in slots]


def test_one_free_day_has_every_step_in_both_blocks():
    slots = find_slots(MONDAY, MONDAY, 60)
    assert starts(slots) == ["09:00", "09:30", "10:00", "10:30", "11:00",
                             "14:00", "14:30", "15:00", "15:30", "16:00", "16:30"]
    for s, e in slots:
        assert e - s == timedelta(minutes=60) and s.tzinfo is not None
        assert s.utcoffset() == timedelta(hours=8)
        assert any(at(MONDAY, o.hour, o.minute) <= s and e <= at(MONDAY, c.hour, c.minute)
                   for o, c in OFFICE_BLOCKS)


def test_slots_never_span_the_lunch_break():
    assert starts(find_slots(MONDAY, MONDAY, 180)) == ["09:00", "14:00", "14:30"]
    assert starts(find_slots(MONDAY, MONDAY, 200)) == ["14:00"]  # only the 3.5 h afternoon
    assert starts(find_slots(MONDAY, MONDAY, 210)) == ["14:00"]
    assert find_slots(MONDAY, MONDAY, 211) == []  # longer than any block


def test_weekend_excluded():
    assert find_slots(date(2026, 12, 5), date(2026, 12, 6), 60) == []


@pytest.mark.skipif(not official_calendar_known(2026), reason="needs the 2026 schedule")
def test_holidays_excluded_and_make_up_day_included():
    slots = find_slots(date(2026, 10, 1), date(2026, 10, 11), 120)
    days = sorted({s.date() for s, _ in slots})
    assert days == [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]


def test_fallback_year_holidays_excluded():
    # 2031: Spring Festival eve 22 Jan (Wed) through 24 Jan (Fri) are statutory holidays.
    days = {s.date() for s, _ in find_slots(date(2031, 1, 20), date(2031, 1, 24), 60)}
    assert days == {date(2031, 1, 20), date(2031, 1, 21)}


def test_busy_intervals_excluded_half_open():
    busy = {1: [(at(MONDAY, 10), at(MONDAY, 11))]}
    assert starts(find_slots(MONDAY, MONDAY, 60, busy))[:2] == ["09:00", "11:00"]


def test_any_member_busy_blocks_the_slot():
    busy = {
        1: [(at(MONDAY, 9), at(MONDAY, 9, 30), "unavailable")],
        2: [(datetime(2026, 12, 7, 14, 0), datetime(2026, 12, 7, 17, 30))],  # naive = Shanghai
        3: [(datetime(2026, 12, 7, 3, 0, tzinfo=UTC), datetime(2026, 12, 7, 3, 30, tzinfo=UTC))],
    }  # expert 3: 11:00–11:30 Shanghai
    assert starts(find_slots(MONDAY, MONDAY, 60, busy)) == ["09:30", "10:00"]


def test_step_and_not_before():
    slots = find_slots(MONDAY, MONDAY, 30, step_minutes=60, not_before=at(MONDAY, 10, 15))
    assert starts(slots) == ["11:00", "14:00", "15:00", "16:00", "17:00"]


def test_range_order_and_empty():
    assert find_slots(date(2026, 12, 8), MONDAY, 60) == []
    slots = find_slots(MONDAY, date(2026, 12, 11), 60)
    assert slots == sorted(slots) and len(slots) == 5 * 11


@pytest.mark.parametrize(("duration", "step"), [(0, 30), (-5, 30), (60, 0)])
def test_invalid_parameters(duration, step):
    with pytest.raises(InvalidScheduleRequest):
        find_slots(MONDAY, MONDAY, duration, step_minutes=step)


def test_range_limit():
    with pytest.raises(InvalidScheduleRequest):
        find_slots(date(2026, 1, 1), date(2027, 6, 1), 60)


def test_seven_members_over_a_month_is_fast():
    first = date(2026, 12, 1)
    busy = {
        eid: [(at(first + timedelta(days=d), 9 + (eid + d) % 7), at(first + timedelta(days=d), 10 + (eid + d) % 7))
              for d in range(0, 31, 2)]
        for eid in range(1, 8)
    }
    find_slots(first, date(2026, 12, 31), 120, busy)
    started = time.perf_counter()
    slots = find_slots(first, date(2026, 12, 31), 120, busy)
    elapsed = time.perf_counter() - started
    assert slots and elapsed < 0.05  # typically well under 1 ms
    for s, e in slots:
        assert not any(a < e and s < b for items in busy.values() for a, b in items)


# --------------------------------------------------------------------------- check_meeting


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_good_meeting_has_no_problems():
    assert check_meeting(at(MONDAY, 9), 180) == []
    assert check_meeting(at(MONDAY, 15, 30), 120) == []  # ends 17:30 exactly
    assert check_meeting(datetime(2026, 12, 7, 14, 0), 60) == []  # naive = Shanghai


@pytest.mark.parametrize(
    ("start", "minutes"),
    [((11, 30), 60), ((12, 0), 60), ((13, 30), 60), ((16, 30), 90), ((8, 30), 60), ((18, 0), 30)],
)
def test_outside_office_hours(start, minutes):
    assert codes(check_meeting(at(MONDAY, *start), minutes)) == ["outside_office_hours"]


def test_non_working_day():
    problems = check_meeting(at(date(2026, 12, 5), 9), 60)
    assert codes(problems) == ["non_working_day"]
    assert "不是工作日" in problems[0].message


@pytest.mark.skipif(not official_calendar_known(2026), reason="needs the 2026 schedule")
def test_holiday_and_make_up_day():
    problems = check_meeting(at(date(2026, 10, 2), 9), 60)
    assert codes(problems) == ["non_working_day"] and "国庆节" in problems[0].message
    assert check_meeting(at(date(2026, 10, 10), 9), 60) == []


def test_conflicts_per_expert_with_reasons():
    busy = {
        7: [(at(MONDAY, 9), at(MONDAY, 10), "meeting"), (at(MONDAY, 9, 30), at(MONDAY, 12), "unavailable")],
        3: [(at(MONDAY, 10), at(MONDAY, 11))],
        5: [(at(MONDAY, 11), at(MONDAY, 12), "unavailable")],  # starts as the meeting ends
    }
    problems = check_meeting(at(MONDAY, 9, 30), 90, busy)
    assert [(p.code, p.expert_id, p.reason) for p in problems] == [
        ("schedule_conflict", 3, "busy"),
        ("schedule_conflict", 7, "meeting"),
        ("schedule_conflict", 7, "unavailable"),
    ]
    assert problems[0].to_dict() == {"expert_id": 3, "reason": "busy"}


def test_all_problems_together():
    sat = date(2026, 12, 12)
    busy = {1: [(at(sat, 19), at(sat, 21))]}
    assert codes(check_meeting(at(sat, 19), 60, busy)) == [
        "non_working_day", "outside_office_hours", "schedule_conflict"]


def test_check_meeting_rejects_non_positive_duration():
    with pytest.raises(InvalidScheduleRequest):
        check_meeting(at(MONDAY, 9), 0)
