"""The dashboards' figure cache (app/supervision/figure_cache.py): a page over unchanged data is
served without recounting, and any write — through the ORM, raw SQL, an insert, update or delete
on any table the figures read — shows in the very next page load, exactly equal to SQL again."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import event, select, text

from app.cases.models import Case
from app.extensions import db as _db
from app.supervision import figure_cache
from app.timeutil import SHANGHAI
from tests.supervision.test_figures import TODAY, as_map, charts_of, expected


def _now():
    return datetime.combine(TODAY, time(9), SHANGHAI).astimezone(UTC)


def _assert_page_equals_sql(client, db, who, o):
    want = expected(db, who, o, "none")
    charts = charts_of(client, {})
    for chart_id, values in want.items():
        got = as_map(charts[chart_id]) if chart_id in charts else {}
        if chart_id in ("category", "region", "experts"):
            assert {k: v for k, v in got.items() if v} == {k: v for k, v in values.items() if v}, chart_id
        else:
            assert got == values, chart_id
    return charts


class _Statements:
    """SELECTs that read the figures' tables (not the sign-in's or the stamp's)."""

    def __init__(self, engine):
        self.engine, self.sql = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, *args):
        if "FROM cases" in statement or "FROM consultations" in statement or "FROM opinions" in statement:
            self.sql.append(statement)


def _stamp(db):
    return db.session.execute(text("SELECT stamp FROM supervision_data_version WHERE id = 1")).scalar()


def test_unchanged_data_is_not_counted_again(client, db, login, seeded, freeze_clock):
    o, users = seeded
    freeze_clock(_now())
    login(users["officer_js"])
    first = _assert_page_equals_sql(client, db, "officer_js", o)
    with _Statements(db.engine) as seen:
        again = charts_of(client, {})
    assert again == first
    assert seen.sql == []  # every figure came from the cache


@pytest.mark.parametrize("change", ["orm_case", "sql_close", "sql_delete_escalation", "sql_feedback", "expert_name",
                                    "consultation_status"])
def test_a_write_shows_in_the_next_page_load(client, db, login, seeded, freeze_clock, factory, change):
    o, users = seeded
    freeze_clock(_now())
    login(users["officer_js"])
    before = _assert_page_equals_sql(client, db, "officer_js", o)
    stamp = _stamp(db)
    if change == "orm_case":
        from app.orgs.models import Organization

        factory.case(db.session.get(Organization, o.agency), category="housing", is_backlog=True)
    elif change == "sql_close":
        db.session.execute(text("UPDATE cases SET status = 'closed' WHERE id IN (SELECT id FROM cases "
                                "WHERE status <> 'closed' AND region_code LIKE '32%' ORDER BY id LIMIT 5)"))
    elif change == "sql_delete_escalation":
        db.session.execute(text("DELETE FROM escalations WHERE id IN (SELECT e.id FROM escalations e JOIN consultations k "
                                "ON k.id = e.consultation_id JOIN cases c ON c.id = k.case_id "
                                "WHERE c.region_code LIKE '32%' ORDER BY e.id LIMIT 3)"))
    elif change == "sql_feedback":
        db.session.execute(text("UPDATE opinion_feedback SET adopted = NOT adopted, outcome = 'resolved'"))
    elif change == "expert_name":
        db.session.execute(text("UPDATE experts SET name = name || '（改）'"))
    else:
        db.session.execute(text("UPDATE consultations SET status = 'submitted' WHERE id IN (SELECT k.id FROM consultations k "
                                "JOIN cases c ON c.id = k.case_id WHERE k.status = 'accepted' AND c.region_code LIKE '32%' "
                                "ORDER BY k.id LIMIT 4)"))
    db.session.commit()
    assert _stamp(db) != stamp
    after = _assert_page_equals_sql(client, db, "officer_js", o)
    assert after != before  # the change is visible, not a cached page


def test_the_stamp_changes_only_with_a_committed_write(app, db, seeded):
    stamp = _stamp(db)
    db.session.execute(text("UPDATE cases SET title = title || 'x' WHERE id = (SELECT MIN(id) FROM cases)"))
    db.session.rollback()
    assert _stamp(db) == stamp
    db.session.execute(text("UPDATE cases SET title = title || 'x' WHERE id = (SELECT MIN(id) FROM cases)"))
    db.session.commit()
    assert _stamp(db) != stamp
    stamp = _stamp(db)
    db.session.execute(text("SELECT COUNT(*) FROM cases"))  # reading changes nothing
    db.session.commit()
    assert _stamp(db) == stamp


def test_viewers_with_different_scopes_never_share_figures(client, db, login, seeded, freeze_clock):
    o, users = seeded
    freeze_clock(_now())
    for who in ("officer_hz", "agency", "officer_nj", "admin", "officer_hz"):
        client.post("/logout")
        login(users[who])
        want = expected(db, who, o, "none")
        got = as_map(charts_of(client, {})["cases"])
        assert got == want["cases"], who


@pytest.fixture(autouse=True)
def _no_leftover_session():
    yield
    _db.session.rollback()


def test_a_transaction_that_wrote_neither_keeps_nor_reads_cached_figures(app, db, seeded):
    """Inside a writing transaction the stamp has not moved yet (PostgreSQL changes it at commit):
    figures counted there include uncommitted rows and must not be kept for others."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with app.test_request_context("/supervision/"):
        assert figure_cache.cached(("probe",), compute) == 1
        assert figure_cache.cached(("probe",), compute) == 1  # kept under the stamp
        case = db.session.execute(select(Case).order_by(Case.id).limit(1)).scalar_one()
        case.title = case.title + "（改）"
        db.session.flush()
        assert figure_cache.cached(("probe",), compute) == 2  # computed afresh, not from the cache
        assert figure_cache.cached(("probe",), compute) == 3  # and not kept
        db.session.rollback()
    with app.test_request_context("/supervision/"):
        assert figure_cache.cached(("probe",), compute) == 1  # the committed state's entry again
