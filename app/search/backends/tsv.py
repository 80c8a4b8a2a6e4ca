"""PostgreSQL search data written from the project's own analysis, so that PostgreSQL never segments
anything (its parsers know no Chinese) and user input never reaches its query parser: every lexeme
is quoted here, every LIKE pattern built from letters and digits only.

Per opinion, three values (``entry``):

* ``tsv`` — which terms occur, without positions: every unit (character, letter/digit run), every
  *bigram* of adjacent units (``征地补偿`` → 征地 地补 补偿; the same lexeme as the word 征地), every
  search-mode word of three or more characters and every *dictionary* word of three or more
  Chinese characters occurring anywhere in the text (jieba's full mode). GIN answers exactly,
  without reading any document, a query of units, bigrams and dictionary words: ``征地``,
  ``区片综合地价``, ``息诉罢访`` are single lexemes;
* ``units`` — the units in order, punctuation and field boundaries as separators, whitespace left
  out (it takes no position): any other chain of three or more units is checked with ``LIKE`` on it (parts
  of a phrase split by punctuation, with a regex: all in one field), among the documents
  GIN found holding all its bigrams. A phrase thus matches exactly where the normalized text has
  the chain of units, as in the Whoosh backend; the check reads ~10 KB per candidate instead of
  a positional tsvector four times that size;
* ``rank_tsv`` — the words with positions and field weights (A title and number, B findings and
  basis, C analysis, facts and outcome, D summary), for ``ts_rank_cd``: a small vector, so ranking
  reads little.

Fields never run into each other (a separator between them); positions above 16,383 (PostgreSQL's
limit, ~14,000 characters) are left out of ``rank_tsv`` only.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from itertools import pairwise

from app.documents.citations import find_citations, law_keys
from app.search.analysis import STOP_WORDS, gram, is_whole_word, normalize, segmenter
from app.search.document import TEXT_FIELDS
from app.search.query import citation_key, positive_phrases, read, unit_chains

MAX_POSITION = 16383
FIELD_WEIGHTS = {"title": "A", "number_text": "A", "findings": "B", "basis": "B", "analysis": "C",
                 "facts": "C", "outcome": "C", "summary": "D"}
RANK_WEIGHTS = (0.2, 0.4, 0.6, 1.0)              # ts_rank_cd's {D, C, B, A}

_TOKEN = re.compile(r"[0-9a-z]+|\S")               # a unit or a punctuation mark, in order
_NOT_ONE_CHAR_ONE_UNIT = re.compile(r"[0-9a-z]+|\s+")
_PUNCTUATION = re.compile(r"[\W_]")
_SPACE = re.compile(r"\s+")
_CJK = "\u2e80"
PUNCT = "\x1e"                                     # a punctuation mark in ``units``
FIELD = "\x1d"                                     # between two fields in ``units``
RUN = "\x1f"                                       # around a letter/digit run in ``units``: ``ab`` ≠ ``abc``
LAW = "§"                                          # before a cited provision's key in ``tsv`` (§信访工作条例第33条)


def law_lexemes(keys: Iterable[str]) -> str:
    """The cited provisions (``law_keys``) as ``tsv`` lexemes: a citation typed in the query box is then
    one more lexeme GIN answers."""
    return " ".join(quote(LAW + key) for key in keys)


def listed_law_lexemes(basis: str) -> str:
    """The provisions listed in the legal basis, as ``rank_tsv`` lexemes of weight A: an opinion
    resting on the provision typed ranks above one that only mentions it."""
    keys = sorted({key for found in find_citations(basis or "") if found.citation.law for key in law_keys(found.citation)})
    return " ".join(f"{quote(LAW + key)}:1A" for key in keys)


def quote(lexeme: str) -> str:
    """A lexeme as a quoted tsvector/tsquery token: nothing inside can act as syntax."""
    if "'" not in lexeme and "\\" not in lexeme:
        return f"'{lexeme}'"
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def bigram(a: str, b: str) -> str:
    """Two adjacent units as one lexeme: ``analysis.gram`` (征地, the same lexeme as the word 征地;
    units of letters and digits joined with ``|`` so that ``ab c`` and ``a bc`` stay apart)."""
    return gram(a, b)


def unit_code(unit: str) -> str:
    """A unit as written in ``units``: a letter/digit run between markers, anything else as is."""
    return f"{RUN}{unit}{RUN}" if unit.isascii() else unit


@dataclass
class FieldTerms:
    lexemes: set[str] = field(default_factory=set)          # units, bigrams, words of 3+ characters
    words: dict[str, list[int]] = field(default_factory=dict)  # words of 2+ characters → positions from 0
    units: str = ""


def field_terms(normalized: str, jieba=None) -> FieldTerms:
    """What one field's normalized text contributes, in one pass built for indexing speed."""
    found = FieldTerms()
    jieba_ = jieba or segmenter()
    if not _NOT_ONE_CHAR_ONE_UNIT.search(normalized):  # the usual Chinese paragraph: a character is a unit
        found.lexemes.update(normalized)
        found.lexemes.update(g for g in map(str.__add__, normalized, normalized[1:]) if g.isalnum())
        found.units = _PUNCTUATION.sub(PUNCT, normalized)
        ends: list[int] = []
        lost: list[int] = []
    else:
        tokens = _TOKEN.findall(normalized)
        found.lexemes.update(tokens)
        previous = tokens[0]
        codes = []
        for unit in tokens:
            if unit.isalnum():
                codes.append(unit_code(unit) if unit[0] < "\x80" else unit)
            else:
                codes.append(PUNCT)
        found.units = "".join(codes)
        for unit in tokens[1:]:
            if previous.isalnum() and unit.isalnum():
                found.lexemes.add(bigram(previous, unit))
            previous = unit
        ends, lost, total = [], [], 0
        for match in _NOT_ONE_CHAR_ONE_UNIT.finditer(normalized):  # where positions fall behind offsets
            start, end = match.span()
            total += end - start if normalized[start].isspace() else end - start - 1
            ends.append(end)
            lost.append(total)
    found.lexemes = {x for x in found.lexemes if x.isalnum() or "|" in x}
    # Every dictionary word of 3+ Chinese characters occurring in the text, wherever the segmenter
    # cut (jieba's full mode): a query for such a word is then one exact lexeme, no check needed.
    for word in jieba_.cut_all(_SPACE.sub("", normalized) if ends else normalized):
        if len(word) > 2 and word.isalnum() and min(word) >= _CJK:
            found.lexemes.add(word)
    for word, start, end in jieba_.tokenize(normalized, mode="search"):
        if end - start > 1 and word[0] >= _CJK and word not in STOP_WORDS:
            if end - start > 2:
                found.lexemes.add(word)
            if ends:
                k = bisect_right(ends, start)
                start -= lost[k - 1] if k else 0
            found.words.setdefault(word, []).append(start)
    return found


