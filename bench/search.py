"""Precedent search at scale, both backends, each figure beside its baseline or target as a ratio:

* indexing docs/s (``rebuild``) against Whoosh with jieba's own ``ChineseAnalyzer`` on a sample of
  ``--baseline-docs`` opinions measured in the same run (target ≥ 3×);
* query latency p50 / p95 over a mix of 2-word, phrase, ``law=`` and faceted queries, each a full
  results page: hits, total, facets, and the top 20 loaded and highlighted (``highlight.snippet``),
  in a fresh process per backend, as a web worker (targets 30 ms / 150 ms);
* incremental indexing of one opinion (target ≤ 200 ms) and the searching process's resident
  memory (target ≤ 300 MB).

Run: ``/work/main/.venv/bin/python bench/search.py [--docs 100000] [--backends postgresql,whoosh]
[--db postgresql://postgres@127.0.0.1:5432/bench_search] [--reuse]``. The opinions come from
``tests.search.corpus`` (~3,000 characters); generating them is not counted. PostgreSQL entries
go to the schema ``bench`` of that database (copies of the search tables without their foreign
keys, and the opinions' sections for snippets); the Whoosh index to ``/tmp/bench-search-whoosh-N``.
``--reuse`` skips indexing when both already hold ``--docs`` opinions (to tune queries).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TWO_WORDS = ("征地 补偿", "视同缴费年限 学徒", "专项维修资金 表决", "宅基地 确权", "最低生活保障 停发",
             "农民工 工资", "工伤 认定", "评估 价格", "依法 终结", "承包地 流转")
PHRASES = ('"区片综合地价"', '"停产停业损失"', '"视同缴费年限"', '"违法占用耕地"', '"息诉罢访"',
           '"集体经济组织成员资格"', '"逾期未反馈视为同意"', '"复核意见"')
LAWS = (("", "国有土地上房屋征收与补偿条例第十九条第一款"), ("评估", "国有土地上房屋征收与补偿条例第十九条"),
        ("办理 期限", "信访工作条例第三十三条"), ("", "土地管理法第四十八条"), ("", "社会保险法第十六条"))
FACETED = (("补偿", {"category": "land_expropriation"}), ("信访 终结", {"region_code": "320000"}),
           ("养老金", {"region_code": "330100", "category": "labor_social_security"}),
           ("调解", {"category": "health", "year": 2024}), ("维修资金", {"conclusion": "claim_unreasonable"}),
           ("", {"region_code": "320000", "year": 2025}))
TARGETS = {"speedup": 3.0, "p50_ms": 30.0, "p95_ms": 150.0, "incremental_ms": 200.0, "rss_mb": 300.0}


def pg_url(db: str, schema: str | None = "bench") -> str:
    url = "postgresql+psycopg://" + db.split("://", 1)[1]
    return url + ("?options=-csearch_path%3Dbench,public" if schema else "")


def make_app(db: str, schema: str | None = "bench"):
    from app import create_app

    instance = tempfile.mkdtemp(prefix="bench-search-inst-")
    atexit.register(shutil.rmtree, instance, ignore_errors=True)  # each run and worker makes one
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": pg_url(db, schema), "INSTANCE_DIR": instance,
                                  "SEARCH_BACKEND": "postgresql"})


def whoosh_dir(docs: int, copies: int = 1) -> Path:
    return Path(f"/tmp/bench-search-whoosh-{docs}" + (f"x{copies}" if copies > 1 else ""))


def replicate_whoosh(docs: int, copies: int) -> Path:
    """The Whoosh index of ``docs`` opinions with every segment ``copies`` times (copies of its
    compound file under new segment ids, their file directory renamed): query latency and memory at
    ``docs × copies`` opinions when the machine cannot index that many in the time at hand. The
    copies keep their opinion ids (snippets find their texts); totals and facets grow in proportion."""
    import copy
    import io
    import pickle

    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC
    from whoosh.system import _INT_SIZE, _LONG_SIZE

    from app.search.backends.whoosh_index import INDEX_NAME

    source, target = whoosh_dir(docs), whoosh_dir(docs, copies)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    toc = TOC.read(FileStorage(str(source)), INDEX_NAME)
    segments = []
    for segment in toc.segments:
        old = segment.segment_id()
        for k in range(copies):
            clone = copy.copy(segment)
            if k:
                clone.segid = clone._random_id()
            new = clone.segment_id()
            path = target / f"{new}.seg"
            shutil.copyfile(source / f"{old}.seg", path)
            with open(path, "r+b") as fh:  # append the renamed file directory, point the header at it
                offset = int.from_bytes(fh.read(_LONG_SIZE), "big")
                fh.seek(offset)
                directory, options = pickle.load(fh), pickle.load(fh)
                directory = {name.replace(old, new): info for name, info in directory.items()}
                tail = pickle.dumps(directory, 2) + pickle.dumps(options, 2)
                end = fh.seek(0, io.SEEK_END)
                fh.write(tail)
                fh.seek(0)
                fh.write(end.to_bytes(_LONG_SIZE, "big") + len(tail).to_bytes(_INT_SIZE, "big"))
            segments.append(clone)
    TOC(toc.schema, segments, toc.generation + 1).write(FileStorage(str(target)), INDEX_NAME)
    return target


# --------------------------------------------------------------------------- indexing


class Timed:
    """Documents for a rebuild; what is not the rebuild's work is taken off the clock (``excluded``):
    storing the bench's snippet texts, and generating the documents when ``generation_counts`` is
    false. A rebuild with worker processes generates its next documents while the workers analyse,
    so taking generation off its clock would take off time it overlapped: there it counts (a real
    rebuild reads the opinions from the database at that point), which understates our speed."""

    def __init__(self, count: int, store=None, generation_counts: bool = False):
        self.count, self.store, self.generation_counts, self.excluded = count, store, generation_counts, 0.0

    def __iter__(self):
        from tests.search.documents import documents

        source = documents(self.count)
        batch = []
        while True:
            t = time.perf_counter()
            doc = next(source, None)
            if self.generation_counts:
                t = time.perf_counter()
            if doc is not None and self.store is not None:
                batch.append(doc)
                if len(batch) == 500:
                    self.store(batch)
                    batch = []
            if doc is None and self.store is not None and batch:
                self.store(batch)
            self.excluded += time.perf_counter() - t
            if doc is None:
                return
            yield doc


def ensure_database(db: str) -> None:
    """Create the bench's database when this server does not have it yet (a new machine)."""
    from sqlalchemy import create_engine, text

    server, name = pg_url(db, schema=None).rsplit("/", 1)
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def prepare_pg(db: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db as sa_db
    from app.search.backends.postgres import TABLES

    ensure_database(db)
    app = make_app(db, schema=None)
    with app.app_context():
        upgrade()
        with sa_db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS bench CASCADE"))
            conn.execute(text("CREATE SCHEMA bench"))
            for table in TABLES:  # without the foreign keys (LIKE copies none): no opinions here
                conn.execute(text(f"CREATE TABLE bench.{table} (LIKE public.{table} INCLUDING ALL)"))
            conn.execute(text("CREATE TABLE bench.texts (opinion_id integer PRIMARY KEY, sections jsonb NOT NULL)"))
        sa_db.engine.dispose()


def index_pg(db: str, docs: int) -> dict:
    from sqlalchemy import text

    from app.extensions import db as sa_db
    from app.search.backends.postgres import TABLES, PostgresBackend

    prepare_pg(db)
    app = make_app(db)
    with app.app_context():
        def store(batch):
            with sa_db.engine.begin() as conn:
                conn.execute(text("INSERT INTO texts VALUES (:i, CAST(:s AS jsonb))"),
                             [{"i": d.opinion_id, "s": json.dumps(d.texts, ensure_ascii=False)} for d in batch])

        source = Timed(docs, store, generation_counts=True)
        started = time.perf_counter()
        count = PostgresBackend().rebuild(source, _progress(docs, "postgresql"))
        _vacuum()
        seconds = time.perf_counter() - started - source.excluded
        size = sa_db.session.execute(text("SELECT sum(pg_total_relation_size(t)) FROM unnest(CAST(:t AS regclass[])) t"),
                                     {"t": list(TABLES)}).scalar()
        incremental = _incremental_pg(docs)
    return {"docs_per_s": count / seconds, "index_mb": size / 2**20, "incremental_ms": incremental}


def replicate_pg(db: str, docs: int, copies: int) -> None:
    """Copy the ``docs`` indexed opinions ``copies`` times under new ids, in SQL: query latency at a
    larger size when the machine cannot index that many in the time at hand (the same texts, so
    matches grow in proportion; indexing figures still come from the ``docs`` really indexed)."""
    from sqlalchemy import text

    from app.extensions import db as sa_db

    tables = {"search_entries": "case_id, number, category, tier, province_code, city_code, region_code, year, issued_on, "
                                "conclusion, recommendations, laws, cross_flags, superseded, fingerprint, units, rank_tsv",
              "search_terms": "case_id, issued_on, facet_key, tsv"}
    with make_app(db).app_context(), sa_db.engine.begin() as conn:
        for table, columns in tables.items():
            conn.execute(text(f"INSERT INTO {table} (opinion_id, {columns}) SELECT opinion_id + k * :n, "
                              f"{columns.replace('case_id', 'case_id + k * :n', 1)} FROM {table}, "
                              f"generate_series(1, :copies) AS k WHERE opinion_id <= :n"), {"n": docs, "copies": copies})
        conn.execute(text("INSERT INTO texts SELECT opinion_id + k * :n, sections FROM texts, "
                          "generate_series(1, :copies) AS k WHERE opinion_id <= :n"), {"n": docs, "copies": copies})
    with make_app(db).app_context():
        _vacuum()


def _vacuum() -> None:
    """VACUUM (ANALYZE) the tables just loaded, as autovacuum does to any table that grew to this
    size over months (this server runs with autovacuum off): searches then read pages marked
    all-visible, as they would in production, instead of checking each row's visibility (counting
    99,460 matches: 18 → 11 ms). Then a CHECKPOINT where the role may, so that the server is not
    still writing the load out to disk while the first searches are timed."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from app.extensions import db as sa_db

    with sa_db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) search_facet_keys, search_entries, search_terms, texts"))
        with contextlib.suppress(DBAPIError):  # not a superuser (nor pg_checkpoint): the first figures may be slower
            conn.execute(text("CHECKPOINT"))


def store_texts(db: str, docs: int) -> None:
    """The sections of opinions 1..``docs`` for a run without PostgreSQL, unless an earlier run
    stored them (the generator is deterministic; a replicated table's last ones are copies and do
    not count): the PostgreSQL bench tables are then kept."""
    from sqlalchemy import inspect, text

    from app.extensions import db as sa_db
    from tests.search.documents import documents

    ensure_database(db)
    last = next(documents(1, start=docs - 1))
    with make_app(db).app_context():
        stored = "texts" in inspect(sa_db.engine).get_table_names(schema="bench") and sa_db.session.execute(
            text("SELECT count(*) FILTER (WHERE opinion_id <= :n), "
                 "bool_or(opinion_id = :n AND sections = CAST(:last AS jsonb)) FROM texts"),
            {"n": docs, "last": json.dumps(last.texts, ensure_ascii=False)}).one() == (docs, True)
        sa_db.engine.dispose()
    if stored:
        return
    prepare_pg(db)
    with make_app(db).app_context():
        batch = []
        for doc in Timed(docs):
            batch.append({"i": doc.opinion_id, "s": json.dumps(doc.texts, ensure_ascii=False)})
            if len(batch) == 500:
                with sa_db.engine.begin() as conn:
                    conn.execute(text("INSERT INTO texts VALUES (:i, CAST(:s AS jsonb))"), batch)
                batch = []
        if batch:
            with sa_db.engine.begin() as conn:
                conn.execute(text("INSERT INTO texts VALUES (:i, CAST(:s AS jsonb))"), batch)


def _incremental_pg(docs: int) -> float:
    from app.extensions import db as sa_db
    from app.search.backends.postgres import PostgresBackend
    from tests.search.documents import documents

    backend, times = PostgresBackend(), []
    for doc in documents(10, start=docs + 1000):
        t = time.perf_counter()
        backend.index([doc])
        sa_db.session.commit()
        times.append((time.perf_counter() - t) * 1000)
    backend.delete(range(docs + 1001, docs + 1011))
    sa_db.session.commit()
    return statistics.median(times)


def index_whoosh(docs: int) -> dict:
    from app.search.backends.whoosh_index import SEGMENT_DOCS, WhooshBackend
    from tests.search.documents import documents

    directory = whoosh_dir(docs)
    shutil.rmtree(directory, ignore_errors=True)
    backend = WhooshBackend(directory)
    source = Timed(docs, generation_counts=True)
    started = time.perf_counter()
    count = backend.rebuild(source, _progress(docs, "whoosh"))
    seconds = time.perf_counter() - started - source.excluded
    size = sum(p.stat().st_size for p in directory.iterdir())
    times = []
    for doc in documents(10, start=docs + 1000):
        t = time.perf_counter()
        backend.write([doc])
        times.append((time.perf_counter() - t) * 1000)
    backend.delete(range(docs + 1001, docs + 1011))
    found = {"docs_per_s": count / seconds, "index_mb": size / 2**20, "incremental_ms": statistics.median(times)}
    if docs <= SEGMENT_DOCS:  # ``parallel.ordered_map`` forks only for a second batch
        found["note"] = (f"one segment of ≤ {SEGMENT_DOCS} opinions: built in this process, no worker processes; "
                         f"the indexing target is for 100,000")
    return found


def index_baseline(docs: int) -> dict:
    """Whoosh with jieba's own ChineseAnalyzer (jieba in pure Python), the same text fields."""
    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    from app.search.document import TEXT_FIELDS

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    analyzer = ChineseAnalyzer()
    schema = Schema(opinion_id=ID(stored=True, unique=True), **{f: TEXT(analyzer=analyzer) for f in TEXT_FIELDS})
    directory = tempfile.mkdtemp(prefix="bench-search-jieba-")
    try:
        writer = index.create_in(directory, schema).writer(limitmb=256)
        source = Timed(docs)
        started = time.perf_counter()
        for doc in source:
            writer.add_document(opinion_id=str(doc.opinion_id), **{f: doc.texts.get(f, "") for f in TEXT_FIELDS})
        writer.commit()
        seconds = time.perf_counter() - started - source.excluded
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return {"docs_per_s": docs / seconds}


def _progress(total: int, label: str):
    state = {"done": 0, "next": 0, "start": time.perf_counter()}

    def step(n: int) -> None:
        state["done"] += n
        if state["done"] >= state["next"]:
            rate = state["done"] / (time.perf_counter() - state["start"])
            print(f"  {label}: {state['done']}/{total} ({rate:.0f} docs/s incl. generation)", file=sys.stderr, flush=True)
            state["next"] += max(total // 20, 1)
    return step


# --------------------------------------------------------------------------- searching (a fresh process)


def cases() -> list[tuple[str, dict]]:
    from app.documents.citations import law_keys

    found = [(q, {}) for q in TWO_WORDS + PHRASES]
    found += [(q, {"law": law_keys(law)[-1]}) for q, law in LAWS]
    found += list(FACETED)
    return found


def search_worker(backend_name: str, db: str, docs: int, rounds: int, copies: int = 1) -> dict:
    from sqlalchemy import text

    from app.extensions import db as sa_db
    from app.search.backends.base import Filters, SearchRequest
    from app.search.highlight import snippet
    from app.search.query import positive_phrases
    from app.search.results import SNIPPET_ORDER

    app = make_app(db)
    with app.app_context():
        if backend_name == "postgresql":
            from app.search.backends.postgres import PostgresBackend

            backend = PostgresBackend()
        else:
            from app.search.backends.whoosh_index import WhooshBackend

            backend = WhooshBackend(whoosh_dir(docs // copies, copies))
        latencies: dict[str, list[float]] = {}
        totals = {}
        for round_ in range(rounds + 1):   # the first round warms caches and is not counted
            for q, filters in cases():
                t = time.perf_counter()
                page = backend.search(SearchRequest(q, Filters(**filters), limit=20))
                ids = [h.opinion_id for h in page.hits]
                texts = dict(sa_db.session.execute(text("SELECT opinion_id, sections FROM texts WHERE opinion_id = ANY(:ids)"),
                                                   {"ids": ids}).all())
                phrases = positive_phrases(q)
                marked = sum(bool(snippet(texts[i], phrases, SNIPPET_ORDER).hits) for i in ids if i in texts)
                sa_db.session.rollback()
                elapsed = (time.perf_counter() - t) * 1000
                key = f"{q} {filters}" if filters else q
                if round_:
                    latencies.setdefault(key, []).append(elapsed)
                else:
                    totals[key] = (page.total, len(ids), marked)
        server = sa_db.session.execute(text("SELECT current_setting('server_version') || ', shared_buffers ' || "
                                            "current_setting('shared_buffers')")).scalar()
    every = [ms for values in latencies.values() for ms in values]
    return {"server": server, "p50_ms": statistics.median(every), "p95_ms": statistics.quantiles(every, n=20)[-1],
            "rss_mb": _status_mb("VmRSS"), "max_rss_mb": _status_mb("VmHWM"),
            "per_query": {k: [round(statistics.median(v), 1), round(max(v), 1), *totals[k]] for k, v in latencies.items()}}


def _status_mb(key: str) -> float:
    """This process's resident (``VmRSS``) or peak resident (``VmHWM``) memory. Not ``ru_maxrss``:
    Linux keeps it across ``execve``, so a worker would report the indexing parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_search(backend_name: str, args) -> dict:
    cmd = [sys.executable, __file__, "--worker", backend_name, "--docs", str(args.docs), "--db", args.db,
           "--rounds", str(args.rounds), "--replicate", str(getattr(args, "copies", 1) - 1)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report


def report(args, baseline: dict, results: dict[str, dict]) -> None:
    print(f"\n{args.docs} opinions of ~3,000 characters; machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
    print(f"baseline: Whoosh + jieba ChineseAnalyzer, {args.baseline_docs} opinions: {baseline['docs_per_s']:.1f} docs/s")
    for name, r in results.items():
        print(f"\n{name}")
        if "docs_per_s" in r:
            ratio = r["docs_per_s"] / baseline["docs_per_s"]
            print(f"  indexing           {r['docs_per_s']:8.1f} docs/s  ×{ratio:.2f} vs baseline "
                  f"(target ≥ ×{TARGETS['speedup']:.0f}: {'met' if ratio >= TARGETS['speedup'] else 'MISSED'})")
            if "note" in r:
                print(f"  ({r['note']})")
            print(f"  index size         {r['index_mb']:8.1f} MB")
            _vs_target("incremental (1 doc)", r["incremental_ms"], "incremental_ms", "ms")
        if "error" in r:
            print(f"  search FAILED: {r['error']}")
            continue
        if "p50_ms" in r:
            if name.startswith("postgresql"):   # deploy/postgresql/xinfang.conf sets shared_buffers for production
                print(f"  (PostgreSQL {r['server']})")
            _vs_target("query p50", r["p50_ms"], "p50_ms", "ms")
            _vs_target("query p95", r["p95_ms"], "p95_ms", "ms")
            _vs_target("resident memory", r["rss_mb"], "rss_mb", "MB")
            print(f"  (peak RSS {r['max_rss_mb']:.0f} MB)")
            if args.per_query:
                for key, (median, worst, total, shown, marked) in r["per_query"].items():
                    print(f"    {median:7.1f} ms (max {worst:7.1f})  {total:6d} hits, {marked}/{shown} marked  {key}")


def _vs_target(label: str, value: float, key: str, unit: str) -> None:
    target = TARGETS[key]
    print(f"  {label:<19}{value:8.1f} {unit:<6} ×{value / target:.2f} of the target {target:.0f} {unit} "
          f"({'met' if value <= target else 'MISSED'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--baseline-docs", type=int, default=2000)
    parser.add_argument("--backends", default="postgresql,whoosh")
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/bench_search")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="search what an earlier run indexed")
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--replicate", type=int, default=0, metavar="K",
                        help="then copy the indexed opinions K times (PostgreSQL: in SQL; Whoosh: its segments) "
                             "and search (K+1)×docs")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.worker:
        print(json.dumps(search_worker(args.worker, args.db, args.docs, args.rounds, args.replicate + 1)))
        return
    backends = args.backends.split(",")
    if not args.reuse and "postgresql" not in backends:
        store_texts(args.db, args.docs)  # snippets read the sections from the database, as the app does
    baseline = index_baseline(args.baseline_docs) if not args.reuse else {"docs_per_s": float("nan")}
    results: dict[str, dict] = {}
    for name in backends:
        if not args.reuse:
            results[name] = index_pg(args.db, args.docs) if name == "postgresql" else index_whoosh(args.docs)
        else:
            results[name] = {}
        results[name].update(run_search(name, args))
        if args.replicate:
            if name == "postgresql":
                replicate_pg(args.db, args.docs, args.replicate)
                copies = 1
            else:
                replicate_whoosh(args.docs, args.replicate + 1)
                copies = args.replicate + 1
            scaled = argparse.Namespace(**{**vars(args), "docs": args.docs * (args.replicate + 1), "copies": copies})
            results[f"{name}, {scaled.docs} (replicated ×{args.replicate + 1})"] = run_search(name, scaled)
    report(args, baseline, results)


if __name__ == "__main__":
    main()
