"""Snippets: an opinion's sections are normalized together in one pass (``normalized_sections``),
which must give each section exactly what normalizing it alone gives — also where normalization
changes a section's length (ligatures, composed accents) or a traditional phrase converts — and the
marks must fall on the characters as written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.analysis import normalize_with_offsets
from app.search.highlight import normalized_sections, snippet

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
