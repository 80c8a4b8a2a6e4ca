import re
from datetime import date

from app.cases.idcard import check_char, is_valid_id_number, is_valid_phone
from app.documents.citations import law_keys, parse_citation
from expert_pool.codes import CATEGORIES, CONCLUSIONS, CROSS_FLAGS, RECOMMENDATIONS
from tests.search.corpus import TEXT_SECTIONS, full_text, generate_opinion, generate_opinions, id_number
from tests.search.topics import TOPICS

NUMBER = re.compile(r"^〔20\d\d〕(?:国|[苏浙粤川鲁鄂]|南京|苏州|杭州|宁波|广州|深圳|成都|济南|武汉)信专审[1-9]\d*号$")


def test_same_seed_and_index_give_the_same_opinion_whatever_the_count():
    first = list(generate_opinions(5, seed=3))
    assert list(generate_opinions(5, seed=3)) == first
    assert generate_opinion(4, seed=3) == first[4]
    assert list(generate_opinions(2, seed=3, start=3)) == first[3:]
    assert generate_opinion(4, seed=4) != first[4]


def test_records_are_shaped_like_issued_opinion_content():
    for record in generate_opinions(200, seed=1):
        assert record["title"].startswith("关于") and record["title"].endswith("信访事项的法律审查意见书")
        assert NUMBER.match(record["number"]), record["number"]
        assert all(record[s] for s in TEXT_SECTIONS)
        assert record["category"] in CATEGORIES and record["conclusion"] in CONCLUSIONS
        assert record["conclusion_label"] == CONCLUSIONS[record["conclusion"]]
        assert record["recommendations"] and set(record["recommendations"]) <= set(RECOMMENDATIONS)
        assert set(record["cross_flags"]) <= set(CROSS_FLAGS)
        assert re.fullmatch(r"\d{6}", record["region_code"]) and record["tier"] in ("national", "provincial", "municipal")
        for citation in record["legal_basis"]:
            parse_citation(citation)          # the project's own parser reads every citation
            assert law_keys(citation)


def test_petitioners_private_data_appears_in_the_text():
    record = generate_opinion(0, seed=5)
    text = full_text(record)
    for person in record["petitioners"]:
        assert person["name"] in text and person["id_number"] in text and person["phone"] in text
        assert person["address"] in text
        assert re.fullmatch(r"1[3589]\d{9}", person["phone"])


def test_identity_numbers_and_phones_pass_the_projects_validators():
    people = [p for r in generate_opinions(200, seed=6) for p in r["petitioners"]]
    assert all(is_valid_id_number(p["id_number"]) for p in people)
    assert all(is_valid_phone(p["phone"]) for p in people)
    assert id_number("320121", date(1961, 8, 14), 1)[-1] == check_char(id_number("320121", date(1961, 8, 14), 1)[:17])


def test_length_is_controllable_and_every_topic_appears():
    lengths = [len(full_text(r)) for r in generate_opinions(100, seed=2)]
    assert 2800 <= sum(lengths) / len(lengths) <= 3600
    short = [len(full_text(r)) for r in generate_opinions(50, seed=2, length=500)]
    assert max(short) < 1800
    assert {r["topic"] for r in generate_opinions(300, seed=2)} == {t.key for t in TOPICS}


def test_records_render_through_the_documents_own_path():
    from app.documents.structure import document_text
    from app.opinions.content import document_from_content

    record = generate_opinion(3, seed=8)
    text = document_text(document_from_content(record))
    assert record["number"] in text and record["petitioners"][0]["id_number"] in text
