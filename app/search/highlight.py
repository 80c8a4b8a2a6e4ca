"""Snippets: the passage of an opinion's best-matching section around the query's hits, escaped,
with each hit in ``<mark>`` (adjacent hits merged into one mark).

The same for every backend and for both kinds of reader: the service passes the anonymized
sections or, to readers who may see the case, the full ones. A hit is a word or phrase of the query
as a chain of consecutive units (the same rule as the index), so what is marked is what matched.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import escape

from app.search.analysis import normalize, normalize_with_offsets, unit_spans

SNIPPET_CHARS = 120
LEAD_CHARS = 24  # context kept before the first hit


Normalized = tuple[str, list[int] | None]   # ``normalize_with_offsets``: the text, its original offsets
_SEPARATOR = "\x1f"   # joins the sections normalized together (not NUL: OpenCC reads C strings)


@dataclass(frozen=True)
class Snippet:
    html: str
    section: str | None  # the field the passage is from
    hits: int


def _chains(phrases: list[str]) -> list[list[str]]:
    return _chains_of(tuple(phrases))


@lru_cache(maxsize=256)
def _chains_of(phrases: tuple[str, ...]) -> list[list[str]]:
    chains = []
    for phrase in phrases:
        units = [unit for unit, _, _, _ in unit_spans(normalize(phrase))]
        if units:
            chains.append(units)
    return chains


def _unit_pattern(unit: str) -> str:
    """A unit as a regex: a letter/digit run only whole (``ab`` is not in ``abc``)."""
    if unit.isascii():
        return rf"(?<![0-9a-z]){re.escape(unit)}(?![0-9a-z])"
    return re.escape(unit)


@lru_cache(maxsize=256)
def _chain_regex(chain: tuple[str, ...]) -> re.Pattern[str]:
    """Consecutive units: only whitespace between them (punctuation takes a position), the match in
    group 1. Occurrences of a chain overlap only where its end repeats its start (信访信): then a
    lookahead finds the overlapping ones too, as a walk over the units would. Any other chain is a
    plain pattern, which the regex engine looks for as a literal: 8 instead of 35 µs per opinion."""
    body = r"\s*".join(_unit_pattern(u) for u in chain)
    overlaps = any(chain[:k] == chain[-k:] for k in range(1, len(chain)))
    return re.compile(f"(?=({body}))" if overlaps else f"({body})")


def find_hits(text: str, phrases: list[str], normalized: Normalized | None = None) -> list[tuple[int, int, int]]:
    """(start, end, phrase index) of every occurrence of a phrase in ``text`` (offsets as written).
    Regexes over the normalized text (``normalized``: ``normalize_with_offsets(text)``, when the
    caller has it): the same hits as walking its units, at C speed (20 results of 3,000
    characters are highlighted in every page of results)."""
    chains = _chains(phrases)
    if not chains or not text:
        return []
    normalized_text, offsets = normalized or normalize_with_offsets(text)
    hits = []
    for index, chain in enumerate(chains):
        if chain[0] not in normalized_text:
            continue
        for match in _chain_regex(tuple(chain)).finditer(normalized_text):
            start, end = match.start(1), match.end(1)
            if offsets is not None:
                start, end = offsets[start], offsets[end - 1] + 1
            hits.append((start, end, index))
    return sorted(hits)


def _hit_counts(normalized_text: str, chains: list[list[str]]) -> tuple[int, int]:
    """(phrases found, hits) in a normalized section: what ``find_hits`` lists, counted by the regex
    engine. Hits are listed (offsets, Python tuples) only for the section a snippet is cut from."""
    found = total = 0
    for chain in chains:
        if chain[0] in normalized_text:
            count = len(_chain_regex(tuple(chain)).findall(normalized_text))
            found += count > 0
            total += count
    return found, total


def normalized_sections(sections: dict[str, str], names: tuple[str, ...]) -> dict[str, Normalized]:
    """``normalize_with_offsets`` of each section named, in one pass over them all joined by a
    separator that normalization keeps as it is and nothing spans (no NFKC composition starts at
    it, no OpenCC phrase holds it): an opinion's 8 sections in ~175 instead of ~205 µs. A section
    holding the separator, or whose length normalization changes (then it needs its offsets), is
    normalized alone."""
    texts = [sections.get(name) or "" for name in names]
    parts = normalize(_SEPARATOR.join(texts)).split(_SEPARATOR) if not any(_SEPARATOR in t for t in texts) else []
    if len(parts) == len(texts):
        return {name: (part, None) if len(part) == len(text) else normalize_with_offsets(text)
                for name, text, part in zip(names, texts, parts, strict=True)}
    return {name: normalize_with_offsets(text) for name, text in zip(names, texts, strict=True)}


def _merged(hits: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end, _ in hits:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _window(text: str, hits: list[tuple[int, int, int]], width: int) -> tuple[int, int]:
    """The window of ``width`` characters holding the most distinct phrases, starting a little before
    its first hit. Only the hits starting inside a window can end inside it: the others are not
    looked at (a common word's ~100 hits in a section took 95 µs, looking at every pair)."""
    starts = [h[0] for h in hits]
    best, best_score = 0, (-1, -1)
    for i, (start, _, _) in enumerate(hits):
        limit = start + width
        inside = [h for h in hits[i:bisect_right(starts, limit)] if h[1] <= limit]
        score = (len({h[2] for h in inside}), len(inside))
        if score > best_score:
            best, best_score = start, score
    begin = max(0, best - LEAD_CHARS)
    line_start = text.rfind("\n", 0, best) + 1
    begin = max(begin, line_start) if best - line_start < LEAD_CHARS * 2 else begin
    return begin, min(len(text), begin + width)


def render(text: str, begin: int, end: int, marks: list[tuple[int, int]]) -> str:
    out, cursor = [], begin
    for start, stop in marks:
        start, stop = max(start, begin), min(stop, end)
        if stop <= start:
            continue
        out.append(str(escape(text[cursor:start])))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(str(escape(text[cursor:end])))
    body = "".join(out).replace("\n", " ")
    return ("……" if begin > 0 else "") + body + ("……" if end < len(text) else "")


def snippet(sections: dict[str, str], phrases: list[str], order: tuple[str, ...],
            width: int = SNIPPET_CHARS) -> Snippet:
    """The best passage of ``sections`` (by distinct phrases matched, then hits, then ``order``);
    without hits, the opening of the first non-empty section in ``order``."""
    best: tuple[tuple[int, int, int], str] | None = None
    chains = _chains(phrases) if phrases else []
    if chains:
        forms = normalized_sections(sections, order)
        for rank, name in enumerate(order):
            distinct, count = _hit_counts(forms[name][0], chains) if sections.get(name) else (0, 0)
            if count:
                key = (distinct, count, -rank)
                if best is None or key > best[0]:
                    best = (key, name)
    if best is None:
        name = next((n for n in order if (sections.get(n) or "").strip()), None)
        if name is None:
            return Snippet("", None, 0)
        text = sections[name].strip()
        return Snippet(render(text, 0, min(len(text), width), []), name, 0)
    name = best[1]
    text = sections[name]
    hits = find_hits(text, phrases, forms[name])
    begin, end = _window(text, hits, width)
    return Snippet(render(text, begin, end, _merged(hits)), name, len(hits))
