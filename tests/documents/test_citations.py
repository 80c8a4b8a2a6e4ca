"""Legal-basis citations: parsing (Chinese and Arabic numerals), canonical form, detection in
running text, search keys."""

from __future__ import annotations

import pytest

from app.documents.citations import (
    Citation,
    CitationError,
    chinese_to_int,
    find_citations,
    format_citation,
    int_to_chinese,
    law_key,
    law_keys,
    normalize_law_name,
    parse_citation,
    suggest_legal_basis,
    validate_legal_basis,
)


@pytest.mark.parametrize(
    ("text", "law", "article", "paragraph", "item"),
    [
        ("《中华人民共和国土地管理法》第四十八条", "中华人民共和国土地管理法", 48, None, None),
        ("《信访工作条例》第33条", "信访工作条例", 33, None, None),
        ("《信访工作条例》第３３条", "信访工作条例", 33, None, None),
        ("第三十三条第二款", None, 33, 2, None),
        ("信访工作条例第三十三条", "信访工作条例", 33, None, None),
        ("《中华人民共和国行政复议法》第三十条第一款第（二）项", "中华人民共和国行政复议法", 30, 1, 2),
        ("《中华人民共和国行政诉讼法》第12条第1款第8项", "中华人民共和国行政诉讼法", 12, 1, 8),
        ("《民法典》第一千一百六十五条", "民法典", 1165, None, None),
        ("《刑法》第一百零五条。", "刑法", 105, None, None),
        (" 《信访工作条例》 第 二十二 条 ", "信访工作条例", 22, None, None),
    ],
)
def test_parse(text, law, article, paragraph, item):
    assert parse_citation(text) == Citation(law, article, paragraph, item)


def test_article_suffix():
    citation = parse_citation("《中华人民共和国刑法》第一百二十条之一")
    assert (citation.article, citation.article_suffix) == (120, 1)
    assert format_citation(citation) == "《中华人民共和国刑法》第一百二十条之一"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("《信访工作条例》第33条", "《信访工作条例》第三十三条"),
        ("信访工作条例第三十三条", "《信访工作条例》第三十三条"),
        ("第33条第2款", "第三十三条第二款"),
        ("《行政复议法》第30条第1款第2项", "《行政复议法》第三十条第一款第（二）项"),
        ("《民法典》第1010条", "《民法典》第一千零一十条"),
    ],
)
def test_format_canonical(text, canonical):
    assert format_citation(parse_citation(text)) == canonical
    assert format_citation(parse_citation(canonical)) == canonical


@pytest.mark.parametrize("value", [1, 9, 10, 11, 19, 20, 48, 99, 100, 101, 105, 110, 111, 120, 999, 1000, 1001, 1010, 1165, 1260, 9999])
def test_numerals_round_trip(value):
    assert chinese_to_int(int_to_chinese(value)) == value


@pytest.mark.parametrize(
    ("text", "value"), [("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("一百一十", 110), ("两百", 200), ("33", 33)]
)
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("信访工作条例", "缺少条文序号"),
        ("《信访工作条例》", "缺少条文序号"),
        ("《信访工作条例》第零条", "序号从一开始"),
        ("《信访工作条例》第一二三条", "无法识别的数字"),
        ("第条", ""),
        ("", ""),
    ],
)
def test_unparseable_citations_say_why_in_chinese(text, reason):
    with pytest.raises(CitationError) as error:
        parse_citation(text)
    message = str(error.value)
    assert "无法识别的法律依据" in message and "《信访工作条例》第三十三条" in message
    assert reason in message


def test_legal_basis_needs_a_law():
    with pytest.raises(CitationError, match=r"第2条法律依据.*缺少法律名称"):
        validate_legal_basis(["《信访工作条例》第三十三条", "第三十三条第二款"])
    assert [c.article for c in validate_legal_basis(["《信访工作条例》第33条", "土地管理法第四十八条"])] == [33, 48]


def test_law_key_ignores_numerals_and_spelling():
    keys = {
        law_key("信访工作条例第三十三条"),
        law_key("信访工作条例第33条"),
        law_key("《信访工作条例》第三十三条"),
        law_key(" 《信访工作条例》第 33 条。"),
    }
    assert keys == {"信访工作条例第33条"}
    assert law_key("《中华人民共和国土地管理法》第四十八条") == law_key("土地管理法第48条") == "土地管理法第48条"
    assert law_key("《中华人民共和国土地管理法（2019修正）》第四十八条") == "土地管理法第48条"
    assert law_key("《信访工作条例》") == "信访工作条例"
    assert law_key("《信访工作条例》第三十三条第二款") == "信访工作条例第33条第2款"
    assert law_keys("《信访工作条例》第三十三条第二款") == ["信访工作条例", "信访工作条例第33条", "信访工作条例第33条第2款"]
    assert normalize_law_name("《中华人民共和国土地管理法实施条例》") == "土地管理法实施条例"
    with pytest.raises(CitationError):
        law_key("第三十三条")


def test_find_citations_in_running_text():
    text = (
        "依照《信访工作条例》第二十二条、第二十三条和第35条的规定，……有权处理机关应当依照该条例第三十三条处理。"
        "《中华人民共和国土地管理法》第四十八条第一款规定……根据第十条规定。《征收土地预公告》载明……"
    )
    found = [(m.citation.law, m.citation.article, m.citation.paragraph) for m in find_citations(text)]
    assert found == [
        ("信访工作条例", 22, None),
        ("信访工作条例", 23, None),  # listed after a citation: same law
        ("信访工作条例", 35, None),
        ("信访工作条例", 33, None),  # 该条例
        ("中华人民共和国土地管理法", 48, 1),
        (None, 10, None),  # no law in sight
    ]
    first = find_citations(text)[0]
    assert text[first.start : first.end] == first.text == "《信访工作条例》第二十二条"


def test_suggestions_skip_what_is_listed():
    analysis = "依照《信访工作条例》第三十五条……应当依照《信访工作条例》第33条重新处理，并参照该条例第三十五条。"
    assert suggest_legal_basis(analysis, ["《信访工作条例》第三十五条"]) == ["《信访工作条例》第三十三条"]
