"""Precedent search through the API and the pages, on the configured backend: issued opinions are
findable as soon as the issue returns, drafts never; outsiders get anonymized text everywhere;
facets, ``law=``, superseded marks, similar cases, rebuild and check."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from app.extensions import db
from app.opinions import issuing
from app.search import service
from app.search.models import OpinionSearchText
from tests.api.test_opinion_numbers import signed_draft
from tests.search.corpus import generate_opinions
from tests.search.issued import insert_issued

RECORDS = list(generate_opinions(12, seed=3))


@pytest.fixture
def corpus(world, factory):
    """Twelve issued opinions of cases handled by an agency outside the test users' reach."""
    outside = factory.org("某县人力资源和社会保障局", kind="handling_agency", tier="county", region_code="510112")
    opinions = [insert_issued(r, outside, world.nj, commit=False) for r in RECORDS]
    db.session.commit()
    return opinions


def search(client, headers, **query) -> dict:
    resp = client.get("/api/v1/search/opinions", headers=headers, query_string=query)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def private_strings(record: dict) -> list[str]:
    """What must never reach a reader who may not see the case."""
    found = []
    for p in record["petitioners"]:
        district_end = re.search(r"(区|县)", p["address"])
        detail = p["address"][district_end.end():] if district_end else p["address"]
        found += [p["name"], p["id_number"], p["phone"], detail]
    return found


# --------------------------------------------------------------------------- issue → search


def test_issued_through_the_api_is_findable_at_once_and_drafts_never(client, world, factory, api):
    headers = api(world.officer_nj)
    issued, draft = signed_draft(world, factory), signed_draft(world, factory)
    draft.findings = "草稿中的独有词语琵琶湖。"
    db.session.commit()
    assert search(client, headers, q="查明事实")["total"] == 0
    assert client.post(f"/api/v1/opinions/{issued.id}/issue", headers=headers).status_code == 200
    found = search(client, headers, q="查明事实")
    assert [i["opinion_id"] for i in found["items"]] == [issued.id]
    assert found["items"][0]["snippet"] == "<mark>查明事实</mark>。"
    assert search(client, headers, q="琵琶湖")["total"] == 0
    assert client.get(f"/api/v1/precedents/{draft.id}", headers=headers).status_code == 404


