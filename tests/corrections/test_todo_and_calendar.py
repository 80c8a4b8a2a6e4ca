"""Issue 9, item 14: the officer's home dashboard is a to-do list (case titles, next step, due
dates); the meetings calendar shows a week or a month, per office and per expert."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.meetings.models import Meeting
from tests.api.test_opinions import build_panel

# 2026-12-09 (Wednesday) 10:00 in Shanghai.
NOW = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)


def page(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _created(panel, when: datetime):
    panel.consultation.created_at = when
    db.session.commit()
    return panel


def test_officer_dashboard_lists_work_with_titles_steps_and_due_dates(client, world, factory, login, freeze_clock):
    freeze_clock(NOW)
    old = _created(build_panel(world, factory, status="submitted", meeting=False, title="老旧小区加装电梯信访事项"),
                   NOW - timedelta(days=40))
    new = _created(build_panel(world, factory, status="panel_drawn", meeting=False, title="拆迁安置房交付信访事项"),
                   NOW - timedelta(days=1))
    _created(build_panel(world, factory, status="submitted", meeting=False, office=world.hz, title="杭州某事项"), NOW)
    login(world.officer_nj)
    html = page(client.get("/dashboard"))
    todo = html[html.index("data-todo-list"):html.index("data-coming-meetings")]
    rows = re.findall(r"<tr data-todo>(.*?)</tr>", todo, re.S)
    assert len(rows) == 2 and "杭州某事项" not in todo
    first, second = rows
    # the overdue request first, with its title, case number, step, due date and an action link
    assert "老旧小区加装电梯信访事项" in first and old.case.case_number in first and "待受理" in first
    assert 'data-state="overdue"' in first and "受理或退回" in first
    assert f'href="/consultations/{old.consultation.id}"' in first
    assert "拆迁安置房交付信访事项" in second and "待安排会商" in second and re.search(r"20\d\d-\d\d-\d\d", second)
    assert f"/meetings/consultations/{new.consultation.id}" in second
    assert "会商待办（按环节）" in html  # the counts stay below, as filter links


def test_officer_dashboard_lists_cases_near_their_deadline(client, world, factory, login, freeze_clock):
    freeze_clock(NOW)
    factory.case(world.agency, "320100-2026-60001", title="期限将至的事项", status="registered",
                 due_date=NOW.date() + timedelta(days=3))
    factory.case(world.agency, "320100-2026-60002", title="期限尚远的事项", status="registered",
                 due_date=NOW.date() + timedelta(days=40))
    login(world.officer_nj)
    html = page(client.get("/dashboard"))
    block = html[html.index("data-cases-due"):]
    assert "期限将至的事项" in block and "期限尚远的事项" not in block


def _meeting(panel, start: datetime, status: str = "scheduled", n: int = 0) -> Meeting:
    m = Meeting(consultation=panel.consultation, uid=f"cal-{panel.consultation.id}-{n}@test", start=start,
                end=start + timedelta(hours=2), mode="onsite", location="第一会议室", status=status)
    db.session.add(m)
    db.session.commit()
    return m


def test_calendar_week_and_month_per_office_and_expert(client, world, factory, login, freeze_clock):
    freeze_clock(NOW)
    nj = build_panel(world, factory, status="scheduled", meeting=False, title="南京会商事项")
    hz = build_panel(world, factory, status="scheduled", meeting=False, office=world.hz, title="杭州会商事项")
    this_week = _meeting(nj, datetime(2026, 12, 10, 1, 30, tzinfo=UTC))       # Thu 09:30
    later = _meeting(nj, datetime(2026, 12, 22, 6, 0, tzinfo=UTC), n=1)        # Tue 14:00, next weeks
    cancelled = _meeting(nj, datetime(2026, 12, 11, 1, 30, tzinfo=UTC), status="cancelled", n=2)
    _meeting(hz, datetime(2026, 12, 10, 6, 0, tzinfo=UTC))

    login(world.officer_nj)
    week = page(client.get("/meetings/calendar"))
    assert 'data-calendar="week"' in week and "2026年12月7日—12月13日" in week
    cell = re.search(r'data-day="2026-12-10"(.*?)</td>', week, re.S).group(1)
    assert f'data-meeting="{this_week.id}"' in cell and "09:30—11:30" in cell and "南京会商事项" in cell
    assert f'data-meeting="{cancelled.id}"' not in week and "杭州会商事项" not in week
    assert f'data-meeting="{later.id}"' not in week

    month = page(client.get("/meetings/calendar?view=month&date=2026-12-01"))
    assert 'data-calendar="month"' in month and "2026年12月" in month
    assert f'data-meeting="{this_week.id}"' in month and f'data-meeting="{later.id}"' in month
    assert 'data-day="2026-11-30"' in month and 'data-day="2027-01-03"' in month  # whole weeks, Monday first

    nxt = page(client.get("/meetings/calendar?date=2026-12-21"))
    assert f'data-meeting="{later.id}"' in nxt and "?date=2026-12-14" in nxt.replace("&amp;", "&").replace(
        "view=week&", "")

    # per expert: a member of the 南京 panel, then an expert on no panel
    member = nj.experts[1]
    html = page(client.get(f"/meetings/calendar?expert_id={member.id}"))
    assert f'data-meeting="{this_week.id}"' in html
    assert f'data-meeting="{this_week.id}"' not in page(client.get(f"/meetings/calendar?expert_id={world.e_nj.id}"))
    # another office outside the jurisdiction is refused with a note, not an error
    html = page(client.get(f"/meetings/calendar?office_id={world.hz.id}"))
    assert "data-calendar-problem" in html and "杭州会商事项" not in html

    client.post("/logout")
    login(world.officer_hz)
    assert "杭州会商事项" in page(client.get("/meetings/calendar")) and "南京会商事项" not in page(
        client.get("/meetings/calendar"))

    # an expert sees their own seats only, whatever the link says
    client.post("/logout")
    login(nj.members[0])
    html = page(client.get(f"/meetings/calendar?expert_id={world.e_nj.id}&office_id={world.hz.id}"))
    assert f'data-meeting="{this_week.id}"' in html and "杭州会商事项" not in html


def test_calendar_forgives_bad_links(client, world, login, freeze_clock):
    freeze_clock(NOW)
    login(world.officer_nj)
    html = page(client.get("/meetings/calendar?view=year&date=2026-02-30&expert_id=abc"))
    assert html.count("data-calendar-problem") == 3 and 'data-calendar="week"' in html
