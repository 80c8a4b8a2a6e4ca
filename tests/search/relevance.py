"""The evaluation set and its scoring, shared by ``bench/search_eval.py`` and the tests.

A backend is a *factory*: given the evaluation opinions (record dicts as ``tests.search.corpus``
makes them) it indexes them and returns ``search(query) -> [opinion id, …]``, best first."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.search.metrics import average_precision, ndcg_at

EVAL = Path(__file__).parent / "eval"
SearchFactory = Callable[[list[dict]], Callable[[str], list[str]]]


def load_eval_set() -> tuple[list[dict], list[dict]]:
    opinions = json.loads((EVAL / "opinions.json").read_text(encoding="utf-8"))
    queries = json.loads((EVAL / "queries.json").read_text(encoding="utf-8"))
    return opinions, queries


def evaluate(factory: SearchFactory) -> list[dict]:
    """One row per query: id, query, ndcg10, ap."""
    opinions, queries = load_eval_set()
    search = factory(opinions)
    rows = []
    for q in queries:
        ranked = search(q["query"])
        rows.append({"id": q["id"], "query": q["query"], "ndcg10": ndcg_at(ranked, q["judgments"], 10),
                     "ap": average_precision(ranked, q["judgments"])})
    return rows
