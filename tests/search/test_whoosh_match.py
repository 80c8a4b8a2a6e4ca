"""The numpy query engine of the Whoosh backend (``whoosh_match``) against Whoosh's own unlimited
search of the same parsed query: the same documents, total, facet counts and scores (within 1e-6),
the first page the best of all matches; phrases against a substring scan; and the defects of the
limited Whoosh search it replaced (best matches missed, an exclusion let through, an empty filter
read as no filter). The index has two segments and deletions, as after incremental writes."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from whoosh import query as wq

from app.documents.citations import law_keys
from app.search.analysis import normalize
from app.search.backends.base import Filters, SearchRequest, SimilarRequest
from app.search.backends.whoosh_index import WhooshBackend, _COLUMN_FACETS, filter_query, similar_query
from app.search.backends.whoosh_match import TIE_DECIMALS, _cover, _whole_word
from app.search.document import TEXT_FIELDS
from app.search.query import parse_query
from tests.search.documents import documents

QUERIES = (
    "征地 补偿", "视同缴费年限 学徒", "专项维修资金 表决", "宅基地 确权", "最低生活保障 停发", "农民工 工资", "工伤 认定",
    "评估 价格", "依法 终结", "承包地 流转", "补偿", "信访", "征地补偿标准", "行政复议", "养老金", "调解",
    '"区片综合地价"', '"停产停业损失"', '"视同缴费年限"', '"违法占用耕地"', '"息诉罢访"', '"集体经济组织成员资格"',
    '"逾期未反馈视为同意"', '"复核意见"', '"依法终结的"', '"征地，补偿"', '"2024年"', '"第十九条"',
    "补偿 -征地", "补偿 NOT 征地", '补偿 -"征地补偿"', "-征地", "工伤 OR 宅基地", "征地 AND 行政复议",
    '"复核意见" -息诉罢访', "信访工作条例第33条", "《中华人民共和国信访工作条例》第三十三条", "土地管理法第四十八条 征收",
    "的", "征", "a", "2024", "补 偿",
)
FILTERS = (
    Filters(), Filters(category="land_expropriation"), Filters(region_code="320000"), Filters(year=2024),
    Filters(law=law_keys("信访工作条例第三十三条")[-1]), Filters(recommendation="terminate"),
    Filters(category="no_such_category"), Filters(category="health", year=2024), Filters(exclude_case_id=7),
)


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    found = WhooshBackend(tmp_path_factory.mktemp("match") / "index")
    docs = list(documents(260))
    found.rebuild(iter(docs[:200]))
    found.write(docs[200:], deleted=[3, 17])  # a second segment, and deletions in both
    found.delete([205])
    return found


@pytest.fixture(scope="module")
def corpus_texts(backend):
    return {d.opinion_id: d.texts for d in documents(260) if d.opinion_id not in (3, 17, 205)}


@pytest.fixture(autouse=True)
def _or_as_on_large_indexes(monkeypatch):
    """Whoosh scores an OR of more than two terms (a one-character prefix) as 1 per document on an
    index of at most 5,000 documents, and sums the terms' BM25F scores above that: the engine
    always sums, so the reference does too."""
    monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)


def reference(backend, q, filters: Filters):
    """Whoosh's unlimited search: {docnum: score} of every match, and the facets counted from it."""
    with backend._searcher() as searcher:
        results = searcher.search(q, limit=None, scored=True)
        scores = {hit.docnum: hit.score for hit in results}
        flt = filter_query(filters)
        if flt is not None:  # Whoosh's own filter= ignores an empty set: apply it here
            allowed = set(searcher.docs_for_query(flt))
            scores = {d: s for d, s in scores.items() if d in allowed}
        if filters.exclude_case_id:
            excluded = set(searcher.docs_for_query(wq.Term("case_id", str(filters.exclude_case_id))))
            scores = {d: s for d, s in scores.items() if d not in excluded}
        reader = searcher.reader()
        facets = {}
        for facet, field in _COLUMN_FACETS.items():
            column = list(reader.column_reader(field))
            counts = Counter(_text(column[d]) for d in scores)
            facets[facet] = {v: n for v, n in counts.items() if v not in ("", "-")}
        facets["recommendation"] = {}
        for term in reader.field_terms("recommendation"):
            n = len(set(reader.postings("recommendation", term).all_ids()) & set(scores))
            if n:
                facets["recommendation"][_text(term)] = n
        issued = list(reader.column_reader("issued"))
        ids = {d: int(searcher.stored_fields(d)["opinion_id"]) for d in scores}
        order = sorted(scores, key=lambda d: (-round(scores[d], TIE_DECIMALS), -issued[d]))
        return [(ids[d], scores[d]) for d in order], facets


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def parsed(backend, text: str):
    with backend._searcher() as searcher:
        return parse_query(text, list(TEXT_FIELDS), searcher.schema) if text.strip() else wq.Every()


