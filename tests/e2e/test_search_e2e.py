"""Precedent search in the browser: search from the navigation, narrow by a facet, open a result
and read its anonymized text; the similar-cases panel on a case page lists a matching precedent."""

from __future__ import annotations

from app.extensions import db
from tests.e2e.test_opinion_e2e import sign_in
from tests.search.corpus import generate_opinions
from tests.search.issued import insert_issued

RECORDS = list(generate_opinions(12, seed=3))


def _corpus(world, factory):
    outside = factory.org("某县人力资源和社会保障局", kind="handling_agency", tier="county", region_code="510112")
    opinions = [insert_issued(r, outside, world.nj, commit=False) for r in RECORDS]
    db.session.commit()
    return opinions


def test_search_narrow_open_anonymized(page, world, factory):
    opinions = _corpus(world, factory)
    sign_in(page, world.expert_user)
    page.get_by_role("link", name="类案检索").click()
    page.get_by_label("检索式").fill("补偿")
    page.get_by_role("button", name="检索").click()
    total = int(page.locator("[data-total]").get_attribute("data-total"))
    assert total > 1
    assert page.locator(".search-result mark").count() > 0
    # narrow by the first category facet: the count shown is the count found
    facet = page.locator('[data-facet="category"] [data-facet-value]').first
    count = int(facet.locator("xpath=following-sibling::span").inner_text())
    facet.click()
    assert "category=" in page.url and "q=" in page.url  # the state is in the URL
    assert int(page.locator("[data-total]").get_attribute("data-total")) == count
    # open a result: the anonymized text, no petitioner's name or number
    page.locator(".search-result h2 a").first.click()
    text = page.locator("[data-precedent-text]").inner_text()
    opened = next(o for o in opinions if f"/precedents/{o.id}" in page.url)
    record = RECORDS[opinions.index(opened)]
    assert "某" in text
    for p in record["petitioners"]:
        assert p["name"] not in text and p["id_number"] not in text and p["phone"] not in text
    assert not page.problems


def test_similar_cases_panel_on_a_case_page(page, world, factory):
    _corpus(world, factory)
    land = next(r for r in RECORDS if r["category"] == "land_expropriation")
    case = factory.case(world.agency, title="某村集体土地征收补偿安置信访事项", category="land_expropriation",
                        summary=land["basic_facts"][:300], claims=land["claims"][:200])
    sign_in(page, world.agency_user)
    page.goto(f"/cases/{case.id}")
    panel = page.locator("[data-similar-cases]")
    assert panel.locator("[data-similar-item]").count() > 0
    assert "同类别" in panel.locator("[data-similar-why]").first.inner_text()
    panel.locator("[data-similar-item] a").first.click()
    assert "/precedents/" in page.url
    assert not page.problems