@dataclass(frozen=True)
class Entry:
    tsv: str
    rank_tsv: str
    units: str


def entry(texts: dict[str, str]) -> Entry:
    """The search data of an opinion's fields (by ``TEXT_FIELDS`` key): literals to cast to tsvector."""
    lexemes: set[str] = set()
    words: dict[str, list[str]] = {}
    units: list[str] = []
    offset = 1                                          # tsvector positions start at 1
    jieba = segmenter()
    for name in TEXT_FIELDS:
        normalized = normalize(texts.get(name) or "")
        if not normalized.strip():
            continue
        weight = FIELD_WEIGHTS.get(name, "D")
        terms = field_terms(normalized, jieba)
        lexemes |= terms.lexemes
        units.append(terms.units)
        last = MAX_POSITION - offset
        for word, positions in terms.words.items():
            marks = [f"{offset + p}{weight}" for p in positions if p <= last]
            if marks:
                if word in words:
                    words[word].extend(marks)
                else:
                    words[word] = marks
        offset += len(normalized) + 1                   # a gap: no phrase runs from one field into the next
    return Entry(" ".join(quote(x) for x in lexemes),
                 " ".join(f"{quote(w)}:{','.join(marks)}" for w, marks in words.items()),
                 FIELD.join(units))


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class _Clause:
    necessary: str              # tsquery every match satisfies (GIN finds the candidates with it)
    exact: str | None           # the same tsquery when it is also sufficient (all chains of 1–2 units)
    check: str                  # SQL over ``units`` deciding exactly


@dataclass
class Match:
    """How to find the documents matching a user's query: ``tsquery`` (GIN) and, for chains of three
    or more units, ``check`` (LIKE on ``units``, patterns in ``params``); ``rank`` for ts_rank_cd.
    Plain words (OR-ed): ``every`` and ``every_check`` find the documents holding all of them, which
    rank first; ``laws``: the provisions cited in the query (documents citing them rank higher)."""

    tsquery: str | None
    check: str | None
    params: dict[str, str]
    rank: str | None
    every: str | None = None
    every_check: str | None = None
    laws: tuple[str, ...] = ()


