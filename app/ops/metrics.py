"""Prometheus metrics (prometheus_client, the Prometheus project's own Python client).

- ``xf_http_requests_total{method,route,status}``: requests per route — the URL rule
  (``/cases/<dbid:case_id>``), never the raw path, so the label set stays bounded — and status
  class (``2xx`` … ``5xx``);
- ``xf_http_request_duration_seconds{method,route}``: latency histogram per route;
- ``xf_sign_in_failures_total{reason}``: wrong passwords (``invalid_credentials``) and tries the
  throttle refused (``throttled``), counted where app/auth records them (its signal);
- ``xf_outbox_messages{state}``: the e-mail outbox by state (``pending``, ``sending``, ``failed``),
  read from the database at scrape time.

Under gunicorn every worker is a process with its own counters. With ``PROMETHEUS_MULTIPROC_DIR``
set (an empty directory, emptied at every start: deploy/xinfang.service does it), prometheus_client
writes each worker's values to files there and ``/metrics`` adds them up over all workers.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from app.notifications import outbox

disable_created_metrics()  # no *_created series: one timestamp per label set is only noise here

# This process's metrics. In multiprocess mode their values go to files instead, and a scrape
# reads the files (MultiProcessCollector), not this registry.
REGISTRY = CollectorRegistry(auto_describe=True)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "<unmatched>"  # a path no rule matched (404): one label value for all of them
OUTBOX_STATES = ("pending", "sending", "failed")

REQUESTS = Counter("xf_http_requests", "HTTP requests by route and status class",
                   ("method", "route", "status"), registry=REGISTRY)
LATENCY = Histogram("xf_http_request_duration_seconds", "HTTP request duration by route",
                    ("method", "route"), buckets=BUCKETS, registry=REGISTRY)
SIGN_IN_FAILURES = Counter("xf_sign_in_failures", "Failed sign-in attempts", ("reason",), registry=REGISTRY)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def observe(method: str, route: str | None, status: int, seconds: float) -> None:
    route = route or UNMATCHED
    REQUESTS.labels(method, route, f"{status // 100}xx").inc()
    LATENCY.labels(method, route).observe(seconds)


def sign_in_failed(sender=None, *, reason: str = "invalid_credentials", **_) -> None:
    """Receiver of app.auth.signals.sign_in_failed."""
    SIGN_IN_FAILURES.labels(reason).inc()


class OutboxCollector:
    """The outbox gauge, counted when scraped (one grouped query), so it is the same whichever
    worker answers and needs no multiprocess bookkeeping."""

    def collect(self):
        counts = outbox.status_counts()
        family = GaugeMetricFamily("xf_outbox_messages", "E-mails in the outbox by state", labels=("state",))
        for state in OUTBOX_STATES:
            family.add_metric((state,), counts.get(state, 0))
        yield family


def exposition() -> tuple[bytes, str]:
    """The text format of every metric: the request metrics (this process's, or all workers'
    from PROMETHEUS_MULTIPROC_DIR) followed by the outbox gauge."""
    directory = multiprocess_dir()
    if directory:
        requests = CollectorRegistry()
        MultiProcessCollector(requests, path=directory)
    else:
        requests = REGISTRY
    backlog = CollectorRegistry(auto_describe=False)
    backlog.register(OutboxCollector())
    return generate_latest(requests) + generate_latest(backlog), CONTENT_TYPE_LATEST
