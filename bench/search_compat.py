"""Can a Whoosh fork replace whoosh-reloaded 2.7.5 without code changes or a rebuild?

Run: ``/work/main/.venv/bin/python bench/search_compat.py`` (after ``bench/search_forks.py`` has made the
``/tmp/wv-<fork>`` virtualenvs). The baseline fork writes a small index (200 generated opinions)
with the bench's analyzer; every fork then (1) imports the 2.7 names our code will use, (2) opens
that index as it is and (3) runs a word, phrase, filtered and faceted query with highlights on it.
The answers must equal the baseline's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_27 = (  # module: names the 2.7 API offers and the search adapter will use
    ("whoosh.index", "create_in open_dir exists_in LockError EmptyIndexError"),
    ("whoosh.fields", "Schema ID KEYWORD TEXT NUMERIC DATETIME STORED BOOLEAN"),
    ("whoosh.qparser", "QueryParser MultifieldParser OrGroup AndGroup"),
    ("whoosh.query", "Term And Or Not Phrase Prefix Every NumericRange"),
    ("whoosh.highlight", "HtmlFormatter ContextFragmenter SentenceFragmenter"),
    ("whoosh.sorting", "FieldFacet Facets"),
    ("whoosh.scoring", "BM25F"),
    ("whoosh.writing", "AsyncWriter BufferedWriter"),
    ("whoosh.analysis", "Tokenizer Token LowercaseFilter StopFilter"),
)
QUERIES = (("征地 补偿", None), ('"区片综合地价"', None), ("信访", ("category", "land_expropriation")))


def check(index_dir: str) -> dict:
    import importlib

    missing = [f"{m}.{n}" for m, names in API_27 for n in names.split()
               if not hasattr(importlib.import_module(m), n)]
    from whoosh import index
    from whoosh.qparser import QueryParser
    from whoosh.query import Term
    from whoosh.sorting import FieldFacet

    answers = {}
    try:
        ix = index.open_dir(index_dir)
        with ix.searcher() as s:
            parser = QueryParser("body", ix.schema)
            for text, flt in QUERIES:
                hits = s.search(parser.parse(text), limit=20, filter=Term(*flt) if flt else None,
                                groupedby=FieldFacet("category"))
                answers[text] = [[h["id"] for h in hits], bool(all(h.highlights("body") for h in hits)),
                                 sorted((k, len(v)) for k, v in hits.groups().items())]
    except Exception as error:
        answers = {"error": f"{type(error).__name__}: {error}"[:160]}
    return {"missing_api": missing, "answers": answers}


def write(index_dir: str) -> None:
    from search_forks import _fields   # bench/search_forks.py: the same fields and analyzer
    from search_analyzer import RjiebaTokenizer
    from whoosh import index
    from whoosh.fields import ID, KEYWORD, TEXT, Schema

    from tests.search.corpus import generate_opinions

    analyzer = RjiebaTokenizer()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                    body=TEXT(analyzer=analyzer, stored=True), category=ID(stored=True), region=KEYWORD,
                    year=ID(stored=True), law=KEYWORD)
    ix = index.create_in(index_dir, schema)
    with ix.writer() as w:
        for record in generate_opinions(200, seed=11):
            w.add_document(**_fields(record))


def main() -> None:
    if sys.argv[1:2] in (["--write"], ["--check"]):
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
        if sys.argv[1] == "--write":
            write(sys.argv[2])
        else:
            print(json.dumps(check(sys.argv[2]), ensure_ascii=False))
        return
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    with tempfile.TemporaryDirectory() as index_dir:
        subprocess.run(["/tmp/wv-reloaded/bin/python", __file__, "--write", index_dir], check=True, env=env)
        baseline = None
        for fork in ("reloaded", "whoosh3", "ng"):
            done = subprocess.run([f"/tmp/wv-{fork}/bin/python", __file__, "--check", index_dir],
                                  capture_output=True, text=True, env=env)
            if done.returncode:
                print(f"{fork:<9} FAILED: {done.stderr.strip().splitlines()[-1]}")
                continue
            result = json.loads(done.stdout)
            baseline = baseline or result["answers"]
            same = "same answers as the baseline" if result["answers"] == baseline else f"DIFFERENT: {result['answers']}"
            print(f"{fork:<9} missing 2.7 names: {result['missing_api'] or 'none'}; reads the 2.7.5 index: {same}")


if __name__ == "__main__":
    main()
