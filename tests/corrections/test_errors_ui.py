"""Issue 9, item 9: one error style — a summary alert plus the message at the field, in Chinese
without raw field names — and the input kept when a page comes back with errors."""

from __future__ import annotations

import re

import pytest

from app.consultations.models import PanelMember
from app.extensions import db
from app.meetings.models import Meeting
from tests.api.meeting_fixtures import drawn_consultation, make_case, make_pool


@pytest.fixture
def drawn(client, api, world, factory, freeze_clock):
    freeze_clock()
    make_pool(factory, 6)
    return drawn_consultation(client, api, world, make_case(world))


def page(resp) -> str:
    return resp.get_data(as_text=True)


def test_declining_on_an_experts_behalf_without_a_reason_says_why(client, world, login, drawn):
    login(world.officer_nj)
    member = db.session.query(PanelMember).filter_by(consultation_id=drawn["id"], role="member").first()
    url = f"/consultations/{drawn['id']}/invitations/{member.expert_id}"
    resp = client.post(url, data={"response": "decline", "decline-reason": ""})
    html = page(resp)
    assert resp.status_code == 422
    assert "data-form-errors" in html and "理由：谢绝邀请请说明理由" in html  # the summary, in Chinese
    assert 'data-field-error="decline-reason"' in html  # and at the field
    assert "reason" not in re.sub(r'name="[^"]*"|data-[a-z-]+="[^"]*"|id="[^"]*"|for="[^"]*"', "",
                                  html[html.index("data-form-errors"):html.index("data-form-errors") + 400])
    db.session.refresh(member)
    assert member.status == "invited"


def test_video_link_error_keeps_the_chosen_slot_and_the_slot_list(client, world, login, drawn):
    login(world.officer_nj)
    url = f"/meetings/consultations/{drawn['id']}"
    listing = page(client.get(url, query_string={"from": "2026-10-12", "to": "2026-10-16", "duration_minutes": "120"}))
    slot = re.search(r'name="start" value="([^"]+)"', listing).group(1)
    resp = client.post(f"/meetings/consultations/{drawn['id']}/schedule", data={
        "start": slot, "duration_minutes": "120", "mode": "video", "location": "会议号 123", "next": url,
        "slot_from": "2026-10-12", "slot_to": "2026-10-16"})
    html = page(resp)
    assert resp.status_code == 422
    assert "location" not in html[html.index("data-meeting-error"):html.index("data-meeting-error") + 600]
    assert "地点或会议链接：视频会商须填写以 http:// 或 https:// 开头的会议链接" in html
    assert 'data-field-error="location"' in html and 'value="会议号 123"' in html
    assert "data-slot-picker" in html and re.search(rf'value="{re.escape(slot)}"[^>]*\n?\s*checked', html)
    assert db.session.query(Meeting).count() == 0


def test_a_held_meeting_is_recorded_afterwards_and_minuted_in_the_ui(client, world, login, drawn, freeze_clock):
    """Issue 9, item 1 in the UI: minutes only after the meeting; a meeting held without being
    scheduled here (an urgent on-site one) is recorded with 会议已召开, then minuted at once."""
    from datetime import datetime

    from app.timeutil import SHANGHAI

    freeze_clock(datetime(2026, 10, 14, 16, 0, tzinfo=SHANGHAI))
    login(world.officer_nj)
    url = f"/meetings/consultations/{drawn['id']}"
    resp = client.post(f"/meetings/consultations/{drawn['id']}/schedule", data={
        "start": "2026-10-14T09:30", "duration_minutes": "120", "mode": "onsite", "location": "南京市信访局三楼会议室",
        "held": "y", "next": url}, follow_redirects=True)
    html = page(resp)
    assert "已补录会商会议" in html and "data-minutes-pending" in html
    meeting = db.session.query(Meeting).one()
    assert meeting.status == "held" and meeting.minutes is None
    members = [m.expert_id for m in db.session.query(PanelMember).filter_by(consultation_id=drawn["id"])
               if m.role in ("chair", "member")]
    resp = client.post(f"/meetings/{meeting.id}/minutes", data={"text": "专家组现场会商，形成一致意见。",
                                                                 "attendee_expert_ids": members, "next": url},
                       follow_redirects=True)
    assert "会议纪要已记录" in page(resp) and "data-minutes-pending" not in page(resp)
