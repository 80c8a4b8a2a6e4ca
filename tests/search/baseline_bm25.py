"""The baseline for relevance figures: Okapi BM25 (k1 = 1.2, b = 0.75) over rjieba search-mode
words, in pure Python, one field (the full text), terms OR-ed. No phrases, no law= parsing, no
synonyms, no user dictionary: the floor the real backends must beat."""

from __future__ import annotations

import math
import re
from collections import Counter

import rjieba

from tests.search.corpus import full_text

_SYNTAX = re.compile(r'law=|[《》"“”]')


def words(text: str) -> list[str]:
    return [w.lower() for w in rjieba.cut_for_search(text) if any(ch.isalnum() for ch in w)]


class BM25:
    def __init__(self, records: list[dict], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.ids = [r["id"] for r in records]
        self.counts = [Counter(words(full_text(r))) for r in records]
        self.lengths = [sum(c.values()) for c in self.counts]
        self.average = sum(self.lengths) / len(self.lengths)
        df = Counter(w for c in self.counts for w in c)
        n = len(records)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}

    def search(self, query: str, limit: int = 100) -> list[str]:
        terms = set(words(_SYNTAX.sub(" ", query)))
        scores = []
        for doc, (counts, length) in enumerate(zip(self.counts, self.lengths, strict=True)):
            norm = self.k1 * (1 - self.b + self.b * length / self.average)
            score = sum(self.idf[t] * counts[t] * (self.k1 + 1) / (counts[t] + norm) for t in terms if t in counts)
            if score > 0:
                scores.append((score, self.ids[doc]))
        scores.sort(key=lambda s: (-s[0], s[1]))
        return [doc for _, doc in scores[:limit]]


def bm25_backend(records: list[dict]):
    return BM25(records).search
