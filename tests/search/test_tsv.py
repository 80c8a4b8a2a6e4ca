"""The PostgreSQL search data and query pieces are built from our own analysis, the same units,
words and positions as the Whoosh backend's, and nothing a user types can act as syntax."""

from __future__ import annotations

import re

import pytest

from app.search.analysis import normalize, term_positions
from app.search.backends.tsv import FIELD, PUNCT, RUN, bigram, entry, field_terms, match, quote, unit_code
from tests.search.phrase_corpus import texts

_TOKEN = re.compile(r"'(?:[^']|'')*'|[&|!()]|<\d+>|\s+")


def only_quoted(tsquery: str) -> bool:
    """Every piece of a tsquery literal is a quoted lexeme or an operator."""
    return _TOKEN.sub("", tsquery) == ""


def test_quote_escapes_quotes_and_backslashes():
    assert quote("征地") == "'征地'"
    assert quote("a'b") == "'a''b'"
    assert quote("a\\b") == "'a\\\\b'"


def test_bigrams_of_letters_and_digits_keep_their_boundaries():
    assert bigram("征", "地") == "征地"
    assert bigram("第", "33") == "第|33"
    assert bigram("ab", "c") != bigram("a", "bc")


@pytest.mark.parametrize("text", [*texts()[:40], "第33条 规定", "ab c，abc\n征地 补偿", "ＡＢＣ１２３的協議"])
def test_field_terms_agree_with_the_analysis(text):
    normalized = normalize(text)
    terms = field_terms(normalized)
    expected = term_positions(normalized)               # grams at each unit, words of 3+ characters
    words = {t: p for t, p in expected.items() if len(t) > 2 and t[0] >= "\u2e80" and "|" not in t and not t.isascii()
             and t not in {g for g in expected if len(g) == 2}}
    grams = {t for t in expected if t not in words}
    assert {w: p for w, p in terms.words.items() if len(w) > 2} == words   # the same words at the same positions
    assert set(words) <= terms.lexemes
    assert {g for g in grams if len(g) > 1 or not g.isascii()} <= terms.lexemes | {g for g in grams if len(g) == 1}


def test_units_mark_runs_and_punctuation():
    assert field_terms("第33条，ab c").units == f"第{RUN}33{RUN}条{PUNCT}{RUN}ab{RUN}{RUN}c{RUN}"
    assert unit_code("ab") == f"{RUN}ab{RUN}" and unit_code("征") == "征"


def test_entry_separates_fields_and_weights_the_title():
    data = entry({"title": "征地", "findings": "补偿"})
    assert "'征地':1A" in data.rank_tsv and "'补偿'" in data.rank_tsv
    assert data.units == f"征地{FIELD}补偿"


@pytest.mark.parametrize("q", ['"', "(", ")", "AND", "NOT", "-", "'", "\\", ":*", "!", "&|", "征地'", "征地\\",
                               "'征地' & '补偿'", "a:*", "!征地", "<->", "征地 <2> 补偿", "%", "_", "征_地%", "\x00"])
def test_hostile_queries_become_quoted_lexemes(q):
    found = match(q)
    if found is None:
        return
    for tsquery in (found.tsquery, found.rank):
        assert tsquery is None or only_quoted(tsquery), tsquery
    assert found.check is None or re.fullmatch(r"[()a-zA-Z0-9_ :~]+", found.check.replace("units LIKE", "")), found.check
    for name, pattern in found.params.items():
        if f"units ~ :{name}" in found.check:
            assert pattern.startswith("(^|") and re.fullmatch(r"[\w\x1d\x1f()^|?=*\[\]]+", pattern), pattern
            continue
        assert pattern.startswith("%") and pattern.endswith("%")
        assert "%" not in pattern[1:-1].replace("\\%", "") and "_" not in pattern.replace("\\_", "")


def test_short_words_need_no_check_and_phrases_do():
    assert match("征地 补偿").check is None
    assert match("征地 补偿").tsquery == "('征地' | '补偿')"   # plain words: any of them …
    assert match("征地 补偿").every == "'征地' & '补偿'"       # … those with all of them first
    assert match("征地 AND 补偿").tsquery == "'征地' & '补偿'" and match("征地 AND 补偿").every is None
    long = match('"区片综合地价"')
    assert long.tsquery == "'区片综合地价'" and long.check is None  # a dictionary word: one exact lexeme
    other = match('"逾期未反馈视为同意"')
    assert other.check == "units LIKE :u0" and other.params == {"u0": "%逾期未反馈视为同意%"}
    assert match("补偿 -征地").tsquery == "'补偿' & !'征地'"
    assert match("的") is None


def test_a_citation_typed_in_the_box_finds_the_citing_opinions():
    found = match("《中华人民共和国行政复议法》第二十三条")
    assert "'§行政复议法第23条'" in found.tsquery and found.laws == ("行政复议法第23条",)
    assert "'§行政复议法第23条'" in found.rank and only_quoted(found.tsquery)
    assert match("信访工作条例第33条").laws == match("《信访工作条例》第三十三条").laws == ("信访工作条例第33条",)
    assert match('"信访工作条例第33条"').laws == ()  # a quoted phrase stays the exact text


def test_parts_of_a_phrase_split_by_punctuation_must_share_a_field():
    found = match('"征地，补偿"')
    assert found.tsquery == "('征地' & '补偿')"
    assert found.check == "units ~ :u2"
    assert found.params == {"u2": f"(^|{FIELD})(?=[^{FIELD}]*征地)(?=[^{FIELD}]*补偿)"}


def test_every_dictionary_word_in_the_text_is_a_lexeme():
    from app.search.analysis import segmenter

    jieba = segmenter()
    for text in [*texts()[:60], "息诉\n罢访，复核意见", "区片综合地价标准"]:
        normalized = normalize(text)
        lexemes = field_terms(normalized).lexemes
        joined = re.sub(r"\s+", "", normalized)
        for i in range(len(joined)):
            for n in range(3, 11):
                sub = joined[i:i + n]
                if len(sub) == n and sub.isalnum() and min(sub) >= "\u2e80" and jieba.has_word(sub):
                    assert sub in lexemes, sub
