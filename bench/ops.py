"""Benchmark: what watching the platform costs — ``GET /healthz`` and ``GET /metrics`` (targets
≤ 50 ms each, p95), and the per-request cost of the operations hooks (request id, latency
histogram, JSON access line) against the request they wrap.

Run: ``.venv/bin/python bench/ops.py [--requests 200] [--database-url URL]`` (≈20 s). A fresh
database (a temporary SQLite file unless ``--database-url``/``BENCH_DATABASE_URL`` names a
PostgreSQL database) with 2,000 outbox e-mails in mixed states; JSON logs are written to
/dev/null. Times are wall-clock through the Flask test client; on a shared machine they are
inflated by others' load (the load average is printed).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_MS = 50.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, values: list[float], target: float | None) -> None:
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    ratio = f"  p95/target {p95 / target:.2f}" if target else ""
    print(f"{name:<44} p50 {p50:8.2f} ms  p95 {p95:8.2f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.notifications.models import OutboxEmail
    from app.ops import logs, metrics

    instance = tempfile.mkdtemp(prefix="xf-bench-ops-")
    url = args.database_url or f"sqlite:///{instance}/bench.db"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": instance, "LOG_FORMAT": "json"})
    logs.configure(app)
    app.extensions[logs.HANDLER_KEY].setStream(open(os.devnull, "w"))  # noqa: SIM115 (lives as long as the run)
    with app.app_context():
        upgrade()
        states = ("pending", "sending", "failed", "sent")
        db.session.add_all(OutboxEmail(message_id=f"<bench-{i}@ops>", to_address="a@example.cn", subject="s",
                                       body="b", status=states[i % 4]) for i in range(2000))
        db.session.commit()
    client = app.test_client()
    for _ in range(20):  # warm: imports, connections, the search backend
        client.get("/healthz")
        client.get("/metrics")
        client.get("/no-such-page")

    n = args.requests
    print(f"bench/ops.py  {n} requests each, database {url.split(':')[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    report("GET /healthz", timed(lambda: client.get("/healthz"), n), TARGET_MS)
    report("GET /metrics (2,000 outbox rows)", timed(lambda: client.get("/metrics"), n), TARGET_MS)
    whole = timed(lambda: client.get("/no-such-page"), n)
    report("GET /no-such-page (404 page, whole request)", whole, None)

    access = logging.getLogger(logs.ACCESS_LOGGER)
    with app.test_request_context("/cases/1"):
        def hooks():
            metrics.observe("GET", "/cases/<dbid:case_id>", 200, 0.01)
            access.info("GET /cases/1 200", extra={"status": 200, "duration_ms": 10.0})
        cost = timed(hooks, n * 10)
    report("ops hooks alone (histogram + JSON line)", cost, None)
    print(f"{'hooks / a cheap whole request (p50)':<44} {statistics.median(cost) / statistics.median(whole):.3f}")


if __name__ == "__main__":
    main()
