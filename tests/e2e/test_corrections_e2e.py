"""Issue 9 in headless chromium, each step in the browser as its user would take it:

1. a member cannot sign before the panel met; the officer records the meeting held that morning
   (会议已召开) and its minutes; the members sign; the officer issues;
5–7. the downloaded PDF numbers its last page and ends with the 版记 on the type area's last line;
   the DOCX names the office, the issue time and zh-CN;
2. the agency's feedback form assumes nothing, refuses an empty note at the field, asks for
   confirmation, and is gone once the feedback is recorded.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from app import clock
from app.opinions import services as ops
from app.timeutil import SHANGHAI
from tests.api.test_opinions import build_panel, full_body
from tests.conftest import PASSWORD
from tests.e2e.conftest import SKIP_REASON, chromium_available
from tests.e2e.test_opinion_e2e import problems_of, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason=SKIP_REASON)]
MM = 72 / 25.4


def _in_own_browser(browser, live_server, user, steps) -> None:
    context = browser.new_context(base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems = problems_of(tab, live_server)
    try:
        sign_in(tab, user)
        steps(tab)
        assert problems == [], problems
    finally:
        context.close()


def test_meeting_before_signing_issue_last_page_and_feedback(page, browser, live_server, world, factory, tmp_path):
    import docx
    import pdfplumber
    from playwright.sync_api import expect

    from app.documents import layout as L

    panel = build_panel(world, factory, meeting=False)
    cid = panel.consultation.id
    opinion = ops.create_draft(panel.chair, panel.consultation, full_body())  # drafted before the meeting
    from app.extensions import db

    db.session.commit()
    opinion_url = f"/opinions/{opinion.id}"

    def cannot_sign_yet(tab):
        tab.goto(opinion_url)
        form = tab.locator("[data-sign-form]")
        form.locator('input[type="password"]').fill(PASSWORD)
        form.locator("[data-sign]").click()
        expect(tab.locator(".alert").filter(has_text="会议纪要后才能签署")).to_be_visible()

    _in_own_browser(browser, live_server, panel.users[1], cannot_sign_yet)

    # The officer records the meeting held this morning, then its minutes.
    sign_in(page, world.officer_nj)
    page.goto(f"/meetings/consultations/{cid}")
    page.locator("summary", has_text="手动填写时间").click()
    held_at = (clock.now().astimezone(SHANGHAI) - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    page.fill("#man-start", held_at.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#man-dur", "60")
    page.fill("#man-loc", "南京市信访局第一会议室")
    page.locator("[data-held]").check()
    page.locator("[data-schedule-manual]").click()
    expect(page.locator(".alert-success")).to_contain_text("已补录会商会议")
    expect(page.locator("[data-minutes-pending]")).to_be_visible()
    page.locator("textarea[name=text]").fill("会议由组长主持，专家组审阅了征收补偿决定书等材料，形成一致意见。")
    page.get_by_role("button", name="保存会议纪要").click()
    expect(page.locator(".alert-success")).to_contain_text("会议纪要已记录")
    assert page.problems == [], page.problems

    for user in panel.users:
        def sign(tab):
            tab.goto(opinion_url)
            form = tab.locator("[data-sign-form]")
            form.locator('input[type="password"]').fill(PASSWORD)
            form.locator("[data-sign]").click()
            expect(tab.locator(".alert-success")).to_contain_text("您已签署意见书")

        _in_own_browser(browser, live_server, user, sign)

    page.goto(opinion_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-issue]").click()
    expect(page.locator(".alert-success").first).to_contain_text("意见书已印发")
    number = page.locator("[data-number]").inner_text()

    # The PDF: every page numbered, the last too; the 版记 ends on the type area's last line.
    with page.expect_download() as info:
        page.locator('[data-download="pdf"]').first.click()
    info.value.save_as(tmp_path / "o.pdf")
    with pdfplumber.open(tmp_path / "o.pdf") as pdf:
        last = pdf.pages[-1]
        text = last.extract_text()
        assert re.search(rf"—\s*{len(pdf.pages)}\s*—", text), text[-80:]
        # The 版记's closing rule: the lowest rule as wide as the type area (the verification
        # mark's QR modules below it are small rectangles too).
        rules = [r for r in last.rects if r["width"] > 100 * MM]
        closing = max(r["bottom"] for r in rules) / MM
        assert L.TOP_MM + L.TYPE_HEIGHT_MM - L.LINE_PITCH_MM < closing <= L.TOP_MM + L.TYPE_HEIGHT_MM + 0.5
        assert "印发" in text.splitlines()[-2]
    # The DOCX: the office, the issue time, Chinese.
    with page.expect_download() as info:
        page.locator('[data-download="docx"]').first.click()
    info.value.save_as(tmp_path / "o.docx")
    props = docx.Document(str(tmp_path / "o.docx")).core_properties
    assert props.author == world.nj.name and props.language == "zh-CN" and props.identifier == number
    assert abs(props.created.replace(tzinfo=None) - datetime.utcnow()) < timedelta(minutes=10)
    assert page.problems == [], page.problems

    # The agency reports: nothing assumed, an empty note refused at the field, confirmation, done.
    page.context.clear_cookies()
    sign_in(page, world.agency_user)
    page.goto(opinion_url)
    form = page.locator("[data-feedback-form]")
    expect(form.locator("select").first).to_have_value("")
    expect(form.locator("select").nth(1)).to_have_value("")
    form.locator("select").first.select_option("1")
    form.locator("select").nth(1).select_option("resolved")
    form.locator("[data-feedback-submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator('[data-field-error="feedback-note"]')).to_be_visible()
    expect(page.locator("[data-feedback-form] select").nth(1)).to_have_value("resolved")  # input kept
    page.locator("[data-feedback-form] textarea").fill("已按意见书向信访人解释补偿标准，信访人表示理解并息诉。")
    page.locator("[data-feedback-submit]").click()
    expect(page.locator("[data-feedback-confirm]")).to_contain_text("请确认落实反馈")
    page.locator("[data-feedback-confirm-button]").click()
    expect(page.locator(".alert-success").first).to_contain_text("落实情况已反馈")
    expect(page.locator("[data-feedback-item]")).to_have_count(1)
    expect(page.locator("[data-feedback-form]")).to_have_count(0)
    expected = [p for p in page.problems if "422" in p and "/feedback" in p]  # the refused form comes back as 422
    assert len(expected) == 1 and [p for p in page.problems if p not in expected] == [], page.problems
