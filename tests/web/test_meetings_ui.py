"""Meeting and notification pages: slot search → choose a slot → schedule, refusals shown in
Chinese with the member named, reschedule, cancel, minutes, the .ics download, the
notification centre and its navbar badge; access per role; CSRF; no inline scripts."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from icalendar import Calendar

from app.consultations.models import Consultation
from app.experts.models import Unavailability
from app.extensions import db
from app.meetings.models import Meeting
from app.notifications.models import Notification
from tests.api.meeting_fixtures import drawn_consultation, make_case, make_pool, seated_ids


@pytest.fixture
def drawn(client, api, world, factory, freeze_clock):
    freeze_clock()
    make_pool(factory, 6)
    c = drawn_consultation(client, api, world, make_case(world))
    return c


def page(resp) -> str:
    return resp.get_data(as_text=True)


def _url(c) -> str:
    return f"/meetings/consultations/{c['id']}"


def _schedule(client, c, **overrides):
    data = {"start": "2026-10-12T09:30", "duration_minutes": "120", "mode": "onsite", "location": "南京市信访局三楼会议室",
            "next": _url(c)} | overrides
    return client.post(f"{_url(c)}/schedule", data=data)


def test_slot_picker_to_scheduled_meeting(client, world, login, drawn):
    login(world.officer_nj)
    html = page(client.get(_url(drawn)))
    assert "安排会商会议" in html and "查找可用时段" in html and "<script>" not in html.replace("<script src", "")
    resp = client.get(_url(drawn), query_string={"from": "2026-10-09", "to": "2026-10-12", "duration_minutes": "120"})
    assert resp.status_code == 200
    html = page(resp)
    assert "2026年10月10日（星期六）" in html  # make-up workday
    assert "2026年10月11日" not in html
    values = re.findall(r'name="start" value="([^"]+)"', html)
    assert "2026-10-12T09:00:00+08:00" in values
    resp = client.post(f"{_url(drawn)}/schedule", data={"start": "2026-10-12T09:00:00+08:00", "duration_minutes": "120",
                                                        "mode": "video", "location": "https://meet.example.cn/j/1",
                                                        "next": _url(drawn)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(_url(drawn))
    html = page(client.get(_url(drawn)))
    assert "已安排会商会议" in html and "2026年10月12日（星期一）09:00—11:00" in html
    assert "视频会商" in html and "第 1 版" in html and "已安排" in html
    m = db.session.query(Meeting).one()
    assert db.session.get(Consultation, drawn["id"]).status == "scheduled"
    resp = client.get(f"/meetings/{m.id}/invite.ics")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/calendar")
    assert str(Calendar.from_ical(resp.data).walk("VEVENT")[0]["UID"]) == m.uid


def test_refusals_are_shown_in_chinese(client, world, login, drawn):
    login(world.officer_nj)
    resp = _schedule(client, drawn, start="2027-01-01T09:30")
    assert resp.status_code == 422
    html = page(resp)
    assert "不是工作日" in html and "元旦" in html and 'data-meeting-error="non_working_day"' in html
    assert "南京市信访局三楼会议室" in html  # what was entered is kept
    resp = _schedule(client, drawn, start="2026-10-12T12:30")
    assert resp.status_code == 422 and "办公时间内" in page(resp)
    member = seated_ids(drawn["id"])[0]
    from datetime import datetime

    db.session.add(Unavailability(expert_id=member, start=datetime.fromisoformat("2026-10-12T08:00:00+08:00"),
                                  end=datetime.fromisoformat("2026-10-12T18:00:00+08:00"), reason="出国访问"))
    db.session.commit()
    resp = _schedule(client, drawn)
    assert resp.status_code == 409
    html = page(resp)
    from app.experts.models import Expert

    name = db.session.get(Expert, member).name
    assert f'data-conflict-expert="{member}"' in html and name in html and "出国访问" in html
    resp = _schedule(client, drawn, start="2026-10-13T09:30", mode="video", location="会议号 123")
    assert resp.status_code == 422 and "http" in page(resp)
    assert db.session.query(Meeting).count() == 0


def test_reschedule_cancel_and_minutes(client, world, login, drawn, freeze_clock):
    login(world.officer_nj)
    assert _schedule(client, drawn).status_code == 302
    m = db.session.query(Meeting).one()
    resp = client.post(f"/meetings/{m.id}/reschedule", data={"start": "2026-10-13T14:00", "duration_minutes": "90",
                                                              "mode": "onsite", "location": "五楼会议室", "reason": "组长开庭",
                                                              "next": _url(drawn)})
    assert resp.status_code == 302
    db.session.refresh(m)
    assert m.sequence == 1 and m.location == "五楼会议室"
    resp = client.post(f"/meetings/{m.id}/reschedule", data={"start": "2026-10-14T12:00", "duration_minutes": "90",
                                                              "mode": "onsite", "location": "五楼会议室"})
    assert resp.status_code == 422 and "办公时间" in page(resp)
    members = seated_ids(drawn["id"])
    minutes = {"text": "会议由组长主持，形成一致意见。", "attendee_expert_ids": members[:2], "next": _url(drawn)}
    resp = client.post(f"/meetings/{m.id}/minutes", data=minutes)
    assert resp.status_code == 409 and "会议开始后才能记录会议纪要" in page(resp)  # not before the meeting
    freeze_clock(datetime.fromisoformat("2026-10-13T15:00:00+08:00"))
    resp = client.post(f"/meetings/{m.id}/minutes", data=minutes)
    assert resp.status_code == 302
    html = page(client.get(_url(drawn)))
    assert "会议纪要已记录" in html and "会议由组长主持" in html and "缺席" in html
    assert db.session.get(Consultation, drawn["id"]).status == "deliberated"
    # a held meeting cannot be cancelled
    assert client.post(f"/meetings/{m.id}/cancel", data={}).status_code == 409


def test_cancel(client, world, login, drawn):
    login(world.officer_nj)
    _schedule(client, drawn)
    m = db.session.query(Meeting).one()
    resp = client.post(f"/meetings/{m.id}/cancel", data={"reason": "专家组调整", "next": _url(drawn)})
    assert resp.status_code == 302
    html = page(client.get(_url(drawn)))
    assert "已取消" in html and "查找可用时段" in html
    cal = Calendar.from_ical(client.get(f"/meetings/{m.id}/invite.ics").data)
    assert str(cal["METHOD"]) == "CANCEL"


def test_access(client, world, login, drawn, factory):
    login(world.officer_nj)
    _schedule(client, drawn)
    m = db.session.query(Meeting).one()
    client.post("/logout")
    # the agency sees the meeting but no staff forms, and cannot change it
    login(world.agency_user)
    html = page(client.get(_url(drawn)))
    assert "南京市信访局三楼会议室" in html and "取消会议" not in html and "查找可用时段" not in html
    assert client.post(f"/meetings/{m.id}/cancel", data={}).status_code == 403
    assert client.get(f"/meetings/{m.id}/invite.ics").status_code == 200
    client.post("/logout")
    other = factory.org("南京市人社局", kind="handling_agency", region_code="320100")
    outsiders = [factory.user("agency", other, username="agency_x"),
                 factory.user("expert", expert=factory.expert("局外专家"), username="expert_x"), world.officer_hz]
    for user in outsiders:
        login(user)
        for url in (_url(drawn), f"/meetings/{m.id}/invite.ics"):
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.post(f"/meetings/{m.id}/cancel", data={}).status_code == 404
        client.post("/logout")
    assert client.get(_url(drawn)).status_code == 302  # anonymous → sign in


def test_csrf_is_required(client, world, login, drawn, app, monkeypatch):
    login(world.officer_nj)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    resp = client.post(f"{_url(drawn)}/schedule", data={"start": "2026-10-12T09:30", "duration_minutes": "120",
                                                        "mode": "onsite", "location": "三楼会议室"})
    assert resp.status_code in (302, 400)
    assert db.session.query(Meeting).count() == 0
    html = page(client.get(_url(drawn), query_string={"from": "2026-10-12", "to": "2026-10-12"}))
    for form in re.findall(r'<form method="post".*?</form>', html, re.S):
        assert 'name="csrf_token"' in form


def test_section_renders_inside_another_page(app, client, world, login, drawn):
    """The consultation page includes the partial with only ``consultation`` and ``can_staff``."""
    from flask import render_template_string
    from flask_login import login_user

    c = db.session.get(Consultation, drawn["id"])
    with app.test_request_context(f"/consultations/{c.id}"):
        login_user(world.officer_nj)
        html = render_template_string('{% include "meetings/_consultation_section.html" %}', consultation=c, can_staff=True)
    assert "查找可用时段" in html and "会议安排页" in html
    with app.test_request_context(f"/consultations/{c.id}"):
        login_user(world.agency_user)
        html = render_template_string('{% include "meetings/_consultation_section.html" %}', consultation=c, can_staff=False)
    assert "尚未安排会商会议" in html and "查找可用时段" not in html


# ------------------------------------------------------------------- notification centre

def test_notification_centre_and_badge(client, world, login, drawn):
    from app.notifications.services import notify

    notify([world.agency_user], "test", "较早的通知", "正文", "/dashboard")
    db.session.commit()
    login(world.officer_nj)
    _schedule(client, drawn)
    client.post("/logout")
    login(world.agency_user)
    unread = db.session.query(Notification).filter_by(user_id=world.agency_user.id, read_at=None).count()
    # the earlier one, the acceptance (the draw from 待受理 accepts explicitly: issue 9), the meeting
    kinds = [n.kind for n in db.session.query(Notification).filter_by(user_id=world.agency_user.id).order_by(Notification.id)]
    assert sorted(kinds) == ["consultation_accepted", "meeting_scheduled", "test"] and unread == 3
    html = page(client.get("/dashboard"))
    assert "data-notification-bell" in html and f">{unread}</span>" in html
    html = page(client.get("/notifications"))
    assert "会商会议通知" in html and "全部标为已读" in html
    first = db.session.query(Notification).filter_by(user_id=world.agency_user.id).order_by(Notification.id).first()
    resp = client.post(f"/notifications/{first.id}/read", data={})
    assert resp.status_code == 302
    db.session.refresh(first)
    assert first.read_at is not None
    html = page(client.get("/notifications"))
    order = [int(x) for x in re.findall(r'data-notification="(\d+)"', html)]
    assert order[-1] == first.id and len(order) == 3  # unread first
    assert f">{unread - 1}</span>" in html
    resp = client.post(f"/notifications/{first.id}/read", data={"open": "1"})
    assert resp.headers["Location"].endswith(first.link)
    client.post("/notifications/read-all", data={})
    assert db.session.query(Notification).filter_by(user_id=world.agency_user.id, read_at=None).count() == 0
    html = page(client.get("/notifications"))
    assert "全部标为已读" not in html
    # another user's notification is not theirs to mark
    other = db.session.query(Notification).filter(Notification.user_id != world.agency_user.id).first()
    assert client.post(f"/notifications/{other.id}/read", data={}).status_code == 404
    client.post("/logout")
    assert client.get("/notifications").status_code == 302
