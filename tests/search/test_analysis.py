"""Chinese analysis and query parsing (issue 7, point 3), against an in-memory Whoosh index."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from app.search.analysis import ChineseAnalyzer, Token, chinese_text_field, is_whole_word, normalize, segmenter, tokens
from app.search.query import parse_query, subwords

from .phrase_corpus import texts

ROOT = Path(__file__).resolve().parents[2]
CORPUS = texts()


def words(text: str, with_user_dict: bool = True) -> set[str]:
    return {t.text for t in tokens(text, segmenter(with_user_dict)) if len(t.text) > 1}


@pytest.fixture(scope="module")
def index():
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=ChineseAnalyzer(), phrase=True),
                    body=chinese_text_field())  # title: the plain TEXT field, body: the fast one
    storage = RamStorage()
    ix = storage.create_index(schema)
    with ix.writer() as writer:
        for number, text in enumerate(CORPUS):
            writer.add_document(id=str(number), title=text[:8], body=text)
    return storage.open_index()  # reopened: the pickled schema (and its analyzer) loads back


def found(ix, text: str, fields=("body",)) -> set[int]:
    with ix.searcher() as searcher:
        query = parse_query(text, fields, ix.schema)
        return {int(hit["id"]) for hit in searcher.search(query, limit=None)}


def ranked(ix, text: str, fields=("body",)) -> list[int]:
    with ix.searcher() as searcher:
        return [int(hit["id"]) for hit in searcher.search(parse_query(text, fields, ix.schema), limit=None)]


def containing(phrase: str) -> set[int]:
    needle = normalize(phrase)
    return {i for i, text in enumerate(CORPUS) if needle in normalize(text)}


# ---------------------------------------------------------------- segmentation and positions


@pytest.mark.parametrize("term", ["信访积案", "三跨三分离", "法律审查意见书", "依法终结", "区片综合地价", "视同缴费年限"])
def test_the_legal_dictionary_keeps_petition_terms_whole(term):
    text = f"关于{term}的处理"
    assert term in words(text)
    assert term not in words(text, with_user_dict=False)


def test_the_legal_dictionary_holds_at_least_150_terms():
    from app.search.analysis import USER_DICT
    lines = [line for line in USER_DICT.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert len(lines) >= 150


def test_each_unit_is_indexed_as_a_gram_with_the_next_and_long_words_at_their_first_unit():
    got = [(t.text, t.pos) for t in tokens("中华人民共和国")]
    assert got == [("中华", 0), ("中华人民共和国", 0), ("华人", 1), ("人民", 2), ("民共", 3), ("共和", 4), ("共和国", 4),
                   ("和国", 5), ("国", 6)]


def test_positions_count_units_punctuation_advances_whitespace_does_not():
    got = [(t.text, t.pos) for t in tokens("补偿，安置 abc１２ 费")]
    assert got == [("补偿", 0), ("偿", 1), ("安置", 3), ("置|abc12", 4), ("abc12|费", 5), ("费", 6)]


def test_offsets_point_into_the_original_text():
    text = "编号ＡＢＣ１２３，徵地補償"
    for token in tokens(text):
        assert normalize(text[token.start:token.end]) == token.text.replace("|", "")
    assert Token("abc123", 2, 2, 8) in tokens(text)


def test_offsets_survive_normalization_that_changes_the_length():
    text = "㈱征地ﬁ补偿"  # NFKC: ㈱ → (株), ﬁ → fi
    for token in tokens(text):
        assert token.text.replace("|", "") in normalize(text[token.start:token.end])  # the source characters
    assert [(t.text, t.start, t.end) for t in tokens(text) if t.text in ("株", "fi|补", "补偿")] == [
        ("株", 0, 1), ("fi|补", 3, 5), ("补偿", 4, 6)]


def test_stop_words_are_no_word_terms_but_stay_in_grams():
    terms = {t.text for t in tokens("补偿以及安置并且依法终结")}
    assert "并且" not in {t.text for t in tokens("补偿并且安置") if len(t.text) > 2}
    assert {"偿以", "以及", "及安"} <= terms  # a phrase runs through them


# ---------------------------------------------------------------- phrases: exactly the documents that contain them


def sample_phrases(count: int, seed: int = 3) -> list[str]:
    rnd = random.Random(seed)
    runs = [run for text in CORPUS for run in re.findall(r"[\u4e00-\u9fff]{2,}", normalize(text))]
    phrases = []
    while len(phrases) < count:
        run = rnd.choice(runs)
        size = rnd.randint(2, min(7, len(run)))
        start = rnd.randint(0, len(run) - size)
        phrases.append(run[start:start + size])
    return phrases


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 200


@pytest.mark.parametrize("phrase", [*sample_phrases(120), "征地补偿安置", "补偿安置", "偿安", "依法终结的", "三跨三分离",
                                    "房屋征收与补偿条例", "共和国劳动"])
def test_a_phrase_finds_exactly_the_documents_containing_it(index, phrase):
    expected = containing(phrase)
    assert expected, phrase
    assert found(index, f'"{phrase}"') == expected
    if is_whole_word(phrase) or not subwords(phrase):
        assert found(index, phrase) == expected  # an unquoted dictionary word means the same chain
    else:  # a compound the dictionary does not know: its words find too, the chain ranks first
        hits = ranked(index, phrase)
        assert expected <= set(hits) and hits[0] in expected


def test_both_the_long_word_and_its_part_find_it(index):
    target = containing("征地补偿安置")
    assert target <= found(index, "征地补偿")
    assert target <= found(index, "补偿")
    assert target <= found(index, "安置")


def test_full_width_finds_half_width_and_back(index):
    assert {CORPUS.index("编号ＡＢＣ１２３的征地补偿安置协议。"), CORPUS.index("编号abc123的补充协议。")} \
        == found(index, "ＡＢＣ１２３") == found(index, "abc123") == found(index, "ABC123")


def test_traditional_finds_simplified_and_back(index):
    assert found(index, '"徵地補償"') == containing("征地补偿") == found(index, '"征地补偿"')
    assert CORPUS.index("徵地補償標準偏低，應依法終結。") in found(index, "征地补偿")


def test_a_stop_word_inside_a_phrase_does_not_break_it(index):
    assert found(index, '"依法终结的"') == containing("依法终结的")
    assert CORPUS.index("依法终结，的确如此。") not in found(index, '"依法终结的"')  # punctuation is a gap


def test_stop_words_are_dropped_from_term_queries(index):
    assert parse_query("的", ["body"], index.schema) is wq.NullQuery
    assert found(index, "补偿 的 安置") == found(index, "补偿 安置")
    assert found(index, "补偿 AND 的 AND 安置") == containing("补偿") & containing("安置")


def test_boolean_operators(index):
    compensation, labour = containing("补偿"), containing("劳动合同法")
    both = compensation & labour
    plain = ranked(index, "补偿 劳动合同法")  # plain words: any of them (and their words) finds, all first
    assert both and set(plain) >= compensation | labour and plain[0] in both
    assert found(index, "补偿 AND 劳动合同法") == compensation & labour
    assert found(index, "补偿 OR 劳动合同法") == compensation | labour
    assert found(index, "补偿 NOT 劳动合同法") == compensation - labour
    assert found(index, "补偿 -劳动合同法") == compensation - labour
    assert found(index, '补偿 -"依法终结"') == compensation - containing("依法终结")
    assert found(index, "-补偿") == set(range(len(CORPUS))) - compensation


def test_several_fields_are_searched(index):
    assert found(index, "\"信访人反映\"", fields=("title", "body")) == containing("信访人反映")


@pytest.mark.parametrize("query", ['"征地补偿', '征地补偿"', "补偿 AND", "OR 补偿", "NOT", "补偿 NOT", "AND OR NOT",
                                   "*", "补偿*", "(补偿", "补偿)", "((", "-", "--补偿", '"', '""', "title:补偿",
                                   "补偿 OR OR 安置", "~2", "补偿^3", "", "   ", "，。！"])
def test_malformed_queries_never_raise(index, query):
    result = found(index, query)
    if any("\u4e00" <= c <= "\u9fff" for c in query) and query not in ("--补偿", "title:补偿", "补偿^3"):
        assert result  # falls back to plain terms: still finds 补偿 (title, 3 are plain words too)


def test_indexing_order_keeps_each_terms_positions_rising():
    text = "中华人民共和国劳动合同法，共和国的人民。征地补偿安置与征地补偿。" * 3
    seen: dict[str, int] = {}
    for token in ChineseAnalyzer()(text, positions=True, mode="index"):
        assert token.pos >= seen.get(token.text, -1), token.text
        seen[token.text] = token.pos
    highlighted = [t.startchar for t in ChineseAnalyzer()(text, chars=True, mode="query")]
    assert highlighted == sorted(highlighted)


def test_the_fast_field_indexes_the_same_postings_as_the_plain_text_field():
    from whoosh.fields import TEXT

    text = "编号ＡＢＣ１２３的徵地補償安置協議，依法终结的信访事项。中华人民共和国劳动合同法。" * 4
    assert sorted(chinese_text_field().index(text)) == sorted(TEXT(analyzer=ChineseAnalyzer(), phrase=True).index(text))


@pytest.mark.parametrize("text", [*CORPUS[:40], *CORPUS[-6:], "a b  c，１２ｘ\n征地 补偿é中文_下划线 abc-12.5%", "", "，。", "  "])
def test_term_positions_group_exactly_the_analysed_terms(text):
    from collections import defaultdict

    from app.search.analysis import analyse_normalized, term_positions
    normalized = normalize(text)
    grouped = defaultdict(list)
    for _, _, term, pos in analyse_normalized(normalized):
        grouped[term].append(pos)
    positions = term_positions(normalized)
    assert dict(positions) == {term: sorted(poses) for term, poses in grouped.items()}
    assert all(poses == sorted(poses) for poses in positions.values())  # posting lists need rising positions


def test_fast_nfkc_equals_unicodedata():
    import unicodedata

    from app.search.analysis import nfkc
    from tests.search.corpus import full_text, generate_opinions
    from tests.search.phrase_corpus import texts

    samples = ["ＡＢＣ１２３，。：；（）", "e\u0301", "Ａ\u0301", "①②", "㈱", "\u3000全角空格", "ｶﾀｶﾅ", "ﬁ", "⼈", "\uf900",
               "徵地補償", "ＡＢＣ\u3000ｶ", "x\u00b2", "", "plain ascii", "가\u11a8", "\u1100\u1161"]
    samples += texts() + [full_text(r) for r in generate_opinions(20, seed=3)]
    for text in samples:
        assert nfkc(text) == unicodedata.normalize("NFKC", text), text


_MIXED = st.text(alphabet=st.sampled_from([*"征地补偿安置中华人民共和国劳动合同法的信访", *" \n\t\u3000，。、（）", *"abcXYZ0129_é-%.",
                                           *"ＡＢ１２徵①\U00020000"]), max_size=80)


@settings(max_examples=400, deadline=None)
@given(_MIXED)
def test_term_positions_equal_the_analysis_on_any_text(text):
    """The array-based grouping against the plain analysis, on raw and on normalized text (raw text
    has upper-case letters, which are units of their own)."""
    from collections import defaultdict

    from app.search.analysis import analyse_normalized, term_positions
    for sample in (text, normalize(text)):
        grouped = defaultdict(list)
        for _, _, term, pos in analyse_normalized(sample):
            grouped[term].append(pos)
        assert term_positions(sample) == {term: sorted(poses) for term, poses in grouped.items()}


def test_the_analysis_does_not_build_rjiebas_unused_default_segmenter():
    """Importing the ``rjieba`` package builds a default segmenter (~25 MB in every web worker);
    the analysis loads only its compiled module and builds its own segmenter."""
    code = ("import sys; from app.search import analysis; analysis.segmenter(); "
            "assert analysis.term_positions('征地补偿')['征地补偿'] == [0]; print('rjieba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"
