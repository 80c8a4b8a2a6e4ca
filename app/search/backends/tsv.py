"""PostgreSQL ``tsvector`` and ``tsquery`` literals written from the project's own analysis, so that
PostgreSQL never segments anything (its parsers know no Chinese) and user input never reaches its
query parser: every lexeme is quoted here.

What is indexed, per opinion (fields one after the other, positions never shared between fields):

* every *bigram* of consecutive units (``征地补偿`` → 征地@1 地补@2 补偿@3) with its position and
  the field's weight. A chain of two units is then one lexeme that GIN answers exactly, with no
  recheck of positions; a longer chain is its bigrams at their distances (``征地 <2> 补偿``);
* every search-mode *word* of three or more characters at its first character (two-character words
  are bigrams already, the same lexeme), for ranking and "similar cases";
* every *unit* without positions: a one-character query only asks whether it is there.

So a phrase matches exactly where the normalized text has the chain of units, as in the Whoosh
backend. PostgreSQL keeps at most 256 positions of a lexeme and positions up to 16,383: a bigram
repeated more than 256 times in one opinion loses its later positions (a phrase through one of those
occurrences alone is then missed); text beyond position 16,383 (~14,000 characters) is not indexed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from itertools import pairwise

from app.search.analysis import STOP_WORDS, is_whole_word, normalize, segmenter
from app.search.document import TEXT_FIELDS
from app.search.query import plan, unit_chains

MAX_POSITION = 16383
# Field → weight class (A highest). ts_rank_cd takes the class weights as {D, C, B, A}.
FIELD_WEIGHTS = {"title": "A", "number_text": "A", "findings": "B", "basis": "B", "analysis": "C",
                 "facts": "C", "outcome": "C", "summary": "D"}
RANK_WEIGHTS = (0.2, 0.4, 0.6, 1.0)

_TOKEN = re.compile(r"[0-9a-z]+|\S")               # a unit or a punctuation mark, in order
_NOT_ONE_CHAR_ONE_UNIT = re.compile(r"[0-9a-z]+|\s+")
_CJK = "\u2e80"


def quote(lexeme: str) -> str:
    """A lexeme as a quoted tsvector/tsquery token: nothing inside can act as syntax."""
    if "'" not in lexeme and "\\" not in lexeme:
        return f"'{lexeme}'"
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def bigram(a: str, b: str) -> str:
    """Two adjacent units as one lexeme: 征地 (the same lexeme as the word 征地); units of letters and
    digits are joined with a space so that ``ab c`` and ``a bc`` stay apart."""
    if len(a) == 1 and len(b) == 1 and a >= _CJK and b >= _CJK:
        return a + b
    return f"{a} {b}"


def field_terms(normalized: str, jieba=None) -> tuple[set[str], dict[str, list[int]]]:
    """(units, {bigram or word: positions from 0}) of one field's normalized text: the same units and
    positions as ``analysis.term_positions``, in one pass built for indexing speed."""
    specials = list(_NOT_ONE_CHAR_ONE_UNIT.finditer(normalized))
    positional: dict[str, list[int]] = {}
    if not specials:  # the usual Chinese paragraph: character index = unit position
        tokens: list[str] | str = normalized
        for i, gram in enumerate(map(str.__add__, normalized, normalized[1:])):
            if gram.isalnum():
                positional.setdefault(gram, []).append(i)
        ends, lost = [], []
    else:
        tokens = _TOKEN.findall(normalized)
        previous = tokens[0]
        for i, unit in enumerate(tokens[1:]):
            if previous.isalnum() and unit.isalnum():
                if len(previous) == 1 and len(unit) == 1 and previous >= _CJK and unit >= _CJK:
                    gram = previous + unit                 # ``bigram``, inlined (indexing speed)
                else:
                    gram = f"{previous} {unit}"
                positional.setdefault(gram, []).append(i)
            previous = unit
        ends, lost, total = [], [], 0
        for match in specials:  # where unit positions fall behind character offsets, and by how much
            start, end = match.span()
            total += end - start if normalized[start].isspace() else end - start - 1
            ends.append(end)
            lost.append(total)
    units = {u for u in set(tokens) if u.isalnum()}
    for word, start, end in (jieba or segmenter()).tokenize(normalized, mode="search"):
        if end - start > 2 and word[0] >= _CJK and word not in STOP_WORDS:
            k = bisect_right(ends, start)
            positional.setdefault(word, []).append(start - lost[k - 1] if k else start)
    return units, positional


def tsvector_literal(texts: dict[str, str]) -> str:
    """The tsvector of an opinion's fields (by ``TEXT_FIELDS`` key), as text to ``CAST(… AS tsvector)``."""
    units: set[str] = set()
    positional: dict[str, list[str]] = {}
    offset = 1                                          # tsvector positions start at 1
    jieba = segmenter()
    for name in TEXT_FIELDS:
        normalized = normalize(texts.get(name) or "")
        if not normalized.strip() or offset > MAX_POSITION:
            continue
        weight = FIELD_WEIGHTS.get(name, "D")
        field_units, field_positional = field_terms(normalized, jieba)
        units |= field_units
        last = MAX_POSITION - offset
        for lexeme, positions in field_positional.items():
            marks = [f"{offset + p}{weight}" for p in positions if p <= last]
            if marks:
                if lexeme in positional:
                    positional[lexeme].extend(marks)
                else:
                    positional[lexeme] = marks
        offset += len(normalized) + 1                   # a gap: no phrase runs from one field into the next
    parts = [f"'{u}'" for u in units if u not in positional]   # units are letters and digits only
    parts += [f"{quote(lexeme)}:{','.join(marks)}" for lexeme, marks in positional.items()]
    return " ".join(parts)


