"""Working days: the official State Council schedule where chinesecalendar knows the year,
the statutory-holiday fallback elsewhere (tested on a far year and directly on 2027)."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from expert_pool import workdays
from expert_pool.workdays import (
    FALLBACK_WARNING,
    add_working_days,
    calendar_warning,
    day_info,
    fallback_day_info,
    is_working_day,
    official_calendar_known,
    statutory_holidays,
    working_days_between,
)

FAR_YEAR = 2031  # far beyond any installed chinesecalendar's data


@pytest.fixture
def fresh_cache():
    day_info.cache_clear()
    yield
    day_info.cache_clear()


# --------------------------------------------------------------------- official 2026 data

requires_2026 = pytest.mark.skipif(not official_calendar_known(2026),
                                   reason="installed chinesecalendar does not know 2026")


@requires_2026
@pytest.mark.parametrize("day", range(1, 8))
def test_national_day_2026_is_off(day):
    info = day_info(date(2026, 10, day))
    assert not info.is_working_day and info.official and info.holiday == "国庆节"
    assert info.warning is None


@requires_2026
@pytest.mark.parametrize("iso", ["2026-10-10", "2026-09-20", "2026-02-14", "2026-02-28"])
def test_2026_make_up_workdays(iso):
    info = day_info(date.fromisoformat(iso))
    assert info.is_working_day and info.makeup_workday and info.official


@requires_2026
@pytest.mark.parametrize(
    ("iso", "working"),
    [("2026-10-08", True), ("2026-10-09", True), ("2026-10-11", False), ("2026-01-01", False),
     ("2026-02-23", False), ("2026-02-24", True), ("2026-06-19", False), ("2026-09-25", False),
     ("2026-12-07", True), ("2026-12-05", False)],
)
def test_2026_days(iso, working):
    assert is_working_day(date.fromisoformat(iso)) is working


def test_2027_new_year_is_off_whichever_path():
    # Official data (if a newer chinesecalendar knows 2027) or the fallback: off either way.
    assert not is_working_day(date(2027, 1, 1))


def test_official_years():
    assert official_calendar_known(2020)
    assert not official_calendar_known(FAR_YEAR)


# --------------------------------------------------------------------------- fallback rule


@pytest.mark.parametrize(
    ("iso", "name"),
    [("2031-01-01", "元旦"), ("2031-01-22", "春节"), ("2031-01-23", "春节"),
     ("2031-01-24", "春节"), ("2031-05-01", "劳动节"), ("2031-05-02", "劳动节"),
     ("2031-06-24", "端午节"), ("2031-10-01", "中秋节、国庆节"), ("2031-10-02", "国庆节"),
     ("2031-10-03", "国庆节")],
)
def test_far_year_statutory_holidays_are_off(iso, name):
    info = day_info(date.fromisoformat(iso))
    assert not info.is_working_day and not info.official
    assert info.holiday == name
    assert info.warning and "尚未公布" in info.warning and "2031年度" in info.warning


def test_far_year_lunar_and_solar_term_dates():
    h = statutory_holidays(FAR_YEAR)
    assert h[date(2031, 1, 25)] == "春节"  # lunar 1/3 (a Saturday)
    assert h[date(2031, 4, 5)] == "清明节"
    assert date(2031, 1, 21) not in h and date(2031, 1, 26) not in h
    assert set(h.values()) == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节、国庆节", "国庆节"}
    # Mid-Autumn 2031 (lunar 8/15) falls on 1 October: the day is off, counted once.
    assert len(h) == 1 + 4 + 1 + 2 + 1 + 3


def test_far_year_ordinary_days():
    assert day_info(date(2031, 3, 12)).is_working_day  # Wednesday
    assert not day_info(date(2031, 3, 15)).is_working_day  # Saturday
    assert day_info(date(2031, 4, 4)).is_working_day  # no bridge days in the fallback
    assert day_info(date(2031, 3, 12)).warning  # even working days carry the warning


@pytest.mark.parametrize(
    ("iso", "working", "name"),
    [("2027-01-01", False, "元旦"), ("2027-02-05", False, "春节"), ("2027-02-06", False, "春节"),
     ("2027-02-08", False, "春节"), ("2027-02-09", True, None), ("2027-04-05", False, "清明节"),
     ("2027-05-03", True, None), ("2027-06-09", False, "端午节"), ("2027-09-15", False, "中秋节"),
     ("2027-10-01", False, "国庆节"), ("2027-10-04", True, None), ("2027-10-09", False, None)],
)
def test_fallback_rule_on_2027_directly(iso, working, name):
    # Independent of whether the installed package knows 2027.
    info = fallback_day_info(date.fromisoformat(iso))
    assert (info.is_working_day, info.holiday, info.official) == (working, name, False)
    assert info.warning == FALLBACK_WARNING.replace("该年度", "2027年度")


def test_unknown_year_falls_back(monkeypatch, fresh_cache):
    def unknown(d):
        raise NotImplementedError(f"no available data for year {d.year}")

    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", unknown)
    info = day_info(date(2026, 10, 10))  # a make-up Saturday officially
    assert not info.official and not info.is_working_day and info.warning
    assert not day_info(date(2026, 10, 2)).is_working_day


def test_lunar_range_exceeded_still_answers():
    info = fallback_day_info(date(2150, 3, 4))
    assert info.is_working_day and "农历" in info.warning
    assert not fallback_day_info(date(2150, 10, 1)).is_working_day


def test_chinese_calendar_raises_for_unknown_years():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(FAR_YEAR, 1, 2))


# ----------------------------------------------------------------------------- helpers


def test_calendar_warning():
    assert calendar_warning(date(2025, 1, 1), date(2025, 12, 31)) is None
    text = calendar_warning(date(2030, 12, 1), date(FAR_YEAR, 1, 31))
    assert text.startswith("2030、2031年度国务院放假调休安排尚未公布")


@requires_2026
def test_add_working_days_skips_holidays():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # make-up Saturday
    assert add_working_days(date(2026, 12, 4), 0) == date(2026, 12, 4)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == 0
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)