class _Builder:
    def __init__(self):
        self.params: dict[str, str] = {}
        self.laws: list[str] = []
        self.typed: list[_Clause] = []   # each plain word as typed: its exact chain or the provision

    def like(self, chain: list[str]) -> str:
        name = f"u{len(self.params)}"
        code = "".join(unit_code(u) for u in chain)
        self.params[name] = "%" + code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return f"units LIKE :{name}"

    def cited(self, key: str) -> _Clause:
        name = f"u{len(self.params)}"
        self.params[name] = key
        self.laws.append(key)
        lexeme = quote(LAW + key)
        return _Clause(lexeme, lexeme, f"laws @> ARRAY[CAST(:{name} AS text)]")

    def chain(self, chain: list[str]) -> _Clause:
        grams = [bigram(a, b) for a, b in pairwise(chain)] or [chain[0]]
        necessary = " & ".join(quote(g) for g in grams)
        word = "".join(chain)
        if len(chain) > 2 and len(word) == len(chain) and min(word) >= _CJK and segmenter().has_word(word):
            return _Clause(quote(word), quote(word), self.like(chain))  # indexed wherever it occurs
        if len(grams) > 1:
            return _Clause(f"({necessary})", None, self.like(chain))
        return _Clause(necessary, necessary, self.like(chain))

    def item(self, item) -> _Clause | None:
        """A word or phrase; a plain word also as its search-mode words, a citation also as the
        provision (``query._Item``)."""
        found = self.text(item)
        typed = found
        if item.alternatives:
            # Its words are parts of it: whatever holds the chain holds them, so they alone decide the
            # match (no LIKE over every candidate); the chain ranks first (``Match.every``).
            parts = [c for word in item.alternatives if (c := self.text(dataclasses.replace(item, text=word)))]
            found = reduce(self.either, parts) if parts else found
        if item.law:
            cited = self.cited(item.law)
            found = cited if found is None else self.either(cited, found)
            typed = found
        if typed is not None:
            self.typed.append(typed)
        return found

    def text(self, item) -> _Clause | None:
        if not item.phrase and normalize(item.text).strip() in STOP_WORDS:
            return None
        parts = [self.chain(c) for c in unit_chains(item.text)]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        # Parts split by punctuation: all of them in one field (as the Whoosh backend reads them).
        return _Clause("(" + " & ".join(p.necessary for p in parts) + ")", None, self.same_field(unit_chains(item.text)))

    def same_field(self, chains: list[list[str]]) -> str:
        name = f"u{len(self.params)}"
        ahead = "".join(f"(?=[^{FIELD}]*{_regex_escape(''.join(unit_code(u) for u in c))})" for c in chains)
        self.params[name] = f"(^|{FIELD}){ahead}"
        return f"units ~ :{name}"

    @staticmethod
    def either(a: _Clause, b: _Clause) -> _Clause:
        exact = f"({a.exact} | {b.exact})" if a.exact is not None and b.exact is not None else None
        return _Clause(f"({a.necessary} | {b.necessary})", exact, f"({a.check} OR {b.check})")


def _regex_escape(code: str) -> str:
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", code)


def match(text: str) -> Match | None:
    """The user's ``text`` (words, "phrases", AND/OR/NOT, -word, as ``query.read`` reads them) as
    SQL pieces; ``None`` when nothing searchable is left. Never raises, whatever ``text`` holds."""
    builder = _Builder()
    found = read(text, builder.item, builder.either)
    if found.empty:
        return None
    positives, every = found.positives, None
    if found.plain and builder.typed and (len(positives) > 1 or builder.typed[0] is not positives[0]):
        every = _conjunction(builder.typed)  # any word finds; those with all of them as typed rank first
        positives = [reduce(builder.either, positives)]
    conjunction = _conjunction(positives)
    tsquery = [conjunction[0]] if conjunction[0] else []
    tsquery += [f"!{n.exact}" for n in found.negatives if n.exact is not None]
    checks = [conjunction[1]] if conjunction[1] else []
    checks += [f"NOT {n.check}" for n in found.negatives if n.exact is None]
    used = " ".join(checks + ([every[1]] if every and every[1] else []))
    params = {k: v for k, v in builder.params.items() if re.search(rf":{k}\b", used)}
    return Match(" & ".join(tsquery) or None, " AND ".join(checks) or None, params, rank_query(text),
                 every[0] if every else None, every[1] if every else None, tuple(builder.laws))


def _conjunction(clauses: list[_Clause]) -> tuple[str | None, str | None]:
    """(tsquery, check) of documents matching every clause."""
    tsquery = " & ".join(c.necessary for c in clauses) or None
    checks = " AND ".join(c.check for c in clauses if c.exact is None) or None
    return tsquery, checks


def rank_query(text: str) -> str | None:
    """The words of the query's wanted words and phrases, any of them: what ``rank_tsv`` holds. A
    citation counts by its whole words only (信访工作条例, 第三十三条), not by 信访 or 第三, which
    every opinion holds."""
    jieba = segmenter()
    words = set()
    for phrase in positive_phrases(text):
        normalized = normalize(phrase)
        found = [(word, start, end) for word, start, end in jieba.tokenize(normalized, mode="search")
                 if end - start > 1 and word[0] >= _CJK and word not in STOP_WORDS]
        cited = citation_key(phrase)
        if cited or is_whole_word(phrase):  # ts_rank_cd knows no idf: parts every opinion holds only blur
            found = [(w, s, e) for w, s, e in found if not any(s2 <= s and e <= e2 and e2 - s2 > e - s for _, s2, e2 in found)]
        if cited:
            words.add(LAW + cited[0])
        words.update(word for word, _, _ in found)
    return " | ".join(quote(w) for w in sorted(words)) or None


def any_of(words: Iterable[str], normal: Callable[[str], str] = normalize) -> str | None:
    """``'a' | 'b' | …`` over words (similar cases); ``None`` when there are none."""
    lexemes = sorted({normal(w) for w in words if w and normal(w).strip()})
    return " | ".join(quote(w) for w in lexemes) or None
