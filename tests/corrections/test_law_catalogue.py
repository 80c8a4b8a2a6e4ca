"""Issue 9, item 13: citations are checked against a catalogue of national laws and
administrative regulations: unknown names, articles past the last and repealed laws are
warned about; local regulations stay possible with a visible note."""

from __future__ import annotations

import json

import pytest

from app.documents import parse_citation
from app.documents.laws import CATALOGUE_FILE, all_laws, citation_warning, legal_basis_warnings, lookup
from tests.api.test_opinions import build_panel, create, full_body
from tests.web.test_opinions_ui import as_user, editor_data, start_draft  # noqa: F401 (fixture)


def warn(text: str) -> str | None:
    return citation_warning(parse_citation(text, require_law=True))


def test_the_catalogue_holds_the_laws_petition_work_cites():
    rows = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["laws"]
    current = [r for r in rows if r["kind"] != "repealed"]
    assert len(current) >= 150
    assert len({r["name"] for r in rows}) == len(rows)
    for r in current:
        assert r["articles"] >= 1 and r["edition"] and r["short"], r
    assert len(all_laws()) == len(rows)
    for name, count in [("信访工作条例", 50), ("中华人民共和国民法典", 1260), ("中华人民共和国土地管理法", 87),
                        ("国有土地上房屋征收与补偿条例", 35), ("中华人民共和国行政复议法", 90)]:
        assert lookup(name).articles == count, name


@pytest.mark.parametrize("text", [
    "《信访工作条例》第五十条", "《中华人民共和国土地管理法》第四十八条", "《土地管理法》第87条",
    "《中华人民共和国土地管理法（2004修正）》第九十条",  # an earlier edition, numbered its own way
    "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百六十三条",
])
def test_known_citations_pass_quietly(text):
    assert warn(text) is None


def test_unknown_laws_articles_past_the_end_and_repealed_laws_are_named():
    assert "《不存在的法》不在国家法律、行政法规目录中" in warn("《不存在的法》第999条")
    assert warn("《信访工作条例》第五十一条") == "《信访工作条例》（现行 2022 版）共五十条，没有第五十一条：请核对条文序号"
    assert "没有第一千二百六十一条" in warn("《民法典》第1261条")
    assert warn("《物权法》第四十二条") == "《物权法》已于 2021 年废止，请改引《中华人民共和国民法典》的相应条文"
    assert "已于 2022 年废止" in warn("《信访条例》第三十四条")


@pytest.mark.parametrize("text", ["《江苏省信访条例》第三条", "《南京市国有土地上房屋征收与补偿办法》第十条",
                                  "《上海市住宅物业管理规定》第九十九条"])
def test_local_regulations_are_allowed_with_a_note(text):
    assert "地方性法规或地方政府规章" in warn(text) and "可以保留" in warn(text)


def test_api_saves_the_draft_and_returns_the_warnings(client, world, api, factory):
    panel = build_panel(world, factory)
    chair = api(panel.chair)
    body = full_body(legal_basis=["《信访工作条例》第三十三条", "《不存在的法》第999条", "《江苏省信访条例》第三条"])
    resp = create(client, chair, panel.consultation.id, body)
    assert resp.status_code == 201, resp.get_json()
    data = client.get(f"/api/v1/opinions/{resp.get_json()['id']}", headers=chair).get_json()
    assert data["legal_basis"][1] == "《不存在的法》第九百九十九条"
    assert [w.split("：", 1)[0] for w in data["citation_warnings"]] == ["第2条法律依据", "第3条法律依据"]


def test_editor_shows_the_warnings_and_the_check_returns_them(as_user, world, factory):  # noqa: F811
    panel = build_panel(world, factory)
    chair = as_user(panel.chair)
    opinion = start_draft(chair, panel.consultation.id)
    data = editor_data(opinion, legal_basis="《信访工作条例》第九十九条\n《土地管理法》第四十八条")
    assert chair.post(f"/opinions/{opinion.id}/save", data=data).status_code == 302
    html = chair.get(f"/opinions/{opinion.id}").get_data(as_text=True)
    block = html[html.index("data-citation-warnings"):]
    assert "没有第九十九条" in block[:2000] and "土地管理法" not in block[:block.index("</div>\n")]
    member = as_user(panel.members[0])
    assert "没有第九十九条" in member.get(f"/opinions/{opinion.id}").get_data(as_text=True)
    resp = chair.post("/opinions/citations", json={"analysis": "", "legal_basis": ["《不存在的法》第999条"]})
    assert resp.status_code == 200 and "不在国家法律、行政法规目录中" in resp.get_json()["warnings"][0]


def test_legal_basis_warnings_skip_blank_and_unreadable_lines():
    assert legal_basis_warnings(["", "信访工作条例", "《信访工作条例》第三十三条"]) == []
