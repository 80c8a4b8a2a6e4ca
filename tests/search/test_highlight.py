"""Snippets: an opinion's sections are normalized together in one pass (``normalized_sections``),
which must give each section exactly what normalizing it alone gives — also where normalization
changes a section's length (ligatures, composed accents) or a traditional phrase converts — and the
marks must fall on the characters as written. Hits are counted per section and listed only for the
best one, and the window looks only at hits that can fit: both must cut the same snippet as listing
every hit of every section and trying every pair."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.analysis import normalize_with_offsets, unit_spans
from app.search.highlight import (
    SNIPPET_CHARS,
    Snippet,
    _merged,
    _window,
    find_hits,
    normalized_sections,
    render,
    snippet,
)

NAMES = ("findings", "analysis", "facts", "summary")
# Han text with traditional characters and phrases (瞭解 → 了解), full-width forms, ligatures and
# circled numbers (NFKC lengthens them), combining accents (NFKC composes e + ´), capital sigma (its
# lower case depends on what follows), line breaks and the separator itself.
_TRICKY = st.text(alphabet=st.sampled_from([*"征地补偿安置信访瞭解乾淨徵地補償", *"，（）；：。\u3000\n ", *"ＡＢ１ﬁ①㈱",
                                             *"e\u0301ΣΑ", *"abcXYZ09", "\x1f"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TRICKY, min_size=len(NAMES), max_size=len(NAMES)))
def test_sections_normalized_together_equal_each_normalized_alone(texts):
    sections = dict(zip(NAMES, texts, strict=True))
    together = normalized_sections(sections, NAMES)
    assert together == {name: normalize_with_offsets(text) for name, text in sections.items()}


def test_a_section_that_changes_length_is_marked_where_written():
    sections = {"findings": "ﬁ 经查，瞭解情况后依法终结。", "analysis": "徵地補償標準偏低，補償應予補足。", "facts": "", "summary": "无"}
    cut = snippet(sections, ["了解", "补偿"], NAMES)
    assert cut.section == "analysis"   # two hits of 补偿 beat one of 了解
    assert cut.html.count("<mark>補償</mark>") == 2
    found = snippet(sections, ["了解"], NAMES)
    assert found.section == "findings" and "<mark>瞭解</mark>" in found.html


def test_the_section_with_more_of_the_phrases_wins_over_more_hits_of_one():
    sections = {"findings": "补偿，补偿，补偿。", "analysis": "征地补偿。", "facts": "", "summary": ""}
    assert snippet(sections, ["补偿", "征地"], NAMES).section == "analysis"
    assert snippet(sections, ["补偿"], NAMES).section == "findings"


def _window_of_every_pair(text: str, hits: list[tuple[int, int, int]], width: int) -> tuple[int, int]:
    """``_window`` as first written: every later hit looked at for each hit."""
    best, best_score = 0, (-1, -1)
    for i, (start, _, _) in enumerate(hits):
        inside = [h for h in hits[i:] if h[1] <= start + width]
        score = (len({h[2] for h in inside}), len(inside))
        if score > best_score:
            best, best_score = start, score
    begin = max(0, best - 24)
    line_start = text.rfind("\n", 0, best) + 1
    begin = max(begin, line_start) if best - line_start < 48 else begin
    return begin, min(len(text), begin + width)


def _snippet_listing_every_hit(sections: dict[str, str], phrases: list[str], order: tuple[str, ...]) -> Snippet:
    best = None
    for rank, name in enumerate(order):
        text = sections.get(name) or ""
        hits = find_hits(text, phrases) if text else []
        if hits:
            key = (len({h[2] for h in hits}), len(hits), -rank)
            if best is None or key > best[0]:
                best = (key, name, hits)
    if best is None:
        return snippet(sections, [], order)
    _, name, hits = best
    begin, end = _window_of_every_pair(sections[name], hits, SNIPPET_CHARS)
    return Snippet(render(sections[name], begin, end, _merged(hits)), name, len(hits))


# Sections dense with the query's words, their traditional and full-width forms and line breaks.
_DENSE = st.lists(st.sampled_from([*"信访终结补偿征地依法", *"補償徵", *"，。\n ", "ab", "ＡＢ", "abc"]), max_size=300).map("".join)
_PHRASES = st.lists(st.sampled_from(["信访", "终结", "补偿", "征地补偿", "依法终结", "ab", "信访终结"]), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(_DENSE, min_size=len(NAMES), max_size=len(NAMES)), _PHRASES)
def test_the_snippet_is_the_one_listing_every_hit_of_every_section_gives(texts, phrases):
    sections = dict(zip(NAMES, texts, strict=True))
    assert snippet(sections, phrases, NAMES) == _snippet_listing_every_hit(sections, phrases, NAMES)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 600), st.integers(1, 40), st.integers(0, 3)), max_size=80),
       st.integers(10, 150))
def test_the_window_is_the_one_trying_every_pair_gives(spans, width):
    hits = sorted((start, start + length, index) for start, length, index in spans)
    text = "".join("\n" if i % 97 == 0 else "字" for i in range(700))
    assert _window(text, hits, width) == _window_of_every_pair(text, hits, width)


def _hits_walking_the_units(text: str, phrases: list[str]) -> list[tuple[int, int, int]]:
    """Every occurrence of each phrase's units at consecutive positions of the text's units."""
    units = unit_spans(text)
    hits = []
    for index, phrase in enumerate(phrases):
        chain = [unit for unit, _, _, _ in unit_spans(phrase)]
        for i in range(len(units) - len(chain) + 1) if chain else ():
            window = units[i:i + len(chain)]
            if [u for u, _, _, _ in window] == chain and window[-1][1] - window[0][1] == len(chain) - 1:
                hits.append((window[0][2], window[-1][3], index))
    return sorted(hits)


# Chains that overlap themselves (信访信, 补补, a b a) and ones that cannot, in text dense with both.
_OVERLAPPING = st.lists(st.sampled_from([*"信访补", *"，。\n ", " a", " b", "補"]), max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(_OVERLAPPING, st.lists(st.sampled_from(["信访信", "补补", "a b a", "信访", "访补", "a b", "补"]), min_size=1, max_size=3))
def test_every_occurrence_is_a_hit_overlapping_ones_too(text, phrases):
    assert find_hits(text, phrases) == _hits_walking_the_units(text, phrases)
