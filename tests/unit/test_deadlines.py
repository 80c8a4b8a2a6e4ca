"""Deadlines on the State Council calendar (expert_pool.deadlines), against dates checked by hand
on the 2026 schedule (春节 15–23 Feb with make-up Saturdays 14 and 28 Feb; 国庆 1–7 Oct with
make-up Sunday 20 Sep and Saturday 10 Oct) and in 2027, beyond the installed holiday data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from expert_pool import deadlines as D

RULES = D.rules_from()


def test_default_rules_follow_the_regulation():
    assert (RULES["acceptance"].days, RULES["acceptance"].unit) == (15, D.CALENDAR)
    assert (RULES["handling"].days, RULES["handling"].unit) == (60, D.CALENDAR)
    assert (RULES["extension"].days, RULES["extension"].unit) == (30, D.CALENDAR)
    assert (RULES["consultation"].days, RULES["consultation"].unit) == (20, D.WORKING)
    assert RULES["consultation"].text == "20个工作日"


def test_consultation_target_across_the_spring_festival_counts_both_make_up_saturdays():
    # Feb 9–13 (5), Sat 14 (6), holiday 15–23, Feb 24–27 (10), Sat 28 (11), Mar 2–6 (16), Mar 9–12 (20)
    due = RULES["consultation"].due(date(2026, 2, 6))
    assert due == D.DueDate(date(2026, 3, 12), None)


def test_calendar_period_ending_in_the_spring_festival():
    # the regulation's calendar days: the period ends on its 15th day, holiday or not
    assert RULES["acceptance"].due(date(2026, 2, 1)).due_on == date(2026, 2, 16)
    rolling = D.rules_from({"acceptance": {"roll_forward": True}})["acceptance"]
    assert rolling.due(date(2026, 2, 1)).due_on == date(2026, 2, 24)  # 16 Feb (除夕 eve week) → offices reopen
    assert rolling.due(date(2026, 1, 30)).due_on == date(2026, 2, 14)  # the make-up Saturday is a working day


def test_handling_period_ending_on_national_day_and_the_make_up_saturday():
    assert RULES["handling"].due(date(2026, 8, 2)).due_on == date(2026, 10, 1)
    assert D.due_date(date(2026, 8, 2), 60, D.CALENDAR, True).due_on == date(2026, 10, 8)  # rolled past 1–7 Oct
    # extension of 30 days on top of 60: 2026-08-12 + 90 = 10 Nov (Tue)
    assert RULES["handling"].due(date(2026, 8, 12), extra_days=30).due_on == date(2026, 11, 10)
    # 5 working days from Wed 30 Sep: 8, 9, Sat 10 (make-up), 12, 13 Oct
    assert D.due_date(date(2026, 9, 30), 5, D.WORKING).due_on == date(2026, 10, 13)
    # the make-up Sunday 20 Sep counts: 3 working days from Fri 18 Sep → Sun 20, Mon 21, Tue 22
    assert D.due_date(date(2026, 9, 18), 3, D.WORKING).due_on == date(2026, 9, 22)
    assert D.due_date(date(2026, 9, 18), 1, D.WORKING).due_on == date(2026, 9, 20)


def test_a_year_beyond_the_holiday_data_falls_back_to_weekdays_with_a_warning():
    # 2027: 春节 eve Fri 5 Feb, 初一 Sat 6 Feb … 初三 Mon 8 Feb; no make-up days known.
    due = RULES["consultation"].due(date(2027, 2, 1))
    # Feb 2–4 (3), 5 and 8 holidays, 9–12 (7), 15–19 (12), 22–26 (17), Mar 1–3 (20)
    assert due.due_on == date(2027, 3, 3)
    assert due.warning and "2027" in due.warning and "调休" in due.warning
    late = D.due_date(date(2027, 8, 2), 60, D.CALENDAR, True)  # 1 Oct 2027 (Fri) 国庆 → Sat, Sun → Mon 4 Oct
    assert late.due_on == date(2027, 10, 4) and late.warning
    # across the year boundary: the warning names only the unknown year
    cross = RULES["consultation"].due(date(2026, 12, 21))
    assert cross.warning and "2027" in cross.warning and "2026" not in cross.warning
    assert RULES["consultation"].due(date(2026, 3, 2)).warning is None


def test_working_days_left_and_states():
    assert D.working_days_left(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert D.working_days_left(date(2026, 10, 8), date(2026, 10, 8)) == 0
    assert D.working_days_left(date(2026, 10, 9), date(2026, 10, 8)) == -1
    assert D.working_days_left(date(2026, 10, 12), date(2026, 10, 8)) == -3  # 9, Sat 10, 12
    t = D.Thresholds(due_soon=3, escalate_after=10)
    assert D.state(date(2026, 9, 30), date(2026, 10, 12), t) == D.ON_TRACK  # 8, 9, Sat 10, 12: 4 left
    assert D.state(date(2026, 9, 30), date(2026, 10, 10), t) == D.DUE_SOON
    assert D.state(date(2026, 10, 8), date(2026, 10, 8), t) == D.DUE_SOON
    assert D.state(date(2026, 10, 9), date(2026, 10, 8), t) == D.OVERDUE
    assert D.state(date(2026, 10, 21), date(2026, 10, 8), t) == D.ESCALATED  # 9, Sat 10, 12–16, 19–21 = 10
    assert D.state(date(2026, 10, 20), date(2026, 10, 8), t) == D.OVERDUE
    assert D.state(date(2026, 9, 1), None, t) is None
    assert D.thresholds_crossed(D.OVERDUE) == [D.DUE_SOON, D.OVERDUE]
    assert D.thresholds_crossed(D.ON_TRACK) == []


@pytest.mark.parametrize("unit,days,roll", [(D.CALENDAR, 15, False), (D.CALENDAR, 60, True), (D.WORKING, 20, False)])
def test_latest_start_matches_the_rule_day_by_day(unit, days, roll):
    for day in (date(2026, 1, 20) + timedelta(days=k * 7) for k in range(60)):
        cutoff = D.latest_start_due_before(day, days, unit, roll)
        assert D.due_date(cutoff, days, unit, roll).due_on < day
        assert D.due_date(cutoff + timedelta(days=1), days, unit, roll).due_on >= day


def test_due_on_or_before_is_the_last_date_within_the_working_days():
    today = date(2026, 9, 30)
    last = D.due_on_or_before(today, today, 3)  # 8, 9, Sat 10 → the 10th; Sun 11 still 3 left
    assert last == date(2026, 10, 11)
    assert D.working_days_left(today, last) == 3 and D.working_days_left(today, last + timedelta(days=1)) == 4


def test_rule_overrides_are_checked():
    assert D.rules_from({"consultation": {"days": 15}})["consultation"].days == 15
    with pytest.raises(ValueError):
        D.rules_from({"nonsense": {"days": 1}})
    with pytest.raises(ValueError):
        D.rules_from({"handling": {"dayz": 1}})
    with pytest.raises(ValueError):
        D.rules_from({"handling": {"unit": "fortnights"}})


def test_escalation_cutoff_agrees_with_the_state():
    t = D.Thresholds(due_soon=3, escalate_after=10)
    assert D.escalation_due_cutoff(date(2026, 10, 21), 10) == date(2026, 10, 8)
    for today in (date(2026, 2, 2) + timedelta(days=k * 5) for k in range(70)):
        cut = D.escalation_due_cutoff(today, 10)
        assert D.state(today, cut, t) == D.ESCALATED
        assert D.state(today, cut + timedelta(days=1), t) != D.ESCALATED
