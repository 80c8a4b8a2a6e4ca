"""``flask supervision run``: each alert once per threshold, the next one when the clock passes it,
escalation to the supervising office, and two runs at the same time send once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.notifications.models import Notification, OutboxEmail
from app.supervision.models import SupervisionAlert
from tests.security.parallel import run_parallel_calls
from tests.supervision.conftest import new_case


def outbox(db, address: str | None = None) -> list[str]:
    stmt = select(OutboxEmail.subject)
    if address:
        stmt = stmt.where(OutboxEmail.to_address == address)
    return list(db.session.execute(stmt.order_by(OutboxEmail.id)).scalars())


def run(runner, today: str):
    result = runner.invoke(args=["supervision", "run", "--today", today])
    assert result.exit_code == 0, result.output
    return result.output


def test_run_twice_sends_each_alert_once_then_the_next_threshold(app, db, runner, sup, factory):
    # accepted 2026-08-03, due 2026-10-02 (60 days) — inside the National Day holiday
    case = new_case(factory, sup, accepted_on=date(2026, 8, 3), due=date(2026, 10, 2), created=date(2026, 8, 3))
    run(runner, "2026-09-20")  # make-up Sunday: 21, 22, 23, 24 (25–27 Mid-Autumn), 28, 29, 30 … > 3 left
    assert outbox(db) == []
    out = run(runner, "2026-09-29")  # 30 Sep, 1 Oct (holiday) … 2 Oct holiday: 1 working day left → due soon
    assert "即将到期：1" in out
    first = outbox(db)
    # officer of 南京, the agency clerk and the responsible leader 张某 each get one e-mail
    assert len(first) == 3 and all("即将到期" in s for s in first)
    assert outbox(db, "leader@example.cn") and outbox(db, "u0@example.cn") and outbox(db, "u3@example.cn")
    run(runner, "2026-09-29")
    run(runner, "2026-09-30")
    assert outbox(db) == first  # nothing new: the same threshold is not announced again
    run(runner, "2026-10-08")  # past the due date → overdue, once
    assert [s for s in outbox(db) if "已超期" in s] and len(outbox(db)) == 6
    run(runner, "2026-10-09")
    assert len(outbox(db)) == 6
    # overdue by 10 working days (9, Sat 10, 12–16, 19–21 Oct… from 2 Oct: 8, 9, 10, 12–16, 19, 20) → escalated
    run(runner, "2026-10-19")
    assert len(outbox(db)) == 6
    run(runner, "2026-10-20")
    escalated = [s for s in outbox(db) if "超期提级督办" in s]
    assert escalated and outbox(db, "u1@example.cn")  # 江苏 provincial office (南京's parent) is told
    assert len(escalated) == 4
    run(runner, "2026-10-21")
    assert len(outbox(db)) == 10
    thresholds = db.session.execute(select(SupervisionAlert.threshold).where(SupervisionAlert.item_id == case.id)
                                    .order_by(SupervisionAlert.id)).scalars().all()
    assert thresholds == ["due_soon", "overdue", "escalated"]


def test_an_item_first_seen_overdue_announces_only_the_highest_threshold(app, db, runner, sup, factory):
    new_case(factory, sup, accepted_on=date(2026, 6, 1), due=date(2026, 7, 31), created=date(2026, 6, 1))
    run(runner, "2026-08-04")  # 3, 4 Aug: 2 working days late → overdue (due soon passed silently)
    subjects = outbox(db)
    assert subjects and all("已超期" in s for s in subjects)
    assert db.session.execute(select(func.count()).select_from(SupervisionAlert)).scalar_one() == 2


def test_closed_cases_and_moved_due_dates(app, db, runner, sup, factory):
    closed = new_case(factory, sup, accepted_on=date(2026, 6, 1), due=date(2026, 7, 31), status="closed")
    run(runner, "2026-08-04")
    assert outbox(db) == []
    closed.status = "registered"
    db.session.commit()
    run(runner, "2026-08-04")
    assert len(outbox(db)) == 3
    closed.due_date = date(2026, 8, 5)  # an approved extension moved it: the thresholds start over
    db.session.commit()
    run(runner, "2026-08-04")
    assert len(outbox(db)) == 6


def test_acceptance_and_consultation_deadlines_are_flagged(app, db, runner, sup, factory):
    from app.consultations.models import Consultation
    from tests.supervision.conftest import at

    case = new_case(factory, sup, created=date(2026, 9, 1))  # not accepted: tell the petitioner by 16 Sep
    c = Consultation(case_id=case.id, questions="问题", required_specialties=[], panel_size=3, status="accepted",
                     tier="municipal", office_id=sup.nj.id, requesting_org_id=sup.agency.id, created_at=at(date(2026, 9, 1)))
    db.session.add(c)
    db.session.commit()
    run(runner, "2026-09-17")  # acceptance overdue; consultation due 20 working days after 1 Sep = 30 Sep: not yet
    assert [s for s in outbox(db) if "告知受理期限" in s]
    assert not [s for s in outbox(db) if "会商出具意见" in s]
    run(runner, "2026-09-28")  # 29, 30 Sep: 2 left → due soon
    assert [s for s in outbox(db) if "会商出具意见" in s]
    notes = db.session.execute(select(Notification.title).where(Notification.user_id == sup.officer_nj.id)).scalars().all()
    assert any("会商出具意见" in t for t in notes)


def test_two_runs_at_the_same_time_send_once(app, db, sup, factory):
    from app import clock
    from app.supervision import run as sr
    from tests.supervision.conftest import at

    for i in range(5):
        new_case(factory, sup, accepted_on=date(2026, 6, 1), due=date(2026, 7, 31), title=f"并发事项{i}")

    def once():
        with clock.frozen(at(date(2026, 8, 4))):
            sr.run()
            db.session.commit()

    results = run_parallel_calls(app, [once, once, once])
    assert [r for _, r in results] == ["ok", "ok", "ok"], results
    db.session.expire_all()
    assert len(outbox(db)) == 5 * 3
    assert db.session.execute(select(func.count()).select_from(SupervisionAlert)).scalar_one() == 5 * 2
