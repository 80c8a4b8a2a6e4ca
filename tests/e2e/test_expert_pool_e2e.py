"""In headless chromium: an officer signs in, adds an expert through the form, finds them with
the specialty filter, and imports a roster workbook through the upload page."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook

from tests.conftest import PASSWORD
from tests.e2e.conftest import SKIP_REASON, chromium_available

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason=SKIP_REASON)]

ROSTER_HEADERS = ["姓名", "层级", "行政区划代码", "工作单位", "职称", "专业领域", "手机", "邮箱", "状态", "聘期截止", "最多同时承担会商数"]


def roster_workbook(path, rows) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "专家名册"
    ws.append(ROSTER_HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)


def nav(page, name: str) -> None:
    page.locator("#mainNav").get_by_role("link", name=name, exact=True).click()


def test_officer_adds_finds_and_imports_experts(page, world, tmp_path):
    from playwright.sync_api import expect

    # sign in through the form
    page.goto("/login")
    page.fill("#username", world.officer_nj.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard")
    expect(page.locator(".navbar")).to_contain_text("南京市信访局")

    # add an expert: the tier is fixed to the office's and the region defaults to its own
    nav(page, "专家库")
    page.get_by_role("link", name="新增专家").click()
    page.wait_for_url("**/experts/new")
    expect(page.locator("#region_code")).to_have_value("320100")
    expect(page.locator("#tier option")).to_have_count(1)
    page.fill("#name", "沈若兰")
    page.fill("#employer", "南京医科大学卫生法学研究中心")
    page.fill("#title", "研究员")
    page.get_by_label("医疗卫生法").check()
    page.get_by_label("心理疏导").check()
    page.fill("#phone", "13655556666")
    page.fill("#email", "shenrl@example.cn")
    page.fill("#term_end", "2029-12-31")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/experts/\d+$"))
    expect(page.locator(".alert-success")).to_contain_text("已新增专家 沈若兰")
    expect(page.locator(".expert-facts")).to_contain_text("医疗卫生法")

    # find them with the specialty filter
    nav(page, "专家库")
    page.select_option("#f-specialty", "medical_law")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r".*specialty=medical_law.*"))
    rows = page.locator("[data-expert-list] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("沈若兰")
    expect(rows.first).to_contain_text("心理疏导")

    # import a roster workbook through the upload page
    roster = tmp_path / "南京市专家名册.xlsx"
    roster_workbook(roster, [
        ["韩东明", "市", "320100", "南京审计大学法学院", "教授", "金融法、企业改制与国资", "13677778888", "handm@example.cn", "在库",
         "2028-12-31", 2],
        [world.e_nj.name, "市", "320100", "东南大学法学院", "教授", "行政法与行政诉讼", world.e_nj.phone, world.e_nj.email, "在库",
         "2028-12-31", 3],
    ])
    nav(page, "名册导入导出")
    page.wait_for_url("**/experts/import")
    expect(page.locator("[data-columns]")).to_contain_text("最多同时承担会商数")
    page.set_input_files("input[name=file]", str(roster))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成：新增 1 人，更新 1 人，未变化 0 人")

    nav(page, "专家库")
    page.select_option("#f-specialty", "finance_law")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r".*specialty=finance_law.*"))
    expect(page.locator("[data-expert-list] tbody tr")).to_have_count(1)
    expect(page.locator("[data-expert-list]")).to_contain_text("韩东明")
    expect(page.locator("[data-expert-list]")).to_contain_text("南京审计大学法学院")

    assert page.problems == []  # no CSP violations, script errors or requests to other hosts
