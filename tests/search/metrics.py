"""Ranking quality against graded judgments (0 = not relevant … 3 = exactly what was asked).

``ndcg_at(ranked, judgments, 10)`` uses the exponential gain 2^grade − 1 and a log2 discount
(Järvelin & Kekäläinen; the TREC/LETOR convention), so that a grade-3 document counts for much
more than a grade-1 one. ``average_precision`` counts every grade ≥ 1 as relevant; MAP is its mean.
Unjudged documents are not relevant.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def ndcg_at(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(doc, 0) for doc in ranked[:k]]) / ideal


def average_precision(ranked: Sequence[str], judgments: Mapping[str, int]) -> float:
    relevant = {doc for doc, grade in judgments.items() if grade > 0}
    if not relevant:
        return 0.0
    found, total = 0, 0.0
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            found += 1
            total += found / rank
    return total / len(relevant)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
