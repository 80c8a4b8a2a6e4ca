"""Relevance of search backends on the frozen evaluation set (``tests/search/eval``): NDCG@10 and
MAP per backend, and with ``--per-query`` the figures of every query.

Run: ``/work/main/.venv/bin/python bench/search_eval.py [--backend NAME | module:factory] [--per-query]``

A backend plugs in as a *factory*: a callable taking the evaluation opinions (a list of record
dicts shaped like ``tests.search.corpus`` produces: ``id``, ``title``, sections, ``legal_basis``,
``category``, ``region_code`` …) and returning ``search(query: str) -> list[str]``, the opinion
ids best first (at least the top 10; more improves MAP). The factory indexes the opinions however
it likes (a temporary Whoosh directory, a PostgreSQL schema …). Register it in ``BACKENDS`` or
pass ``package.module:factory`` on the command line.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.search.metrics import mean  # noqa: E402
from tests.search.relevance import SearchFactory, evaluate, load_eval_set  # noqa: E402

BACKENDS = {  # name → "module:factory"
    "bm25-baseline": "tests.search.baseline_bm25:bm25_backend",
}


def resolve(spec: str) -> SearchFactory:
    module, _, name = BACKENDS.get(spec, spec).partition(":")
    return getattr(importlib.import_module(module), name)


def main() -> None:
    parser = argparse.ArgumentParser(description="NDCG@10 and MAP of search backends")
    parser.add_argument("--backend", action="append", help="a name in BACKENDS or module:factory (repeatable)")
    parser.add_argument("--per-query", action="store_true")
    args = parser.parse_args()
    opinions, queries = load_eval_set()
    print(f"evaluation set: {len(opinions)} opinions, {len(queries)} queries with graded judgments (0–3)")
    for spec in args.backend or list(BACKENDS):
        rows = evaluate(resolve(spec))
        if args.per_query:
            for r in rows:
                print(f"  {r['id']}  NDCG@10 {r['ndcg10']:.3f}  AP {r['ap']:.3f}  {r['query']}")
        print(f"{spec:<24} NDCG@10 {mean([r['ndcg10'] for r in rows]):.3f}   MAP {mean([r['ap'] for r in rows]):.3f}")


if __name__ == "__main__":
    main()
