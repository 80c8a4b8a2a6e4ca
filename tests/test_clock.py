"""The business clock (app.clock): one hook, ``clock.frozen(at)``, moves what the services
take for "now" and "today"; recorded timestamps keep the real time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from app import clock
from app.cases.deadlines import is_overdue
from app.meetings import services as meetings
from app.timeutil import SHANGHAI


def test_now_is_aware_utc_and_today_is_the_date_in_shanghai():
    assert clock.now().tzinfo is UTC
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    with clock.frozen(datetime(2026, 9, 1, 17, 0, tzinfo=UTC)):  # 01:00 on 2 September in Shanghai
        assert clock.now() == datetime(2026, 9, 1, 17, 0, tzinfo=UTC)
        assert clock.today() == date(2026, 9, 2)


def test_frozen_nests_and_restores():
    outer, inner = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI)
    with clock.frozen(outer):
        with clock.frozen(inner):
            assert clock.now() == inner and clock.now().tzinfo is UTC
        assert clock.now() == outer
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_frozen_refuses_a_naive_time():
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 9, 1)):
        pass


def test_the_hook_moves_the_services_clock():
    case = SimpleNamespace(status="registered", due_date=date(2026, 9, 10))
    with clock.frozen(datetime(2026, 9, 1, 2, 0, tzinfo=UTC)):
        assert meetings.parse_slot_query({}).date_from == date(2026, 9, 1)  # "from" defaults to today
        assert not is_overdue(case)
    with clock.frozen(datetime(2026, 9, 11, 2, 0, tzinfo=UTC)):
        assert meetings.parse_slot_query({}).date_from == date(2026, 9, 11)
        assert is_overdue(case)


def test_the_fixture_freezes_until_the_test_ends(freeze_clock):
    freeze_clock()
    assert clock.today() == date(2026, 9, 1)
    freeze_clock(datetime(2027, 1, 4, 1, 0, tzinfo=UTC))
    assert clock.today() == date(2027, 1, 4)


def test_recorded_times_keep_the_real_clock(app, world):
    from app.cases import services as cases

    with clock.frozen(datetime(2026, 9, 1, tzinfo=UTC)):
        case = cases.create_case(world.agency_user, {
            "title": "某小区物业纠纷信访事项", "summary": "业主对物业收费有异议。", "claims": "要求退还多收费用",
            "category": "land_expropriation", "region_code": "320100", "handling_org_id": world.agency.id,
            "first_petition_date": "2025-03-01",
            "petitioners": [{"name": "刘德明", "id_number": "32010619751231002X", "phone": "13900000001", "address": ""}]})
    assert abs(case.created_at - datetime.now(UTC)) < timedelta(minutes=5)
