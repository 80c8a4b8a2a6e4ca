"""Issue 9, items 12 and 16: the sign-in page focuses the username, every page has a skip link,
hashes sit behind a 技术信息 toggle, and the case timeline reads without raw keys or ISO times."""

from __future__ import annotations

import re

from tests.api.meeting_fixtures import drawn_consultation, make_case, make_pool, meeting_body


def test_sign_in_focuses_the_username_and_pages_have_a_skip_link(client):
    html = client.get("/login").get_data(as_text=True)
    tag = next(t for t in re.findall(r"<input[^>]*>", html) if 'id="username"' in t)
    assert "autofocus" in tag
    assert 'data-skip-link' in html and 'href="#main"' in html and 'id="main"' in html


def test_timeline_shows_labels_not_keys_or_iso_times(client, world, api, factory, login, freeze_clock):
    freeze_clock()
    make_pool(factory, 6)
    case = make_case(world)
    c = drawn_consultation(client, api, world, case)
    resp = client.post(f"/api/v1/consultations/{c['id']}/meetings", json=meeting_body(), headers=api(world.officer_nj))
    assert resp.status_code == 201, resp.get_json()
    login(world.officer_nj)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):] if 'id="timeline"' in html else html
    for raw in ("meeting_id", "mode", "onsite", "sequence", "T09:30:00+08:00"):
        assert raw not in timeline, raw
    assert "现场会商" in timeline and "2026-10-12 09:30" in timeline


def test_view_details_is_a_real_link_that_marks_read(client, world, login):
    from app.extensions import db
    from app.notifications.models import Notification
    from app.notifications.services import notify

    notify([world.officer_nj], "test", "会商申请待受理", "请处理", link="/consultations")
    notify([world.officer_hz], "test", "他人的通知", "", link="/consultations")
    db.session.commit()
    mine = db.session.query(Notification).filter_by(user_id=world.officer_nj.id).one()
    other = db.session.query(Notification).filter_by(user_id=world.officer_hz.id).one()
    login(world.officer_nj)
    html = client.get("/notifications").get_data(as_text=True)
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-open-link>查看详情</a>', html)
    assert link and link.group(1) == f"/notifications/{mine.id}/open"
    resp = client.get(link.group(1))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/consultations")
    db.session.refresh(mine)
    assert mine.read_at is not None
    assert client.get(f"/notifications/{other.id}/open").status_code == 404


def test_technical_details_sit_behind_a_toggle():
    from pathlib import Path

    html = (Path(__file__).resolve().parents[2] / "templates/opinions/detail.html").read_text()
    toggle = html[html.index("<details"):html.index("</details>")]
    assert "技术信息" in toggle and "sha256" in toggle.lower()
