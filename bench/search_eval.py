"""Relevance of search backends on the frozen evaluation set (``tests/search/eval``): NDCG@10 and
MAP per backend, and with ``--per-query`` the figures of every query.

Run: ``/work/main/.venv/bin/python bench/search_eval.py [--backend NAME | module:factory] [--per-query]
[--db postgresql://…]`` (names: bm25-baseline, whoosh, postgresql — the real backends, as the
search page queries them; ``law=…`` is the provision filter)

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
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.search.metrics import mean  # noqa: E402
from tests.search.relevance import SearchFactory, evaluate, load_eval_set  # noqa: E402

BACKENDS = {  # name → "module:factory"; "postgresql" is set up by ``postgres_factory`` below
    "bm25-baseline": "tests.search.baseline_bm25:bm25_backend",
    "whoosh": "tests.search.backend_eval:whoosh_backend",
    "postgresql": "",
}
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench_search"


def postgres_factory(db_url: str) -> SearchFactory:
    """The PostgreSQL backend in the schema ``eval`` of ``db_url``: the migrated search tables
    without their foreign keys (to opinions among them) (the evaluation opinions are not rows of that database)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from app.search.backends.postgres import TABLES, PostgresBackend
    from tests.search.backend_eval import backend_factory

    url = "postgresql+psycopg://" + db_url.split("://", 1)[1]
    instance = tempfile.mkdtemp(prefix="eval-inst-")
    with create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": instance}).app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS eval CASCADE"))
            conn.execute(text("CREATE SCHEMA eval"))
            for table in TABLES:
                conn.execute(text(f"CREATE TABLE eval.{table} (LIKE public.{table} INCLUDING ALL)"))
        db.engine.dispose()
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url + "?options=-csearch_path%3Deval,public",
                                 "INSTANCE_DIR": instance})
    app.app_context().push()
    return backend_factory(PostgresBackend(), commit=db.session.commit)


def resolve(spec: str, db_url: str = DEFAULT_DB) -> SearchFactory:
    if spec == "postgresql":
        return postgres_factory(db_url)
    module, _, name = BACKENDS.get(spec, spec).partition(":")
    return getattr(importlib.import_module(module), name)


def main() -> None:
    parser = argparse.ArgumentParser(description="NDCG@10 and MAP of search backends")
    parser.add_argument("--backend", action="append", help="a name in BACKENDS or module:factory (repeatable)")
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--db", default=DEFAULT_DB, help="PostgreSQL database for the postgresql backend")
    args = parser.parse_args()
    opinions, queries = load_eval_set()
    print(f"evaluation set: {len(opinions)} opinions, {len(queries)} queries with graded judgments (0–3)")
    for spec in args.backend or list(BACKENDS):
        rows = evaluate(resolve(spec, args.db))
        if args.per_query:
            for r in rows:
                print(f"  {r['id']}  NDCG@10 {r['ndcg10']:.3f}  AP {r['ap']:.3f}  {r['query']}")
        print(f"{spec:<24} NDCG@10 {mean([r['ndcg10'] for r in rows]):.3f}   MAP {mean([r['ap'] for r in rows]):.3f}")


if __name__ == "__main__":
    main()