def test_a_superseded_opinion_is_marked_with_its_successor(client, world, factory, api):
    headers = api(world.officer_nj)
    old = signed_draft(world, factory)
    assert client.post(f"/api/v1/opinions/{old.id}/issue", headers=headers).status_code == 200
    resp = client.post(f"/api/v1/opinions/{old.id}/correction", headers=headers)
    assert resp.status_code == 201, resp.get_json()
    new_id = resp.get_json()["id"]
    new = db.session.get(issuing.Opinion, new_id)
    from app.opinions.models import OpinionSignature

    for sig in db.session.query(OpinionSignature).filter_by(opinion_id=old.id).all():
        db.session.add(OpinionSignature(opinion_id=new.id, expert_id=sig.expert_id, user_id=sig.user_id,
                                        version=new.version))
    db.session.commit()
    resp = client.post(f"/api/v1/opinions/{new_id}/issue", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    items = {i["opinion_id"]: i for i in search(client, headers, q="查明事实")["items"]}
    assert items[old.id]["superseded"] is True
    assert items[old.id]["superseded_by"] == resp.get_json()["number"]
    assert items[new_id]["superseded"] is False
    current = search(client, headers, q="查明事实", superseded="0")
    assert [i["opinion_id"] for i in current["items"]] == [new_id]


# --------------------------------------------------------------------------- anonymization


def _scan(text: str, record_strings: list[str]) -> list[str]:
    return [s for s in record_strings if s and s in text]


@pytest.mark.parametrize("reader", ["agency_user", "expert_user", "officer_hz"])
def test_no_private_data_reaches_readers_who_may_not_see_the_case(client, world, corpus, api, reader):
    headers = api(getattr(world, reader))
    secrets = [s for r in RECORDS for s in private_strings(r)]
    responses = []
    queries = ["", "信访", "补偿 安置", '"信访人"', "身份证", "电话", "住址"]
    queries += [p["name"] for r in RECORDS for p in r["petitioners"]]  # searching by name finds nothing
    for q in queries:
        body = search(client, headers, q=q, per_page=100)
        responses.append(json.dumps(body, ensure_ascii=False))
        if q in {p["name"] for r in RECORDS for p in r["petitioners"]}:
            assert body["total"] == 0, q
    for opinion in corpus:
        resp = client.get(f"/api/v1/precedents/{opinion.id}", headers=headers)
        assert resp.status_code == 200
        assert resp.get_json()["anonymized"] is True
        responses.append(json.dumps(resp.get_json(), ensure_ascii=False))
    for name in ("category", "year", "conclusion"):
        first = next(iter(search(client, headers)["facets"][name]))
        responses.append(json.dumps(search(client, headers, **{name: first}), ensure_ascii=False))
    leaks = [s for text in responses for s in _scan(text, secrets)]
    assert not leaks, leaks[:10]
    assert all("某" in text for text in responses[len(queries):len(queries) + len(corpus)])  # aliases instead


def test_pages_show_outsiders_anonymized_text_only(client, world, corpus, login):
    login(world.expert_user)
    secrets = [s for r in RECORDS for s in private_strings(r)]
    pages = [client.get("/search", query_string={"q": "信访人"}), client.get("/opinions"),
             *[client.get(f"/precedents/{o.id}") for o in corpus]]
    assert all(p.status_code == 200 for p in pages)
    leaks = [s for p in pages for s in _scan(p.get_data(as_text=True), secrets)]
    assert not leaks, leaks[:10]


def test_readers_who_may_see_the_case_get_the_full_text(client, world, factory, api):
    nanjing = [r for r in RECORDS if r["region_code"].startswith("3201")]
    opinions = [insert_issued(r, world.agency, world.nj) for r in nanjing]
    name = nanjing[0]["petitioners"][0]["name"]
    staff = search(client, api(world.officer_nj), q="信访人", per_page=100)
    by_id = {i["opinion_id"]: i for i in staff["items"]}
    assert all(by_id[o.id]["anonymized"] is False for o in opinions)
    assert by_id[opinions[0].id]["title"] == nanjing[0]["title"]
    outsider = search(client, api(world.officer_hz), q="信访人", per_page=100)
    assert all(i["anonymized"] for i in outsider["items"])
    assert name not in json.dumps(outsider, ensure_ascii=False)


# --------------------------------------------------------------------------- facets, law=, syntax


def test_facet_counts_equal_the_totals_of_the_narrowed_search(client, world, corpus, api):
    headers = api(world.admin)
    for q in ("", "信访", "补偿"):
        body = search(client, headers, q=q)
        for name, counts in body["facets"].items():
            param = "region_code" if name == "province" else name
            for value, count in counts.items():
                assert search(client, headers, q=q, **{param: value})["total"] == count, (q, name, value)


def test_law_filter_reads_a_provision_however_it_is_written(client, world, corpus, api):
    headers = api(world.admin)
    expected = {o.id for o, r in zip(corpus, RECORDS, strict=True)
                if any("土地管理法》第四十八条" in b for b in r["legal_basis"])}
    assert expected
    for written in ("土地管理法第四十八条", "《中华人民共和国土地管理法》第48条", "中华人民共和国土地管理法第四十八条"):
        found = {i["opinion_id"] for i in search(client, headers, law=written, per_page=100)["items"]}
        assert found == expected, written
    # an article also finds the opinions that cite one of its paragraphs
    paragraph = {o.id for o, r in zip(corpus, RECORDS, strict=True)
                 if any("第十九条第一款" in b for b in r["legal_basis"])}
    found = {i["opinion_id"] for i in search(client, headers, law="国有土地上房屋征收与补偿条例第十九条")["items"]}
    assert paragraph and found == paragraph


MALFORMED = ['"', "(", ")", "AND", "OR", "NOT", "-", "- -", '"未闭合', "a:b", "*", "补偿 OR", "NOT NOT 补偿",
             "'; DROP TABLE opinions; --", "\\", "!&|", "<script>", "补偿 AND AND", "OR 补偿", '"" -""']


def test_malformed_queries_never_fail(client, world, corpus, api):
    headers = api(world.admin)
    for q in MALFORMED:
        body = search(client, headers, q=q)
        assert isinstance(body["total"], int), q
    # an unbalanced quote is read as plain words
    assert search(client, headers, q='"补偿')["total"] == search(client, headers, q="补偿")["total"] > 0


def test_bad_filters_are_422_naming_the_field(client, world, api):
    headers = api(world.admin)
    for query, field in (({"category": "x"}, "category"), ({"year": "20x6"}, "year"), ({"region_code": "99"}, "region_code"),
                         ({"sort": "oldest"}, "sort"), ({"page": "0"}, "page"), ({"per_page": "1000"}, "per_page"),
                         ({"q": "长" * 201}, "q")):
        resp = client.get("/api/v1/search/opinions", headers=headers, query_string=query)
        assert resp.status_code == 422
        assert field in resp.get_json()["error"]["details"]


def test_sort_by_date_is_newest_first_and_pages_do_not_overlap(client, world, corpus, api):
    headers = api(world.admin)
    first = search(client, headers, sort="date", per_page=5)
    second = search(client, headers, sort="date", per_page=5, page=2)
    dates = [i["issued_on"] for i in first["items"] + second["items"]]
    assert dates == sorted(dates, reverse=True)
    assert not {i["opinion_id"] for i in first["items"]} & {i["opinion_id"] for i in second["items"]}
    assert first["total"] == len(RECORDS)


# --------------------------------------------------------------------------- similar cases


def test_similar_cases_list_matching_precedents_with_reasons(client, world, corpus, factory, api):
    land = next(r for r in RECORDS if r["category"] == "land_expropriation")
    case = factory.case(world.agency, title="某村集体土地征收补偿安置信访事项", category="land_expropriation",
                        summary=land["basic_facts"][:300], claims=land["claims"][:200])
    resp = client.get(f"/api/v1/cases/{case.id}/similar", headers=api(world.agency_user), query_string={"limit": 5})
    assert resp.status_code == 200
    items = resp.get_json()["items"]
    assert items and items[0]["category"] == "land_expropriation"
    assert items[0]["why"]["same_category"] is True and items[0]["why"]["shared_terms"]
    assert all(i["anonymized"] for i in items)
    page = client.get(f"/api/v1/cases/{case.id}/similar", headers=api(world.agency_user), query_string={"limit": "0"})
    assert page.status_code == 422


# --------------------------------------------------------------------------- rebuild and check


def assert_same_results(after: list[dict], before: list[dict]) -> None:
    """Same opinions in the same order with the same snippets, totals and facets; BM25 scores may
    differ in the third digit (Whoosh's field-length statistics depend on the segments)."""
    def strip(body):
        return {**body, "items": [{k: v for k, v in i.items() if k != "score"} for i in body["items"]]}

    assert [strip(b) for b in after] == [strip(b) for b in before]
    for a, b in zip(after, before, strict=True):
        assert [i["score"] for i in a["items"]] == pytest.approx([i["score"] for i in b["items"]], rel=0.01)


def test_check_catches_a_stale_index_and_rebuild_repairs_it(client, world, corpus, api, runner):
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    stored = db.session.get(OpinionSearchText, corpus[0].id)
    stored.sections = {**stored.sections, "findings": "经核查，情况已变化。"}
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"过期 1 份：{corpus[0].id}" in result.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_rebuild_restores_identical_results_after_the_index_is_deleted_or_corrupted(client, world, corpus, api, runner):
    search_backend = service.backend()
    if search_backend.name != "whoosh":
        pytest.skip("the index files are Whoosh's")
    headers = api(world.admin)
    queries = [{"q": "补偿 安置"}, {"q": '"信访事项"'}, {"q": "", "sort": "date"}, {"law": "信访工作条例第三十二条"}]
    before = [search(client, headers, **q) for q in queries]
    directory = Path(search_backend.directory)
    shutil.rmtree(directory)
    resp = client.get("/api/v1/search/opinions", headers=headers, query_string={"q": "补偿"})
    assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "search_unavailable"
    assert client.get("/search", query_string={"q": "补偿"}).status_code in (200, 302)
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert_same_results([search(client, headers, **q) for q in queries], before)
    for path in directory.glob("*.toc"):
        path.write_bytes(b"\0garbage")
    search_backend._forget_searcher()  # a worker that starts now (a warm one may answer from memory)
    assert client.get("/api/v1/search/opinions", headers=headers).status_code == 503
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert_same_results([search(client, headers, **q) for q in queries], before)
