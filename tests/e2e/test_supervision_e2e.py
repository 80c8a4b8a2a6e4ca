"""In headless chromium: an officer opens the supervision dashboard, clicks the overdue bar of the
deadline chart (drawn by the locally served ECharts), lands on the list of exactly those items and
exports it; the agency opens its 督办单 and replies."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time

import pytest

from app.timeutil import SHANGHAI
from tests.conftest import PASSWORD
from tests.e2e.conftest import SKIP_REASON, chromium_available
from tests.supervision.conftest import new_case

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason=SKIP_REASON)]


def sign_in(page, user) -> None:
    page.goto("/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(dashboard|)$"))


def test_officer_drills_into_overdue_and_exports_then_agency_replies(page, browser, live_server, world, factory,
                                                                      freeze_clock, db):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    from app.supervision.models import SupervisionNotice

    freeze_clock(datetime.combine(date(2026, 9, 29), time(9), SHANGHAI).astimezone(UTC))
    late = new_case(factory, world, accepted_on=date(2026, 7, 1), due=date(2026, 9, 24), title="超期的征收补偿事项")
    new_case(factory, world, accepted_on=date(2026, 7, 20), due=date(2026, 9, 18), title="另一件超期事项")
    new_case(factory, world, accepted_on=date(2026, 9, 1), due=date(2026, 10, 31), title="期限内事项")
    notice = SupervisionNotice(case_id=late.id, office_id=world.nj.id, agency_id=world.agency.id, number="〔2026〕南京信督1号",
                               number_year=2026, number_seq=1, requirements="请于10月9日前报送化解方案。",
                               due_on=date(2026, 10, 9), status="open")
    db.session.add(notice)
    db.session.commit()

    sign_in(page, world.officer_nj)
    page.goto("/supervision/")
    chart = page.locator("#chart-deadlines")
    expect(chart.locator("svg")).to_be_visible()
    overdue_bar = chart.locator('svg path[fill="#dc3545"]').first
    overdue_bar.click()
    page.wait_for_url(re.compile(r".*/supervision/list/deadlines\?.*state=overdue"))
    assert "kind=case" in page.url
    expect(page.locator("[data-total]")).to_have_text("2")
    rows = page.locator("table[data-list] tbody tr[data-row]")
    expect(rows).to_have_count(2)
    expect(page.locator("table[data-list]")).to_contain_text("超期的征收补偿事项")
    expect(page.locator("table[data-list]")).not_to_contain_text("期限内事项")
    with page.expect_download() as info:
        page.locator("[data-export=list]").click()
    with open(info.value.path(), "rb") as fh:  # the download's temporary name has no .xlsx suffix
        ws = load_workbook(io.BytesIO(fh.read())).active
    data = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(data) == 2 and {r[1] for r in data} == {"超期的征收补偿事项", "另一件超期事项"}
    assert page.problems == []

    agency = browser.new_context(base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai")
    tab = agency.new_page()
    try:
        sign_in(tab, world.agency_user)
        tab.goto(f"/supervision/notices/{notice.id}")
        tab.fill("#r-text", "已制定化解方案，并于10月8日报送。")
        tab.get_by_role("button", name="提交回复").click()
        expect(tab.locator(".alert-success")).to_contain_text("督办单已回复")
        expect(tab.locator("[data-status]")).to_have_text("已回复")
        expect(tab.locator("[data-reply]")).to_contain_text("已制定化解方案")
    finally:
        agency.close()
    db.session.expire_all()
    assert db.session.get(SupervisionNotice, notice.id).status == "replied"