@pytest.mark.parametrize("text", QUERIES)
def test_the_same_matches_scores_and_facets_as_whoosh_unlimited(backend, text):
    q = parsed(backend, text)
    if q is wq.NullQuery:
        assert backend.search(SearchRequest(text)).total == 0
        return
    for filters in FILTERS:
        expected, facets = reference(backend, q, filters)
        page = backend.search(SearchRequest(text, filters, limit=1000))
        assert page.total == len(expected), filters
        assert [h.opinion_id for h in page.hits] == [i for i, _ in expected], filters
        assert np.allclose([h.score for h in page.hits], [s for _, s in expected], rtol=0, atol=1e-6)
        assert page.facets == facets, filters
        first = backend.search(SearchRequest(text, filters, limit=20))  # the top 20 of all matches
        assert [h.opinion_id for h in first.hits] == [i for i, _ in expected[:20]], filters
        second = backend.search(SearchRequest(text, filters, offset=20, limit=20, facets=False))
        assert [h.opinion_id for h in second.hits] == [i for i, _ in expected[20:40]]


def test_first_pages_are_the_best_matches_of_multi_word_queries(backend):
    """Whoosh's ``limit=top`` prunes blocks by an estimated quality and missed the best matches."""
    for text in QUERIES[:10]:
        expected, _ = reference(backend, parsed(backend, text), Filters())
        top = backend.search(SearchRequest(text, limit=10, facets=False)).hits
        assert [h.opinion_id for h in top] == [i for i, _ in expected[:10]], text


def test_similar_cases_are_the_best_of_all_matches(backend):
    request = SimilarRequest((("征地", 1.5), ("补偿", 1.0), ("区片综合地价", 2.0), ("信访", 0.5)), "land_expropriation",
                             "320000", laws=(law_keys("土地管理法第四十八条")[-1],), exclude_case_id=11, limit=10)
    expected, _ = reference(backend, similar_query(request), Filters(exclude_case_id=11))
    found = backend.similar(request)
    assert [h.opinion_id for h in found] == [i for i, _ in expected[:10]]
    assert np.allclose([h.score for h in found], [s for _, s in expected[:10]], rtol=0, atol=1e-6)


def containing(corpus_texts, phrase: str) -> set[int]:
    wanted = normalize(phrase)
    return {i for i, texts in corpus_texts.items() if any(wanted in re.sub(r"\s", "", normalize(t)) for t in texts.values())}


@pytest.mark.parametrize("phrase", ("区片综合地价", "复核意见", "息诉罢访", "依法终结", "视同缴费年限", "逾期未反馈视为同意",
                                    "集体经济组织成员资格", "停产停业损失", "国有土地上房屋征收", "信访事项"))
def test_phrases_equal_a_substring_scan(backend, corpus_texts, phrase):
    page = backend.search(SearchRequest(f'"{phrase}"', limit=1000, facets=False))
    assert {h.opinion_id for h in page.hits} == containing(corpus_texts, phrase)


def test_an_excluded_word_is_never_in_the_results(backend, corpus_texts):
    expected = containing(corpus_texts, "复核意见") - containing(corpus_texts, "息诉罢访")
    page = backend.search(SearchRequest('"复核意见" -息诉罢访', limit=1000, facets=False))
    assert {h.opinion_id for h in page.hits} == expected and page.total == len(expected)
    page = backend.search(SearchRequest('"复核意见" -工伤', limit=1000, facets=False))
    assert {h.opinion_id for h in page.hits} == containing(corpus_texts, "复核意见") - containing(corpus_texts, "工伤")


def test_a_filter_matching_nothing_finds_nothing(backend):
    for text in ("补偿", '"复核意见"', ""):
        page = backend.search(SearchRequest(text, Filters(category="no_such_category")))
        assert (page.total, page.hits) == (0, [])
        assert all(not counts for counts in page.facets.values())
    assert backend.search(SearchRequest("", Filters(law="信访工作条例第999条"))).total == 0


def test_date_order_is_newest_first(backend):
    page = backend.search(SearchRequest("补偿", sort="date", limit=1000, facets=False))
    days = [next(d for d in documents(1, start=h.opinion_id - 1)).issued_on for h in page.hits[:30]]
    assert days == sorted(days, reverse=True)


def test_cover_and_whole_word():
    assert _cover(1) == [0] and _cover(2) == [0, 1] and _cover(4) == [0, 2, 3] and _cover(5) == [0, 2, 4]
    assert _whole_word([b.encode() for b in ("复核", "核意", "意见")]) == "复核意见"
    assert _whole_word([b.encode() for b in ("2024|年",)]) is None
