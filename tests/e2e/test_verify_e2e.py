"""In headless chromium: the officer downloads an issued opinion's PDF from its page; anyone
(signed out) uploads it on the verification page and sees 真实有效; a copy with one byte
changed is refused."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SKIP_REASON, chromium_available
from tests.e2e.test_opinion_e2e import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not chromium_available(), reason=SKIP_REASON)]


def test_download_issued_pdf_and_verify_it_on_the_public_page(page, browser, live_server, world, factory, client, api,
                                                              tmp_path):
    from playwright.sync_api import expect

    from tests.api.test_opinions import build_panel, draft_ready
    from tests.verify.conftest import issue

    panel = build_panel(world, factory)
    op = draft_ready(client, api, panel)
    issue(client, api, world.officer_nj, op["id"])

    sign_in(page, world.officer_nj)
    page.goto(f"/opinions/{op['id']}")
    with page.expect_download() as download_info:
        page.locator('[data-download="pdf"]').first.click()
    genuine = tmp_path / "genuine.pdf"
    download_info.value.save_as(genuine)
    data = bytearray(genuine.read_bytes())
    data[len(data) // 3] ^= 0x01
    modified = tmp_path / "modified.pdf"
    modified.write_bytes(bytes(data))

    public = browser.new_context(base_url=live_server, locale="zh-CN").new_page()  # signed out
    public.goto("/verify")
    public.set_input_files("#file", str(genuine))
    public.get_by_role("button", name="核验").click()
    expect(public.locator("[data-verify-result]")).to_have_attribute("data-verify-result", "authentic")
    expect(public.locator("[data-verify-result]")).to_contain_text("真实有效")

    public.set_input_files("#file", str(modified))
    public.get_by_role("button", name="核验").click()
    expect(public.locator("[data-verify-result]")).to_contain_text("验真未通过")
    expect(public.locator("[data-verify-result]")).not_to_contain_text("真实有效")
