"""In headless chromium, all through the UI: an agency requests a legal-review consultation for
its case; the petition office's officer accepts it, draws the panel and schedules the meeting
from a suggested slot; an expert on the drawn panel signs in and accepts the invitation.

The pool is prepared so that exactly panel_size + reserves experts are eligible, each with a
user account, so whoever the random draw picks can sign in; the drawn expert is looked up in
the database after the draw.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.e2e.conftest import SKIP_REASON, chromium_available

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason=SKIP_REASON)]

PANEL_SIZE, RESERVES = 3, 2


@pytest.fixture
def prepared(world, factory, db):
    """A case of the 南京 agency and exactly PANEL_SIZE + RESERVES eligible experts (土地与房地产法,
    which no expert of ``world`` has), each with an account."""
    case = factory.case(world.agency, "320100-2026-95001", petitioner="刘德明", title="某街道旧城改造征收补偿信访事项")
    experts = []
    for i, name in enumerate(["周敏", "吴国栋", "郑丽华", "孙伟", "钱晓燕"][:PANEL_SIZE + RESERVES]):
        e = factory.expert(name, tier="municipal", region_code="320100", specialties=("land_property_law", "civil_law"))
        factory.user("expert", expert=e, username=f"e2e_expert_{i}", display_name=name)
        experts.append(e)
    return case, experts


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard")


def sign_out(page) -> None:
    page.locator("#mainNav").get_by_role("button", name="退出").click()
    page.wait_for_url("**/login**")


def nav(page, name: str) -> None:
    page.locator("#mainNav").get_by_role("link", name=name, exact=True).click()


def test_request_accept_draw_schedule_and_expert_accepts(page, world, prepared, db):
    from playwright.sync_api import expect

    from app.auth.models import User
    from app.consultations.models import Consultation, PanelDraw, PanelMember
    from app.meetings.models import Meeting

    case, _experts = prepared
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm on the draw

    # the agency requests a consultation from its case page
    sign_in(page, world.agency_user.username)
    page.goto(f"/cases/{case.id}")
    page.locator("#consultations").get_by_role("link", name="申请会商").click()
    page.wait_for_url(re.compile(r".*/consultations/new\?case_id=\d+$"))
    page.fill("#questions", "征收补偿标准是否符合《国有土地上房屋征收与补偿条例》？应如何答复信访人？")
    page.get_by_label("土地与房地产法").check()
    page.select_option("#panel_size", str(PANEL_SIZE))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r".*/consultations/\d+$"))
    expect(page.locator(".alert-success")).to_contain_text("已提交会商申请")
    expect(page.locator("[data-status]").first).to_have_text("待受理")
    consultation_id = int(re.search(r"/consultations/(\d+)$", page.url).group(1))
    sign_out(page)

    # the officer finds it in the office's queue, accepts it and draws the panel
    sign_in(page, world.officer_nj.username)
    nav(page, "会商")
    page.wait_for_url("**/consultations")
    expect(page.locator("[data-tab=queue]")).to_have_class(re.compile("active"))
    row = page.locator(f"[data-consultation-list] tr[data-consultation-id='{consultation_id}']")
    expect(row).to_contain_text(case.title)
    row.get_by_role("link", name=f"会商 #{consultation_id}").click()
    page.wait_for_url(f"**/consultations/{consultation_id}")
    page.locator("[data-action=accept]").click()
    expect(page.locator(".alert-success")).to_contain_text("已受理会商申请")
    expect(page.locator("[data-step=accepted]")).to_have_attribute("data-step-state", "current")
    page.fill("#draw-reserves", str(RESERVES))
    page.locator("[data-action=draw]").click()
    expect(page.locator(".alert-success")).to_contain_text("已随机抽取专家组")

    db.session.expire_all()
    record = db.session.execute(select(PanelDraw).where(PanelDraw.consultation_id == consultation_id)).scalar_one()
    expect(page.locator("[data-draw-kind=initial] [data-seed]")).to_have_text(record.seed)
    expect(page.locator("[data-panel-members] tbody tr")).to_have_count(PANEL_SIZE)
    expect(page.locator("[data-reserves] li")).to_have_count(RESERVES)
    drawn = db.session.execute(select(PanelMember).where(
        PanelMember.consultation_id == consultation_id, PanelMember.role.in_(("chair", "member")))).scalars().all()
    assert len(drawn) == PANEL_SIZE
    chosen = drawn[0]
    username = db.session.execute(select(User.username).where(User.expert_id == chosen.expert_id)).scalar_one()

    # schedule the meeting from a suggested slot (the meetings section of the consultation page)
    section = page.locator("[data-meetings-section]")
    first_day = date.today() + timedelta(days=7)
    section.locator("#slot-from").fill(first_day.isoformat())
    section.locator("#slot-to").fill((first_day + timedelta(days=14)).isoformat())
    section.get_by_role("button", name="查找可用时段").click()
    slot = page.locator("[data-slot-picker] input[type=radio][name=start]").first
    slot.check()
    chosen_start = slot.get_attribute("value")
    page.select_option("#pick-mode", "onsite")
    page.fill("#pick-loc", "南京市信访局三楼会商室")
    page.get_by_role("button", name="安排会议并发送邀请").click()
    expect(page.locator(".alert-success")).to_contain_text("已安排会商会议")
    db.session.expire_all()
    meeting = db.session.execute(select(Meeting).where(Meeting.consultation_id == consultation_id)).scalar_one()
    assert meeting.start == datetime.fromisoformat(chosen_start) and meeting.location == "南京市信访局三楼会商室"
    sign_out(page)

    # the drawn expert accepts the invitation from their list
    sign_in(page, username)
    nav(page, "会商")
    row = page.locator(f"[data-consultation-list] tr[data-consultation-id='{consultation_id}']")
    expect(row).to_contain_text("已邀请")
    row.locator("[data-action=accept-invitation]").click()
    expect(page.locator(".alert-success")).to_contain_text("您已接受会商邀请")
    expect(page.locator("[data-my-invitation] [data-member-status]")).to_have_text("已接受")

    db.session.expire_all()
    assert db.session.get(PanelMember, chosen.id).status == "accepted"
    assert db.session.get(Consultation, consultation_id).status == "scheduled"
    assert page.problems == []  # no CSP violations, script errors or requests to other hosts
