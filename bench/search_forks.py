"""Whoosh distributions compared on realistic opinions: indexing speed, index size and query
latency, each figure printed beside the baseline fork (whoosh-reloaded, pinned today) as a ratio.

Run: ``/work/main/.venv/bin/python bench/search_forks.py [--count 5000] [--forks reloaded,whoosh3,ng]``
(5,000 opinions: about 2 minutes per fork on 2 cores; ``--count 100000`` to scale up).

Each fork runs in its own virtualenv ``/tmp/wv-<fork>`` (created on first use, without the
system site-packages, holding only the fork and rjieba), as a subprocess of this script started
with ``--worker``: so the forks, which all install the ``whoosh`` package, never meet. A worker
indexes ``--count`` opinions from ``tests.search.corpus`` with one writer and one commit, then
runs a mix of 2-word, phrase and field-filtered queries (category, province/city region codes,
cited provision), each rendering the top 20 with highlighted snippets, and prints one JSON line.

The analyzer is a plain rjieba one defined here (search-mode segmentation, positions numbered
token by token so that phrases work): the same for every fork, so that only Whoosh differs.
"""

from __future__ import annotations

import argparse
import json
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
FORKS = {  # name → requirement; the first is the baseline
    "reloaded": "whoosh-reloaded==2.7.5",
    "whoosh3": "whoosh3==3.54.0",
    "ng": "whoosh-ng==5.4.0",
}
TWO_WORDS = ("征地 补偿", "视同缴费年限 学徒", "专项维修资金 表决", "宅基地 确权", "最低生活保障 停发",
             "农民工 工资", "工伤 认定", "评估 价格", "依法 终结", "承包地 流转")
PHRASES = ('"区片综合地价"', '"停产停业损失"', '"视同缴费年限"', '"违法占用耕地"', '"息诉罢访"',
           '"集体经济组织成员资格"', '"逾期未反馈视为同意"', '"复核意见"')
FILTERED = (  # (query, {field: value})
    ("补偿", {"category": "land_expropriation"}), ("信访 终结", {"region": "320000"}),
    ("养老金", {"region": "330100", "category": "labor_social_security"}), ("评估", {"law": "国有土地上房屋征收与补偿条例第十九条第一款"}),
    ("办理 期限", {"law": "信访工作条例第三十三条"}), ("调解", {"category": "health", "year": "2024"}),
)


# --------------------------------------------------------------------------- worker (inside a fork's venv)

def _law_key(citation: str) -> str:
    return citation.replace("《", "").replace("》", "").removeprefix("中华人民共和国")


def _fields(record: dict) -> dict:
    from tests.search.corpus import full_text

    code = record["region_code"]
    return {
        "id": record["id"], "title": record["title"], "body": full_text(record), "category": record["category"],
        "region": " ".join((code[:2] + "0000", code[:4] + "00", code)), "year": record["date"][:4],
        "law": " ".join(_law_key(c) for c in record["legal_basis"]),
    }


def worker(count: int, length: int, seed: int) -> dict:
    import resource

    from whoosh import index
    from whoosh.fields import ID, KEYWORD, TEXT, Schema
    from whoosh.qparser import QueryParser
    from whoosh.query import And, Term

    from tests.search.corpus import generate_opinions

    from search_analyzer import RjiebaTokenizer   # importable by name: Whoosh pickles the schema

    analyzer = RjiebaTokenizer()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                    body=TEXT(analyzer=analyzer, stored=True), category=ID(stored=True), region=KEYWORD,
                    year=ID(stored=True), law=KEYWORD)
    directory = tempfile.mkdtemp(prefix="bench-whoosh-")
    try:
        ix = index.create_in(directory, schema)
        writer = ix.writer(limitmb=256)
        generating = 0.0
        started = time.perf_counter()
        records = generate_opinions(count, seed=seed, length=length)
        for _ in range(count):
            t = time.perf_counter()
            fields = _fields(next(records))
            generating += time.perf_counter() - t
            writer.add_document(**fields)
        writer.commit()
        indexing = time.perf_counter() - started - generating
        size = sum(p.stat().st_size for p in Path(directory).iterdir())

        parser = QueryParser("body", ix.schema)
        cases = [(q, {}) for q in TWO_WORDS + PHRASES] + list(FILTERED)
        latencies, hits, failures = [], [], {}
        with ix.searcher() as searcher:
            for round_ in range(4):   # the first round warms caches and is not counted
                for text, filters in cases:
                    t = time.perf_counter()
                    try:
                        query = parser.parse(text)
                        flt = And([Term(f, v) for f, v in filters.items()]) if filters else None
                        results = searcher.search(query, limit=20, filter=flt)
                        snippets = [hit.highlights("body") for hit in results]
                    except Exception as error:   # a fork that fails a query: count it, time the rest
                        failures.setdefault(text, f"{type(error).__name__}: {error}"[:120])
                        continue
                    elapsed = time.perf_counter() - t
                    if round_:
                        latencies.append(elapsed * 1000)
                    else:
                        hits.append((len(results), sum(bool(s) for s in snippets)))
        ix.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    from importlib import metadata
    dist = next((d for d in ("whoosh3", "whoosh-ng", "whoosh-reloaded") if _installed(metadata, d)), "?")
    return {
        "distribution": f"{dist} {metadata.version(dist)}", "python": platform.python_version(),
        "docs_per_s": count / indexing, "index_mb": size / 2**20,
        "p50_ms": statistics.median(latencies), "p95_ms": statistics.quantiles(latencies, n=20)[-1],
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "hits": hits, "failures": failures,
    }


def _installed(metadata, name: str) -> bool:
    try:
        metadata.version(name)
        return True
    except metadata.PackageNotFoundError:
        return False


# --------------------------------------------------------------------------- driver

def ensure_venv(name: str) -> Path:
    venv = Path(f"/tmp/wv-{name}")
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", FORKS[name], "rjieba"], check=True)
    return python


def run_fork(name: str, args) -> dict:
    python = ensure_venv(name)
    cmd = [str(python), __file__, "--worker", "--count", str(args.count), "--length", str(args.length), "--seed", str(args.seed)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict[str, dict]) -> None:
    base = results[next(iter(results))]
    rows = (("docs_per_s", "indexing docs/s", True), ("index_mb", "index MB", False),
            ("p50_ms", "query p50 ms", False), ("p95_ms", "query p95 ms", False), ("max_rss_mb", "max RSS MB", False))
    for name, r in results.items():
        print(f"\n{name}: {r.get('distribution', '')} (Python {r.get('python', '?')})")
        if "error" in r:
            print(f"  FAILED: {r['error']}")
            continue
        for key, label, higher_better in rows:
            ratio = r[key] / base[key] if "error" not in base and base[key] else float("nan")
            better = "higher is better" if higher_better else "lower is better"
            print(f"  {label:<16}{r[key]:>10.1f}   ×{ratio:.2f} vs baseline ({better})")
        for text, error in r.get("failures", {}).items():
            print(f"  query FAILED     {text}: {error}")
        same = "same" if "error" not in base and r["hits"] == base["hits"] else "DIFFERENT"
        print(f"  results          {same} hit counts and snippets as the baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--length", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--forks", default=",".join(FORKS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
        print(json.dumps(worker(args.count, args.length, args.seed)))
        return
    print(f"{args.count} opinions of ~{args.length} characters; machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{platform.platform()}")
    results = {name: run_fork(name, args) for name in args.forks.split(",")}
    report(results)


if __name__ == "__main__":
    main()
