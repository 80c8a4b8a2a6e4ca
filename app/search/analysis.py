"""Chinese text analysis for search, in one pass: normalize, segment, number positions.

Normalization: NFKC (full-width letters and digits become ASCII), Latin lower case, traditional →
simplified (OpenCC ``t2s``) — the same for documents and queries.

Positions are numbered here, not taken from the segmenter. Every *unit* of the normalized text takes
the next position: a Han (or other letter) character, a run of ASCII letters and digits, or a
punctuation mark; whitespace takes none. The token stream holds

* at each unit's position, the *gram* of that unit and the next one (``征地补偿`` gives 征地@0 地补@1
  补偿@2 偿@3 — a unit with no neighbour, before punctuation or at the end, stands alone). A phrase of
  k units is then a chain of k−1 grams at consecutive positions, and a single unit is a prefix of a
  gram, so a phrase query matches exactly where the normalized text contains the phrase, whatever the
  segmenter made of the context. Grams are far rarer than single characters: a two-character query
  is one term, and a longer one intersects rare posting lists (the first design indexed single
  characters, and a query for 信访 then read the positions of 信 and 访 in every document: ~10× slower).
  Two single non-ASCII characters join directly (so a two-character word *is* its gram); a gram with
  an ASCII letter/digit run joins with ``|`` (``2026|年``), so that ``20`` never matches ``2026``;
* every search-mode word of three or more characters (the jieba dictionary plus the project's legal
  dictionary) at the position of its first character: ``中华人民共和国`` gives 共和国@4
  中华人民共和国@0 besides its grams. Words make term queries, ranking and "similar cases" precise.

A punctuation mark takes a position but is not indexed, so phrases never match across "，" or "。".
Stop words are never word terms and are dropped from term queries (see ``query``); their characters
stay in grams, so ``"依法终结的"`` still matches as a phrase.

Whoosh: ``ChineseAnalyzer()`` works in ``TEXT(analyzer=..., phrase=True)``; ``chinese_text_field()``
indexes the same postings faster (``term_positions``, no token object per term). ``tokens()`` gives
the same terms as plain tuples for a PostgreSQL backend.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
import opencc
from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import TEXT
from whoosh.formats import Positions

USER_DICT = Path(__file__).with_name("legal_dict.txt")


def _rjieba_extension():
    """rjieba's compiled module, loaded without the package's ``__init__``: that builds a default
    segmenter at import (~25 MB resident, 0.2 s) which we never use — ``segmenter()`` is ours."""
    package = importlib.util.find_spec("rjieba")  # finds, does not import
    path = next(Path(package.submodule_search_locations[0]).glob("rjieba*.so"))
    loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(path))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("rjieba.rjieba", loader))
    loader.exec_module(module)
    return module


Jieba = _rjieba_extension().Jieba

# Function words: never indexed as words, dropped from term queries, kept inside phrases.
_STOP_WORD_LIST = (
    "的 地 得 了 着 过 和 与 及 或 在 是 对 将 把 被 等 之 其 而 并 以 于 由 从 向 也 就 都 又 吗 呢 吧 啊 "
    "以及 或者 并且 而且 但是 因为 所以 如果 虽然 关于 对于 其中 这个 那个 这些 那些"
)
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())

# One match per unit: an ASCII letter/digit run, a single other letter (Han…), a punctuation mark.
_UNIT = re.compile(r"([0-9a-z]+)|([^\W_])|(\S)")
_PUNCTUATION_GROUP = 3
# The spans where units and characters differ: a letter/digit run is one unit, whitespace none.
_NOT_ONE_CHAR_ONE_UNIT = re.compile(r"[0-9a-z]+|\s+")


class Token(NamedTuple):
    """One index term: its text, unit position, and character offsets in the *original* text."""

    text: str
    pos: int
    start: int
    end: int


# ---------------------------------------------------------------- normalization


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


# Full-width ASCII forms and the ideographic space: NFKC maps each to one ASCII character.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
# The full-width marks of nearly every opinion, most frequent first (，is 75 % of them).
_PROSE_MARKS = "，（）；："


def _ascii_of(char: str) -> str:
    return " " if char == "\u3000" else chr(ord(char) - 0xFEE0)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, about six times faster on Chinese text: its
    full-width punctuation (the usual reason it is not NFKC already) is mapped first, and the full
    normalization runs only when something else remains to change (a quick check decides). The
    marks of Chinese prose (``_PROSE_MARKS``) are looked for one by one, each a C search; a regex
    lists whatever other full-width form is left (listing them all took 57 of 99 µs per opinion).
    Replacing each distinct mark (C loops) is twice as fast as a substitution calling Python for
    each of its ~170 marks per 800 characters."""
    if text.isascii():
        return text
    quick = text
    for char in _PROSE_MARKS:
        if char in quick:
            quick = quick.replace(char, _ascii_of(char))
    if _FULL_WIDTH.search(quick):
        for char in set(_FULL_WIDTH.findall(quick)):
            quick = quick.replace(char, _ascii_of(char))
    return quick if unicodedata.is_normalized("NFKC", quick) else unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """NFKC, lower case, simplified characters: what is indexed and what queries are compared with."""
    return _t2s().convert(nfkc(text).lower())


