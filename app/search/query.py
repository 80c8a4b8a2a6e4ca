"""Query parsing for search: words, "exact phrases", AND / OR / NOT and -word, over several fields.

Two readings (``read``):

* **plain words** (no quotes, no operator, no ``-``): the words are OR-ed — any of them finds a
  document — and documents holding all of them rank first (Whoosh: BM25F sums the words; PostgreSQL: a bonus).
  A word the dictionary does not know whole (``征地补偿标准``) also finds its search-mode words
  (征地, 补偿, 标准, 征地补偿), its exact chain ranking higher; a dictionary word (``行政复议``)
  finds exactly its chain. A legal citation typed in the box (``《行政复议法》第二十三条``,
  ``信访工作条例第33条``) also finds every opinion citing that provision (``law_keys``, the
  normalizer behind ``law=``);
* **explicit syntax** (any quote, AND/OR/NOT or ``-word``): exact. Words are joined by AND;
  ``a OR b`` joins its neighbours; ``NOT x`` and ``-x`` exclude; a phrase matches exactly where the
  normalized text holds it.

Malformed input never raises: an unbalanced quote, a dangling operator, ``*`` or ``(`` is read as
plain text (punctuation is dropped by the analysis), and a query of operators only searches for them
as words.

Every word or phrase becomes a chain of consecutive units (see ``analysis``), so it matches exactly
where the normalized text contains it; a word the segmenter keeps whole also matches as a word term,
which ranks documents where it stands as a word higher. Stop words alone are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from whoosh import query as wq
from whoosh.fields import Schema

from app.documents.citations import CitationError, format_citation, law_keys, parse_citation

from .analysis import STOP_WORDS, ChineseTokenizer, grams, is_whole_word, normalize, segmenter, units

# A quoted phrase (optionally negated) or any run of non-space characters; lone quotes fall to the latter.
_LEXEME = re.compile(r'(-?)"([^"]*)"|(\S+)')
_OPERATORS = ("AND", "OR", "NOT")
# A provision typed as one word: an optional 《law》 or law name, then 第×条 (款, 项 may follow).
_CITATION = re.compile(r"^(?:《[^《》]+》|[^《》第\s\d]+)\s*第[0-9零〇○一二两三四五六七八九十百千]+条")
Q = TypeVar("Q")
# Ranking of plain words, tuned on the evaluation set (tests/search/eval, bench/search_eval.py):
LAW_SCORE = 12.0        # a document citing the provision typed (about a rare word's BM25F score)


@dataclass(frozen=True)
class _Item:
    text: str
    phrase: bool = False
    negated: bool = False
    operator: str | None = None
    law: str | None = None              # plain words: the provision's most specific ``law_keys`` key
    citation: str = ""                  # … and the provision as written in a legal basis (《…》第×条)
    alternatives: tuple[str, ...] = ()  # plain words not known whole: their search-mode words


def citation_key(text: str) -> tuple[str, str] | None:
    """(the most specific ``law_keys`` key, the citation in standard form) of a citation typed as a
    query word (``信访工作条例第33条``, ``《中华人民共和国行政复议法》第二十三条``), else None."""
    if not _CITATION.match(text.strip()):
        return None
    try:
        keys = law_keys(text.strip())
        citation = format_citation(parse_citation(text.strip(), require_law=True))
    except (CitationError, ValueError):
        return None
    return (keys[-1], citation) if len(keys) > 1 else None


def subwords(text: str, whole_too: bool = False) -> tuple[str, ...]:
    """The search-mode words of a plain query word (two or more characters, no stop words); none for
    a dictionary word, which stays exact, unless ``whole_too``."""
    normalized = normalize(text).strip()
    if not normalized or (not whole_too and is_whole_word(text)):
        return ()
    found: list[str] = []
    for word, start, end in segmenter().tokenize(normalized, mode="search"):
        if end - start > 1 and word != normalized and word not in STOP_WORDS and word not in found:
            found.append(word)
    return tuple(found)


def _plain(item: _Item, several: bool) -> _Item:
    """A plain word as read in an OR-ed query: a citation, or the word and (when not known whole, or
    when it is one of several words) its search-mode words."""
    cited = citation_key(item.text)
    if cited:
        return _Item(item.text, law=cited[0], citation=cited[1])
    return _Item(item.text, alternatives=subwords(item.text, whole_too=several))


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
    found = None if not queries else queries[0] if len(queries) == 1 else wq.Or(queries)
    if item.alternatives:  # a plain word not known whole: its words too; its exact chain ranks higher
        # without a boost (a document holding the chain also holds the words: their scores add up).
        # A boost of 2 on the chain (CHAIN_BOOST, which Whoosh had silently dropped) lowered MAP on
        # the evaluation set from 0.948 to 0.946, 1.5 changed nothing: there is none.
        parts = [q for word in item.alternatives if (q := _item_query(_Item(word), fieldnames, schema)) is not None]
        if found is not None:
            parts.insert(0, found)
        found = None if not parts else parts[0] if len(parts) == 1 else wq.Or(parts)
    if item.law and "laws" in schema:  # a citation: the opinions citing the provision, or its text;
        cited: wq.Query = wq.ConstantScoreQuery(wq.Term("laws", item.law), score=LAW_SCORE)
        listed = _field_query(schema, "basis", _Item(item.citation, phrase=True))
        if listed is not None:  # … those listing it in their legal basis first
            cited = wq.AndMaybe(cited, listed)
        found = cited if found is None else wq.Or([cited, found])
    return found


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


@dataclass
class Plan(Generic[Q]):
    """A query read for a backend: ``positives`` must all match — or, when ``plain``, any of them
    may, documents matching all ranking first; ``negatives`` exclude."""

    positives: list[Q]
    negatives: list[Q]
    plain: bool = False

    @property
    def empty(self) -> bool:
        return not self.positives and not self.negatives


def is_plain(items: list[_Item]) -> bool:
    return bool(items) and not any(item.operator or item.phrase or item.negated for item in items)


def read(text: str, item_query: Callable[[_Item], Q | None], either: Callable[[Q, Q], Q]) -> Plan[Q]:
    """The clauses of the user's ``text``; a query of operators only ("OR", "NOT") is read as
    plain words. ``empty``: nothing searchable is left."""
    items = _lex(text or "")
    if is_plain(items):
        found = clauses([_plain(item, len(items) > 1) for item in items], item_query, either)
        return Plan([q for _, q in found], [], plain=True)
    found = clauses(items, item_query, either)
    if not found and any(item.operator for item in items):
        found = clauses([_Item(item.text, phrase=item.phrase) for item in items], item_query, either)
    return Plan([q for negated, q in found if not negated], [q for negated, q in found if negated])


def plan(text: str, item_query: Callable[[_Item], Q | None], either: Callable[[Q, Q], Q]) -> tuple[list[Q], list[Q]]:
    """(positive, negated) clauses of ``text`` as ``read`` finds them (plain words: positives to OR)."""
    found = read(text, item_query, either)
    return found.positives, found.negatives


def parse_query(text: str, fieldnames: list[str] | tuple[str, ...], schema: Schema) -> wq.Query:
    """A Whoosh query for the user's ``text`` over ``fieldnames``; ``NullQuery`` when nothing is left."""
    fieldnames = list(fieldnames)
    found = read(text, lambda item: _item_query(item, fieldnames, schema), lambda a, b: wq.Or([a, b]))
    positives, negatives = found.positives, found.negatives
    if found.empty:
        return wq.NullQuery
    if not positives:
        base: wq.Query = wq.Every()
    elif len(positives) == 1:
        base = positives[0]
    elif found.plain:
        # Any word finds; BM25F sums the words' scores, so documents holding all of them rank first.
        # An extra AND-of-all clause as a bonus ranked the same on the evaluation set (NDCG@10 0.967
        # against 0.966, MAP 0.941 against 0.948) and made two-word queries 2.5× slower.
        base = wq.Or(positives)
    else:
        base = wq.And(positives)
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