# ---------------------------------------------------------------- queries


def chain_query(chain: list[str]) -> str:
    """A run of consecutive units: one unit, one bigram, or bigrams at their distances."""
    if len(chain) == 1:
        return quote(chain[0])
    grams = [bigram(a, b) for a, b in pairwise(chain)]
    picks = list(range(0, len(grams), 2))
    if picks[-1] != len(grams) - 1:
        picks.append(len(grams) - 1)
    expr = quote(grams[picks[0]])
    for previous, index in pairwise(picks):
        expr += f" <{index - previous}> {quote(grams[index])}"
    return expr if len(picks) == 1 else f"({expr})"


def _item_query(item) -> str | None:
    if not item.phrase and normalize(item.text).strip() in STOP_WORDS:
        return None
    chains = unit_chains(item.text)
    if not chains:
        return None
    expr = " & ".join(chain_query(c) for c in chains)
    if len(chains) > 1:
        expr = f"({expr})"
    if item.phrase or not is_whole_word(item.text):
        return expr
    word = normalize(item.text)
    if len(chains) == 1 and len(chains[0]) == 2 and quote(word) == expr:   # a two-character word: its bigram
        return expr
    return f"({expr} | {quote(word)})"


def tsquery_literal(text: str) -> str | None:
    """The tsquery of the user's ``text`` (words, "phrases", AND/OR/NOT, -word, as ``query.plan``
    reads them); ``None`` when nothing searchable is left. Never raises, whatever ``text`` holds."""
    positives, negatives = plan(text, _item_query, lambda a, b: f"({a} | {b})")
    if not positives and not negatives:
        return None
    parts = list(positives)
    if negatives:
        parts.append(f"!({' | '.join(negatives)})")
    return " & ".join(parts)


def any_of(words: Iterable[str], normal: Callable[[str], str] = normalize) -> str | None:
    """``'a' | 'b' | …`` over words (similar cases); ``None`` when there are none."""
    lexemes = sorted({normal(w) for w in words if w and normal(w).strip()})
    return " | ".join(quote(w) for w in lexemes) or None
