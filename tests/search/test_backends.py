"""The same search behaviour from every backend (``search_backend``: Whoosh, and PostgreSQL when the
tests run on it), through the backend API over a generated corpus: phrases match exactly where the
normalized text holds them (a substring scan decides), exclusions, OR, filters, facets equal to
the filtered totals, date order and pages, similar cases, rebuild, staleness, hostile queries."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.search.analysis import normalize
from app.search.backends.base import FACETS, Filters, SearchRequest, SimilarRequest
from app.search.document import SearchDocument
from app.search.query import subwords
from app.search.analysis import is_whole_word
from tests.search.phrase_corpus import texts

CATEGORIES = ("land_expropriation", "labor_social_security", "housing")
REGIONS = ("320102", "320104", "320205", "330106", "330108", "110101")
RECOMMENDATIONS = ("terminate", "mediate", "reexamine")
LAWS = (("信访工作条例", "信访工作条例第33条", "信访工作条例第33条第1款"), ("信访工作条例", "信访工作条例第33条"),
        ("土地管理法", "土地管理法第48条"), ())


@pytest.fixture
def opinion_ids(factory, world):
    """Ids of real (draft) opinion rows: the PostgreSQL entries reference opinions."""
    from app.consultations.models import Consultation
    from app.opinions.models import Opinion

    case = factory.case(world.agency)
    consultation = Consultation(case_id=case.id, questions="测试", tier="municipal", office_id=world.nj.id)
    db.session.add(consultation)
    db.session.flush()
    opinions = [Opinion(consultation_id=consultation.id, case_id=case.id, title=f"意见书{i}") for i in range(len(texts()) + 5)]
    db.session.add_all(opinions)
    db.session.commit()
    return [o.id for o in opinions]


def make_doc(opinion_id: int, i: int, text: str, **changes) -> SearchDocument:
    fields = {
        "opinion_id": opinion_id, "number": f"〔2025〕宁信专审{i}号",
        "texts": {"title": f"关于第{i}件信访事项的法律审查意见书", "findings": text, "outcome": "审查结论"},
        "category": CATEGORIES[i % 3], "tier": ("municipal", "provincial")[i % 2], "region_code": REGIONS[i % len(REGIONS)],
        "issued_on": date(2020, 1, 1) + timedelta(days=7 * i), "conclusion": ("claim_unreasonable", "claim_reasonable")[i % 2],
        "recommendations": (RECOMMENDATIONS[i % 3],) + (("mediate",) if i % 5 == 0 and i % 3 != 1 else ()),
        "laws": LAWS[i % len(LAWS)], "superseded": i % 7 == 0, "case_id": 1000 + i % 40,
    }
    fields.update(changes)
    return SearchDocument(**fields).with_fingerprint()


@pytest.fixture
def corpus(search_backend, opinion_ids):
    docs = [make_doc(opinion_ids[i], i, text) for i, text in enumerate(texts())]
    search_backend.index(docs)
    db.session.commit()
    return docs


def ids(backend, q: str = "", **kw) -> set[int]:
    page = backend.search(SearchRequest(q, Filters(**kw), limit=1000))
    assert page.total == len(page.hits)
    return {h.opinion_id for h in page.hits}


def containing(docs, phrase: str) -> set[int]:
    """The substring scan: whitespace takes no position in the index, so it is left out here too."""
    wanted = normalize(phrase)
    return {d.opinion_id for d in docs if any(wanted in re.sub(r"\s", "", normalize(t)) for t in d.texts.values())}


PHRASES = ("征地补偿", "补偿安置", "征地补偿安置", "依法终结的", "依法终结", "区片综合地价", "安置补助费", "信访积案",
           "三跨三分离", "劳动合同法", "行政复议", "补偿", "复核", "终结的决定正确", "房屋征收补偿", "第四十七条")


@pytest.mark.parametrize("phrase", PHRASES)
def test_phrase_returns_exactly_the_documents_containing_it(search_backend, corpus, phrase):
    expected = containing(corpus, phrase)
    assert expected or phrase == "第四十七条"
    assert ids(search_backend, f'"{phrase}"') == expected
    if is_whole_word(phrase) or not subwords(phrase):
        assert ids(search_backend, phrase) == expected  # a dictionary word: its chain of units
    else:  # a compound the dictionary does not know: its words find too, the chain ranks first
        hits = search_backend.search(SearchRequest(phrase, limit=1000, facets=False)).hits
        assert expected <= {h.opinion_id for h in hits} and hits[0].opinion_id in expected


def test_traditional_and_full_width_queries_find_simplified_text(search_backend, corpus):
    assert ids(search_backend, '"徵地補償"') == containing(corpus, "征地补偿")
    assert ids(search_backend, "ＡＢＣ１２３") == ids(search_backend, "abc123") != set()


def test_minus_and_not_exclude(search_backend, corpus):
    both = containing(corpus, "补偿") - containing(corpus, "征地")
    assert both and ids(search_backend, "补偿 -征地") == both
    assert ids(search_backend, "补偿 NOT 征地") == both
    assert ids(search_backend, '补偿 -"征地补偿"') == containing(corpus, "补偿") - containing(corpus, "征地补偿")
    assert ids(search_backend, "-征地") == {d.opinion_id for d in corpus} - containing(corpus, "征地")


def test_or_unions_and_words_intersect(search_backend, corpus):
    union = containing(corpus, "信访积案") | containing(corpus, "三跨三分离")
    assert ids(search_backend, "信访积案 OR 三跨三分离") == union
    both = containing(corpus, "征地") & containing(corpus, "行政复议")
    assert both and ids(search_backend, "征地 AND 行政复议") == both


def test_plain_words_find_any_and_rank_those_with_all_first(search_backend, corpus):
    land, review = containing(corpus, "征地"), containing(corpus, "行政复议")
    page = search_backend.search(SearchRequest("征地 行政复议", limit=1000, facets=False))
    found = [h.opinion_id for h in page.hits]
    assert set(found) >= land | review and page.total == len(found)
    assert found[0] in land & review


def test_a_citation_in_the_query_box_finds_the_citing_opinions(search_backend, corpus):
    citing = {d.opinion_id for d in corpus if "信访工作条例第33条" in d.laws}
    for q in ("信访工作条例第33条", "《中华人民共和国信访工作条例》第三十三条"):
        assert citing and ids(search_backend, q) >= citing
        assert ids(search_backend, q) - citing == containing(corpus, "信访工作条例第33条") - citing
    paragraph = {d.opinion_id for d in corpus if "信访工作条例第33条第1款" in d.laws}
    assert paragraph < citing and ids(search_backend, "信访工作条例第三十三条第一款") == paragraph


def test_facet_counts_equal_the_filtered_totals(search_backend, corpus):
    page = search_backend.search(SearchRequest("补偿", limit=5))
    assert set(page.facets) == set(FACETS)
    key = {"province": "region_code", "recommendation": "recommendation"}
    for facet, counts in page.facets.items():
        assert counts, facet
        for value, count in counts.items():
            filters = Filters(**{key.get(facet, facet): int(value) if facet == "year" else value})
            assert search_backend.search(SearchRequest("补偿", filters, facets=False)).total == count, (facet, value)
    single = [f for f in FACETS if f != "recommendation"]
    assert all(sum(page.facets[f].values()) == page.total for f in single)


def test_region_codes_filter_province_city_and_county(search_backend, corpus):
    everything = {d.opinion_id: d for d in corpus}
    assert ids(search_backend, region_code="320000") == {i for i, d in everything.items() if d.region_code.startswith("32")}
    assert ids(search_backend, region_code="320100") == {i for i, d in everything.items() if d.region_code.startswith("3201")}
    assert ids(search_backend, region_code="320104") == {i for i, d in everything.items() if d.region_code == "320104"}
    assert ids(search_backend, "补偿", region_code="330000") == {
        i for i, d in everything.items() if d.region_code.startswith("33")} & containing(corpus, "补偿")


def test_law_filter_article_finds_paragraph_citations(search_backend, corpus):
    article = ids(search_backend, law="信访工作条例第33条")
    paragraph = ids(search_backend, law="信访工作条例第33条第1款")
    assert paragraph and paragraph < article
    assert article == {d.opinion_id for d in corpus if "信访工作条例第33条" in d.laws}
    assert ids(search_backend, law="信访工作条例第3条") == set()


def test_other_filters(search_backend, corpus):
    for name, value, attribute in (("category", "housing", "category"), ("tier", "provincial", "tier"),
                                   ("conclusion", "claim_reasonable", "conclusion"), ("year", 2021, "year")):
        assert ids(search_backend, **{name: value}) == {d.opinion_id for d in corpus if getattr(d, attribute) == value}
    assert ids(search_backend, recommendation="mediate") == {d.opinion_id for d in corpus if "mediate" in d.recommendations}
    assert ids(search_backend, superseded=True) == {d.opinion_id for d in corpus if d.superseded}
    assert ids(search_backend, superseded=False) == {d.opinion_id for d in corpus if not d.superseded}
    assert ids(search_backend, exclude_case_id=1003) == {d.opinion_id for d in corpus if d.case_id != 1003}


def test_date_order_and_pages(search_backend, corpus):
    newest = sorted(corpus, key=lambda d: d.issued_on, reverse=True)
    matching = [d.opinion_id for d in newest if d.opinion_id in containing(corpus, "补偿")]
    seen = []
    for offset in range(0, len(matching) + 20, 20):
        page = search_backend.search(SearchRequest("补偿", sort="date", offset=offset, limit=20, facets=False))
        assert page.total == len(matching)
        seen += [h.opinion_id for h in page.hits]
    assert seen == matching
    relevance = []
    for offset in range(0, len(matching) + 20, 20):
        relevance += [h.opinion_id for h in search_backend.search(SearchRequest("补偿", offset=offset, limit=20)).hits]
    assert sorted(relevance) == sorted(matching)


def test_relevance_puts_the_title_first(search_backend, opinion_ids):
    docs = [make_doc(opinion_ids[0], 0, "信访人反映工资问题，另提及宅基地。"),
            make_doc(opinion_ids[1], 1, "宅基地确权争议，宅基地使用权证。", texts={"title": "关于宅基地确权的意见", "findings": "宅基地"}),
            make_doc(opinion_ids[2], 2, "养老保险待遇。")]
    search_backend.index(docs)
    db.session.commit()
    hits = search_backend.search(SearchRequest("宅基地")).hits
    assert [h.opinion_id for h in hits] == [opinion_ids[1], opinion_ids[0]]
    assert hits[0].score > hits[1].score


def test_similar_leaves_out_the_case_and_prefers_its_category(search_backend, opinion_ids):
    base = "征地补偿标准偏低，区片综合地价，安置补助费。"
    docs = [make_doc(opinion_ids[0], 0, base, case_id=77, category="land_expropriation"),
            make_doc(opinion_ids[1], 1, base, case_id=78, category="housing", region_code="110101"),
            make_doc(opinion_ids[2], 2, base, case_id=79, category="land_expropriation", region_code="110101"),
            make_doc(opinion_ids[3], 3, "拖欠农民工工资。", case_id=80, category="land_expropriation")]
    search_backend.index(docs)
    db.session.commit()
    request = SimilarRequest((("征地", 1.5), ("补偿", 1.0), ("区片综合地价", 2.0)), "land_expropriation", "110000",
                             exclude_case_id=77)
    found = [h.opinion_id for h in search_backend.similar(request)]
    assert opinion_ids[0] not in found
    assert found[:2] == [opinion_ids[2], opinion_ids[1]]
    assert search_backend.similar(SimilarRequest(())) == []


def test_rebuild_gives_identical_results(search_backend, corpus):
    queries = [SearchRequest(q) for q in ("补偿", '"征地补偿"', "信访积案 OR 行政复议", "补偿 -征地")]
    queries += [SearchRequest("", Filters(region_code="320000"), sort="date"), SearchRequest("依法终结", sort="date")]
    before = [search_backend.search(r) for r in queries]
    extra = corpus[0]
    search_backend.delete([extra.opinion_id])
    db.session.commit()
    assert search_backend.rebuild(iter(corpus)) == len(corpus)
    after = [search_backend.search(r) for r in queries]
    assert [(p.total, p.hits, p.facets) for p in after] == [(p.total, p.hits, p.facets) for p in before]
    assert search_backend.rebuild(iter(corpus[5:])) == len(corpus) - 5  # opinions no longer searchable go
    assert set(search_backend.fingerprints()) == {d.opinion_id for d in corpus[5:]}


def test_fingerprints_detect_a_stale_document(search_backend, corpus):
    assert search_backend.fingerprints() == {d.opinion_id: d.fingerprint for d in corpus}
    changed = make_doc(corpus[3].opinion_id, 3, corpus[3].texts["findings"] + "补充。")
    assert changed.fingerprint != corpus[3].fingerprint
    search_backend.index([changed])
    db.session.commit()
    assert search_backend.fingerprints()[changed.opinion_id] == changed.fingerprint


MALFORMED = ('"', "(", ")", "AND", "OR", "NOT", "-", "'", "\\", ":*", "!", "&|", "'征地'", "征地'", "征地\\",
             "征地:*", "!征地", "征地 & 补偿", "征地 | 补偿", "征地 <-> 补偿", '"征地', "征地 AND", "NOT NOT",
             "- -", "((征地)", "a:b", "'' \\' ", "征\x00地", "的", "的 了", "，。", "*?", "征地 OR", "OR 补偿")


@pytest.mark.parametrize("q", MALFORMED)
def test_malformed_queries_never_raise(search_backend, corpus, q):
    page = search_backend.search(SearchRequest(q))
    assert page.total == len(page.hits) or len(page.hits) == 20
    search_backend.search(SearchRequest(q, sort="date", facets=False))


def test_stop_words_alone_find_nothing(search_backend, corpus):
    assert search_backend.search(SearchRequest("的")).total == 0
    assert ids(search_backend, '"依法终结的"') == containing(corpus, "依法终结的")


def test_deleted_documents_are_gone(search_backend, corpus):
    gone = [d.opinion_id for d in corpus[:10]]
    search_backend.delete(gone)
    db.session.commit()
    assert not set(gone) & ids(search_backend, "")
    assert search_backend.available()


def test_phrases_do_not_run_across_fields_or_punctuation(search_backend, opinion_ids):
    docs = [make_doc(opinion_ids[0], 0, "补偿标准。", texts={"title": "关于征地", "findings": "补偿标准。"}),
            make_doc(opinion_ids[1], 1, "征地，补偿。"), make_doc(opinion_ids[2], 2, "征地\n补偿。")]
    search_backend.index(docs)
    db.session.commit()
    assert ids(search_backend, '"征地补偿"') == {opinion_ids[2]}  # whitespace takes no position
    # Punctuation splits a phrase into parts, all to be found in one field.
    assert ids(search_backend, '"征地，补偿"') == set(opinion_ids[1:3])
