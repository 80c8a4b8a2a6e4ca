"""Query parsing for search: words, "exact phrases", AND / OR / NOT and -word, over several fields.

Words are joined by AND; ``a OR b`` joins its neighbours; ``NOT x`` and ``-x`` exclude. Malformed
input never raises: an unbalanced quote, a dangling operator, ``*`` or ``(`` is read as plain text
(punctuation is dropped by the analysis), and a query of operators only searches for them as words.

Every word or phrase becomes a chain of consecutive units (see ``analysis``), so it matches exactly
where the normalized text contains it; a word the segmenter keeps whole also matches as a word term,
which ranks documents where it stands as a word higher. Stop words alone are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from whoosh import query as wq
from whoosh.fields import Schema

from .analysis import STOP_WORDS, ChineseTokenizer, grams, is_whole_word, normalize, units

# A quoted phrase (optionally negated) or any run of non-space characters; lone quotes fall to the latter.
_LEXEME = re.compile(r'(-?)"([^"]*)"|(\S+)')
_OPERATORS = ("AND", "OR", "NOT")
Q = TypeVar("Q")


@dataclass(frozen=True)
class _Item:
    text: str
    phrase: bool = False
    negated: bool = False
    operator: str | None = None


def _lex(text: str) -> list[_Item]:
    items = []
    for match in _LEXEME.finditer(text):
        dash, phrase, word = match.groups()
        if word is None:
            items.append(_Item(phrase, phrase=True, negated=bool(dash)))
        elif word in _OPERATORS:
            items.append(_Item(word, operator=word))
        elif word.startswith("-") and len(word) > 1:
            items.append(_Item(word[1:], negated=True))
        else:
            items.append(_Item(word))
    return items


def unit_chains(text: str) -> list[list[str]]:
    """The chains of consecutive units of a query word or phrase; punctuation splits them."""
    chains: list[list[str]] = []
    last = None
    for unit, pos in units(text):
        if last is None or pos != last + 1:
            chains.append([])
        chains[-1].append(unit)
        last = pos
    return chains


def _chain_query(fieldname: str, chain: list[str]) -> wq.Query:
    """Where the text holds these consecutive units: the chain's grams at consecutive positions, or for
    one unit, a gram beginning with it (``|`` after an ASCII run, so that 20 does not find 2026)."""
    if len(chain) == 1:
        unit = chain[0]
        if len(unit) == 1 and unit >= "\x80":
            return wq.Prefix(fieldname, unit)
        return wq.Or([wq.Term(fieldname, unit), wq.Prefix(fieldname, unit + "|")])
    terms = grams(chain)
    return wq.Term(fieldname, terms[0]) if len(terms) == 1 else wq.Phrase(fieldname, terms)


def _unit_chain(fieldname: str, text: str) -> wq.Query | None:
    """Consecutive units as one chain; a gap (punctuation) splits it into parts that must all match."""
    parts = [_chain_query(fieldname, chain) for chain in unit_chains(text)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _text_query(fieldname: str, item: _Item) -> wq.Query | None:
    if not item.phrase and normalize(item.text).strip() in STOP_WORDS:
        return None
    chain = _unit_chain(fieldname, item.text)
    word = normalize(item.text).strip()
    if chain is None or item.phrase or len(word) <= 2 or not is_whole_word(item.text):
        return chain
    return wq.Or([chain, wq.Term(fieldname, word)])  # the word itself ranks where it stands as a word


def _field_query(schema: Schema, fieldname: str, item: _Item) -> wq.Query | None:
    if fieldname not in schema:
        return None
    field = schema[fieldname]
    if isinstance(getattr(field, "analyzer", None), ChineseTokenizer):
        return _text_query(fieldname, item)
    terms = [wq.Term(fieldname, t) for t in field.process_text(item.text, mode="query")]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)


def _item_query(item: _Item, fieldnames: list[str], schema: Schema) -> wq.Query | None:
    queries = [q for name in fieldnames if (q := _field_query(schema, name, item)) is not None]
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def clauses(items: list[_Item], item_query: Callable[[_Item], Q | None],
            either: Callable[[Q, Q], Q]) -> list[tuple[bool, Q]]:
    """(negated, query) per clause; OR merges a clause into the previous one, NOT negates the next.
    Generic over the query type, so every backend reads a query string by the same rules."""
    found: list[tuple[bool, Q]] = []
    negate_next = join_next = False
    for item in items:
        if item.operator == "NOT":
            negate_next = True
            continue
        if item.operator == "OR":
            join_next = bool(found) and not found[-1][0]  # a leading OR, or after an exclusion: ignored
            continue
        if item.operator == "AND":
            continue
        query = item_query(item)
        negated = item.negated or negate_next
        if query is not None:
            if join_next and not negated:
                found[-1] = (False, either(found[-1][1], query))
            else:
                found.append((negated, query))
        negate_next = join_next = False
    return found


def plan(text: str, item_query: Callable[[_Item], Q | None], either: Callable[[Q, Q], Q]) -> tuple[list[Q], list[Q]]:
    """(positive, negated) clauses of the user's ``text``; a query of operators only ("OR", "NOT")
    is read as plain words. Both lists empty: nothing searchable is left."""
    items = _lex(text or "")
    found = clauses(items, item_query, either)
    if not found and any(item.operator for item in items):
        found = clauses([_Item(item.text, phrase=item.phrase) for item in items], item_query, either)
    return [q for negated, q in found if not negated], [q for negated, q in found if negated]


def parse_query(text: str, fieldnames: list[str] | tuple[str, ...], schema: Schema) -> wq.Query:
    """A Whoosh query for the user's ``text`` over ``fieldnames``; ``NullQuery`` when nothing is left."""
    fieldnames = list(fieldnames)
    positives, negatives = plan(text, lambda item: _item_query(item, fieldnames, schema),
                                lambda a, b: wq.Or([a, b]))
    if not positives and not negatives:
        return wq.NullQuery
    if not positives:
        base: wq.Query = wq.Every()
    else:
        base = positives[0] if len(positives) == 1 else wq.And(positives)
    if negatives:
        base = wq.AndNot(base, negatives[0] if len(negatives) == 1 else wq.Or(negatives))
    return base


def positive_phrases(text: str) -> list[str]:
    """The words and phrases of a query that results should contain (not the excluded ones), for
    highlighting; stop words alone are left out."""
    phrases: list[str] = []
    negate_next = False
    for item in _lex(text or ""):
        if item.operator:
            negate_next = item.operator == "NOT"
            continue
        wanted = not (item.negated or negate_next) and item.text.strip() and item.text not in phrases
        if wanted and (item.phrase or normalize(item.text).strip() not in STOP_WORDS):
            phrases.append(item.text)
        negate_next = False
    return phrases