def normalize_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The normalized text and, when its length differs, the original offset of each of its characters
    ; ``None`` means one character for one. Highlighting needs original offsets."""
    normalized = normalize(text)
    if len(normalized) == len(text):  # the usual case: full-width forms, case and t2s map char to char
        return normalized, None
    pieces, offsets = [], []
    for i, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char).lower()
        pieces.append(piece)
        offsets.extend([i] * len(piece))
    joined = "".join(pieces)
    converted = _t2s().convert(joined)
    if len(converted) != len(joined):  # a phrase conversion changed the length: convert char by char
        converted = "".join(_t2s().convert(c) for c in joined)
    normalized = converted if len(converted) == len(joined) else joined
    return normalized, offsets


# ---------------------------------------------------------------- segmentation


def load_user_dict(segmenter: Jieba, path: Path = USER_DICT) -> int:
    """Add each word of a jieba-format dictionary (``word [freq] [tag]``, ``#`` comments) to the
    segmenter; rjieba has no ``load_userdict``, ``add_word`` is its way. Returns the number of words."""
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None  # None: rjieba suggests one
        tag = parts[2] if len(parts) > 2 else None
        segmenter.add_word(normalize(parts[0]), freq, tag)
        count += 1
    return count


@cache
def segmenter(with_user_dict: bool = True) -> Jieba:
    """The jieba dictionary (in rjieba, ~0.2 s to load once per process) plus the legal dictionary."""
    jieba = Jieba()
    if with_user_dict:
        load_user_dict(jieba)
    return jieba


def _is_word(word: str) -> bool:
    """A word term of its own: three or more characters from CJK on (a two-character word is the gram
    of its characters already), not a stop word."""
    return len(word) > 2 and word[0] >= "\u2e80" and word not in STOP_WORDS  # CJK from U+2E80 on


def gram(unit: str, following: str | None) -> str:
    """The term at ``unit``'s position: ``unit`` joined with the unit after it (``None``: none follows)."""
    if following is None:
        return unit
    if len(unit) == 1 and len(following) == 1 and unit >= "\x80" and following >= "\x80":
        return unit + following
    return f"{unit}|{following}"


def grams(chain: list[str]) -> list[str]:
    """The grams a chain of consecutive units is indexed as — what a phrase query looks for."""
    return [gram(a, b) for a, b in pairwise(chain)] if len(chain) > 1 else list(chain)


# ---------------------------------------------------------------- tokens


def analyse_normalized(normalized: str, jieba: Jieba | None = None,
                       in_reading_order: bool = True) -> list[tuple[int, int, str, int]]:
    """(start, end, text, pos) of every term of already normalized text, in reading order — or, when
    ``in_reading_order`` is false (indexing), grams then words: each term's own positions still rise,
    which is all a posting list needs, and the sort is saved."""
    unit_at = [0] * len(normalized)
    found = []
    for pos, match in enumerate(_UNIT.finditer(normalized)):
        start, end = match.span()
        unit_at[start] = pos
        if match.lastindex != _PUNCTUATION_GROUP:
            found.append((start, end, match.group(), pos))
    terms = []
    for i, (start, end, unit, pos) in enumerate(found):
        following = found[i + 1] if i + 1 < len(found) and found[i + 1][3] == pos + 1 else None
        if following is None:
            terms.append((start, end, unit, pos))
        else:
            terms.append((start, following[1], gram(unit, following[2]), pos))
    for word, start, end in (jieba or segmenter()).tokenize(normalized, mode="search"):
        if _is_word(word):
            terms.append((start, end, word, unit_at[start]))
    if in_reading_order:
        terms.sort()  # two sorted runs (grams, then words with each long word after its parts): near linear
    return terms


# Character classes for ``term_groups``: a Han (or other non-ASCII) letter is a unit of its own; an
# ASCII letter or digit belongs to a run that is one unit; whitespace is no unit; anything else
# (punctuation) takes a position and is not indexed; _OTHER: a letter below U+0080 outside [0-9a-z]
# (not after ``normalize``, but ``term_positions`` takes any text), a unit of its own.
_HAN, _ASCII, _SPACE, _MARK, _OTHER = range(5)
_ASCII_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_ASCII_RUN = re.compile(r"[0-9a-z]+")
_class_of: dict[int, int] = {}  # code point → class, filled as characters are met (a few thousand)
_NO_TERMS = np.zeros(0, dtype=np.int64)


def _char_class(code: int) -> int:
    found = _class_of.get(code)
    if found is None:
        char = chr(code)
        found = (_ASCII if char in _ASCII_ALNUM else (_HAN if code >= 0x80 else _OTHER) if char.isalnum()
                 else _SPACE if char.isspace() else _MARK)
        _class_of[code] = found
    return found


def term_groups(normalized: str, jieba: Jieba | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The terms of already normalized text with their positions, grouped: ``terms``, the count of
    each term's positions, and all positions term after term (rising within a term) — the same terms
    and positions as ``analyse_normalized``, computed for indexing speed: the grams of two Han
    characters (nearly all of them) by array operations on code points, the few grams with an ASCII
    run or a lone character in Python, words from the segmenter."""
    if not normalized:
        return [], _NO_TERMS, _NO_TERMS
    codes = np.frombuffer(normalized.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    distinct, inverse = np.unique(codes, return_inverse=True)
    classes = np.array([_char_class(c) for c in distinct.tolist()], dtype=np.int8)[inverse]
    is_ascii = classes == _ASCII
    starts_unit = classes != _SPACE
    starts_unit[1:] &= ~(is_ascii[1:] & is_ascii[:-1])  # an ASCII run is one unit
    unit_start = np.flatnonzero(starts_unit)  # a unit's number is its position
    unit_class = classes[unit_start]
    indexed = unit_class != _MARK
    followed = np.zeros(len(unit_start), dtype=bool)  # by an indexed unit at the next position
    followed[:-1] = indexed[1:]
    han = unit_class == _HAN
    pair = np.zeros(len(unit_start), dtype=bool)
    pair[:-1] = han[:-1] & han[1:]
    alone = han & ~followed
    unit_codes = codes[unit_start]
    gram_codes = np.concatenate(((unit_codes[:-1][pair[:-1]] << 21) | unit_codes[1:][pair[:-1]], unit_codes[alone]))
    gram_positions = np.concatenate((np.flatnonzero(pair), np.flatnonzero(alone)))
    order = np.argsort(gram_codes, kind="stable")  # stable: each gram's positions stay rising
    gram_codes, gram_positions = gram_codes[order], gram_positions[order]
    if len(gram_codes):
        first = np.flatnonzero(np.concatenate(([True], gram_codes[1:] != gram_codes[:-1])))
        counts = np.diff(np.append(first, len(gram_codes)))
        terms = [chr(c >> 21) + chr(c & 0x1FFFFF) if c >> 21 else chr(c) for c in gram_codes[first].tolist()]
    else:
        counts, terms = _NO_TERMS, []
    rest: defaultdict[str, list[int]] = defaultdict(list)
    others = np.flatnonzero(indexed & ~han | han & followed & ~pair)
    if len(others):
        starts = unit_start.tolist()

        def unit(k: int) -> str:
            start = starts[k]
            return _ASCII_RUN.match(normalized, start).group() if unit_class[k] == _ASCII else normalized[start]

        for k in others.tolist():
            rest[gram(unit(k), unit(k + 1)) if followed[k] else unit(k)].append(k)
    unit_at = (np.cumsum(starts_unit) - 1).tolist()
    stop_words = STOP_WORDS
    for word, start, end in (jieba or segmenter()).tokenize(normalized, mode="search"):
        if end - start > 2 and word[0] >= "\u2e80" and word not in stop_words:  # _is_word, inlined
            rest[word].append(unit_at[start])
    if rest:
        terms = terms + list(rest)
        counts = np.concatenate((counts, [len(p) for p in rest.values()]))
        gram_positions = np.concatenate((gram_positions, [p for poses in rest.values() for p in poses]))
    return terms, counts, gram_positions  # int64 arrays already (diff, flatnonzero): no copy


def term_positions(normalized: str, jieba: Jieba | None = None) -> dict[str, list[int]]:
    """The positions of every term of already normalized text, by term (``term_groups`` as a dict)."""
    terms, counts, positions = term_groups(normalized, jieba)
    flat, found, at = positions.tolist(), {}, 0
    for term, n in zip(terms, counts.tolist(), strict=True):
        found[term] = flat[at:at + n]
        at += n
    return found


def tokens(text: str, jieba: Jieba | None = None) -> list[Token]:
    """Every term of ``text`` with its position and original offsets (e.g. for a PostgreSQL backend's
    ``to_tsvector('simple', …)`` over pre-segmented tokens)."""
    normalized, offsets = normalize_with_offsets(text)
    terms = analyse_normalized(normalized, jieba)
    if offsets is None:
        return [Token(term, pos, start, end) for start, end, term, pos in terms]
    return [Token(term, pos, offsets[start], offsets[end - 1] + 1) for start, end, term, pos in terms]


def units(text: str) -> list[tuple[str, int]]:
    """(text, pos) of the units of a query string: what phrases are chained from."""
    normalized = normalize(text)
    return [(m.group(), pos) for pos, m in enumerate(_UNIT.finditer(normalized)) if m.lastindex != _PUNCTUATION_GROUP]


def unit_spans(text: str) -> list[tuple[str, int, int, int]]:
    """(unit, position, start, end) of every indexed unit of ``text``, with offsets into ``text`` as
    written: where highlighting puts its marks."""
    normalized, offsets = normalize_with_offsets(text)
    spans = []
    for pos, match in enumerate(_UNIT.finditer(normalized)):
        if match.lastindex == _PUNCTUATION_GROUP:
            continue
        start, end = match.start(), match.end()
        if offsets is not None:
            start, end = offsets[start], offsets[end - 1] + 1
        spans.append((match.group(), pos, start, end))
    return spans


def is_whole_word(text: str) -> bool:
    """Whether the segmenter keeps ``text`` (normalized) as one word: a term query for it then ranks
    the documents where it stands as a word above those where it only occurs as characters."""
    normalized = normalize(text)
    return _is_word(normalized) and any(
        start == 0 and end == len(normalized) for _, start, end in segmenter().tokenize(normalized, mode="search")
    )


# ---------------------------------------------------------------- Whoosh


class ChineseTokenizer(Tokenizer):
    """A Whoosh tokenizer doing the whole analysis (no filter chain: one generator is the fast path).
    It holds no state, so the schema Whoosh pickles into the index stays small and loadable."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # Whoosh's convention: the whole value as one token
            token.original = token.text = normalize(value)
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        normalized, offsets = normalize_with_offsets(value)
        for start, end, term, pos in analyse_normalized(normalized, in_reading_order=chars):
            token.text = term
            token.boost, token.stopped = 1.0, False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + pos
            if chars:
                if offsets is not None:
                    start, end = offsets[start], offsets[end - 1] + 1  # end: past the last source char
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def ChineseAnalyzer() -> ChineseTokenizer:  # named like Whoosh's analyzer factories
    """For ``TEXT(analyzer=ChineseAnalyzer(), phrase=True)``."""
    return ChineseTokenizer()


class ChinesePositions(Positions):
    """Whoosh's ``Positions`` format, with the posting lists of a Chinese field built straight from the
    analysis: the same postings as ``TEXT(analyzer=ChineseAnalyzer(), phrase=True)`` without a token
    object per term (indexing is the slow part of Whoosh, and its per-token Python cost the lever)."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, ChineseTokenizer) or not kwargs.get("tokenize", True):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        start_pos = kwargs.get("start_pos", 0)
        boost = self.field_boost
        for term, poslist in term_positions(normalize(value)).items():
            if start_pos:
                poslist = [start_pos + pos for pos in poslist]
            yield term, len(poslist), len(poslist) * boost, self.encode(poslist)


def chinese_text_field(**kwargs) -> TEXT:
    """``TEXT(analyzer=ChineseAnalyzer(), phrase=True, **kwargs)`` indexing through ``ChinesePositions``."""
    field = TEXT(analyzer=ChineseAnalyzer(), phrase=True, **kwargs)
    field.format = ChinesePositions(field_boost=field.format.field_boost)
    return field
