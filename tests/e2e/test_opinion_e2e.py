"""In headless chromium: the chair drafts the opinion in the editor (with a detected citation
added from the suggestions), each member signs with the password prompt, the officer issues it
and downloads the PDF; the preview page shows exactly the PDF's text."""

from __future__ import annotations

import io
import re

import pytest

from tests.api.test_opinions import build_panel
from tests.conftest import PASSWORD
from tests.e2e.conftest import SKIP_REASON, chromium_available

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason=SKIP_REASON)]

PAGE_NUMBER_RE = re.compile(r"—\s*\d+\s*—")
ANALYSIS = ("（一）关于补偿标准。依照《中华人民共和国土地管理法》第48条，征收土地应当给予公平、合理的补偿，"
            "信访人王堃主张按市场价补偿缺乏依据。\n（二）关于信访程序。依照《信访工作条例》第三十五条，复核后不再受理。")


def squash(text: str) -> str:
    return "".join(text.split()).replace("\u3000", "")


def sign_in(page, user) -> None:
    page.goto("/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(dashboard|)$"))


def problems_of(tab, live_server) -> list[str]:
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("request", lambda req: None if req.url.startswith((live_server, "data:", "about:"))
           else problems.append(f"external request: {req.url}"))
    return problems


def test_draft_sign_issue_download_and_preview_matches_pdf(page, browser, live_server, world, factory, tmp_path):
    import pdfplumber
    from playwright.sync_api import expect

    panel = build_panel(world, factory, petitioner="王堃")
    cid = panel.consultation.id

    # The chair drafts in the editor.
    sign_in(page, panel.chair)
    page.goto(f"/opinions/new?consultation_id={cid}")
    page.locator("[data-create-opinion]").click()
    page.wait_for_url(re.compile(r".*/opinions/\d+$"))
    opinion_url = page.url
    expect(page.locator(".alert-success")).to_contain_text("已起草意见书第 1 版")
    expect(page.locator("#claims")).to_have_value(re.compile("王堃"))
    expect(page.locator("#consultation_summary")).to_have_value(re.compile(panel.experts[0].name))
    page.fill("#basic_facts", "2022年1月，区人民政府作出征收补偿决定，信访人未申请行政复议。")
    page.fill("#findings", "补偿标准依据区人民政府公布的标准确定。")
    page.fill("#analysis", ANALYSIS)
    page.select_option("#conclusion", "claim_partly_reasonable")
    page.get_by_label("解释说明、思想疏导").check()
    page.get_by_label("引导通过诉讼、仲裁、复议等法定途径解决").check()
    page.fill("#legal_basis", "信访工作条例第35条")
    page.locator("[data-check-citations]").click()
    suggestion = page.locator('[data-add-citation="《中华人民共和国土地管理法》第四十八条"]')
    suggestion.click()
    expect(page.locator("#legal_basis")).to_have_value("信访工作条例第35条\n《中华人民共和国土地管理法》第四十八条")
    page.locator("[data-save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存为第 2 版")
    expect(page.locator("#legal_basis")).to_have_value("《信访工作条例》第三十五条\n《中华人民共和国土地管理法》第四十八条")
    assert page.problems == [], page.problems

    # Each member signs in their own browser and confirms with the password.
    for user in panel.users:
        context = browser.new_context(base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(10_000)
        tab = context.new_page()
        problems = problems_of(tab, live_server)
        try:
            sign_in(tab, user)
            tab.goto(opinion_url)
            form = tab.locator("[data-sign-form]")
            expect(form.locator('input[type="password"]')).to_be_visible()
            form.locator('input[type="password"]').fill(PASSWORD)
            form.locator("[data-sign]").click()
            expect(tab.locator(".alert-success")).to_contain_text("您已签署意见书第 2 版")
            expect(tab.locator(f'[data-signer="{user.expert_id}"]')).to_have_attribute("data-signed", "yes")
            assert problems == [], problems
        finally:
            context.close()

    # The officer sees everyone signed, issues, and downloads the PDF.
    page.context.clear_cookies()
    sign_in(page, world.officer_nj)
    page.goto(opinion_url)
    expect(page.locator('[data-signers] [data-signed="no"]')).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-issue]").click()
    expect(page.locator(".alert-success").first).to_contain_text("意见书已印发")
    number = page.locator("[data-number]").inner_text()
    assert re.fullmatch(r"〔\d{4}〕南京信专审1号", number), number
    with page.expect_download() as info:
        page.locator('[data-download="pdf"]').first.click()
    path = tmp_path / "opinion.pdf"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pdf_text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert number in pdf_text

    # The preview shows the same text as the PDF (page numbers aside, whitespace ignored).
    page.locator("[data-preview-link]").click()
    page.wait_for_url(re.compile(r".*/preview$"))
    preview_text = page.locator("#opinion-preview .gw-doc").inner_text()
    assert squash(PAGE_NUMBER_RE.sub("", pdf_text)) == squash(preview_text)
    for expected in (number, "王堃", "《中华人民共和国土地管理法》第四十八条", panel.experts[2].name, "诉求部分合理"):
        assert expected in preview_text
    assert page.problems == [], page.problems
