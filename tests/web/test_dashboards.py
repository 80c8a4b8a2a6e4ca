"""Dashboards per role: the officer's work queue, the agency's requests and cases, the expert's
invitations, drafts to sign and meetings — the counts and the links that lead to the work."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.main.routes import agency_work, expert_work, office_work
from app.meetings.models import Meeting
from app.opinions import services as opinion_services
from app.opinions.models import OpinionSignature
from tests.api.test_opinions import build_panel


def page(resp) -> str:
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def tile(html: str, key: str) -> tuple[str, int]:
    """(href, count) of the dashboard tile data-work=key."""
    match = re.search(rf'<a [^>]*href="([^"]*)"[^>]*data-work="{key}"[^>]*>.*?data-count>(\d+)<', html, re.S)
    assert match, key
    return match.group(1).replace("&amp;", "&"), int(match.group(2))


def test_officer_queue_counts_own_office_only(client, world, factory, login):
    build_panel(world, factory, status="panel_drawn", meeting=False)
    build_panel(world, factory, status="submitted", meeting=False)
    build_panel(world, factory, status="submitted", meeting=False)
    build_panel(world, factory, status="deliberated")
    build_panel(world, factory, status="submitted", meeting=False, office=world.hz)

    queue = {q["status"]: q["count"] for q in office_work(world.officer_nj)["queue"]}
    assert queue == {"submitted": 2, "accepted": 0, "panel_drawn": 1, "scheduled": 0, "deliberated": 1}
    assert {q["status"]: q["count"] for q in office_work(world.officer_hz)["queue"]}["submitted"] == 1
    assert {q["status"]: q["count"] for q in office_work(world.admin)["queue"]}["submitted"] == 3

    login(world.officer_nj)
    html = page(client.get("/dashboard"))
    assert tile(html, "submitted") == ("/consultations?status=submitted", 2)
    assert tile(html, "panel_drawn") == ("/consultations?status=panel_drawn", 1)
    assert tile(html, "overdue")[0] == "/cases?overdue=true"
    assert "专家库概况" in html  # the pool statistics stay below the work queue


def test_agency_sees_its_requests_by_stage(client, world, factory, login):
    build_panel(world, factory, status="returned", meeting=False, title="退回的事项")
    build_panel(world, factory, status="scheduled", meeting=False)
    build_panel(world, factory, status="deliberated")
    other = factory.org("南京市人力资源和社会保障局", kind="handling_agency", region_code="320100")
    theirs = build_panel(world, factory, status="returned", meeting=False)
    theirs.case.handling_org_id = other.id
    db.session.commit()

    work = agency_work(world.agency_user)
    assert {g["key"]: g["count"] for g in work["groups"]} == {"returned": 1, "submitted": 0, "in_progress": 2,
                                                              "opinion_issued": 0}
    assert len(work["recent"]) == 3 and work["cases"]["consulting"] == 3

    login(world.agency_user)
    html = page(client.get("/dashboard"))
    assert tile(html, "returned") == ("/consultations?status=returned", 1)
    assert tile(html, "in_progress") == ("/consultations", 2)
    assert "退回的事项" in html and "暂无待反馈的意见书" in html


def test_expert_invitations_drafts_to_sign_and_meetings(client, world, factory, login):
    p = build_panel(world, factory, size=3, accepted=2, status="deliberated")
    invited, chair = p.users[2], p.chair
    assert [m.consultation_id for m in expert_work(invited)["invitations"]] == [p.consultation.id]
    assert expert_work(chair)["invitations"] == [] and expert_work(chair)["to_sign"] == []

    opinion = opinion_services.create_draft(world.officer_nj, p.consultation, {})
    start = datetime.now(UTC) + timedelta(days=3)
    db.session.add(Meeting(consultation=p.consultation, uid="dash-test@test", start=start, end=start + timedelta(hours=2),
                           mode="video", location="视频会议室", status="scheduled"))
    db.session.commit()
    work = expert_work(chair)
    assert [o.id for o in work["to_sign"]] == [opinion.id] and len(work["meetings"]) == 1
    assert expert_work(invited)["to_sign"] == [] and expert_work(invited)["meetings"] == []  # not seated yet

    login(chair)
    html = page(client.get("/dashboard"))
    assert f'href="/opinions/{opinion.id}"' in html and "审阅并签署" in html and "视频会议室" in html
    assert "暂无待答复的邀请" in html

    db.session.add(OpinionSignature(opinion=opinion, expert_id=chair.expert_id, user_id=chair.id, version=opinion.version))
    db.session.commit()
    assert expert_work(chair)["to_sign"] == []


def test_expert_without_record_and_empty_states(client, world, factory, login):
    login(world.expert_user)
    html = page(client.get("/dashboard"))
    assert "暂无待答复的邀请" in html and "暂无待签署的意见书" in html and "暂无已安排的会议" in html
    lonely = factory.user("expert", username="expert_unlinked")
    assert expert_work(lonely) == {"invitations": [], "to_sign": [], "meetings": []}
