"""gunicorn settings for deploy/systemd/xinfang.service (``gunicorn --config deploy/gunicorn.conf.py``).

Workers: ``GUNICORN_WORKERS`` (default 4 on PostgreSQL; use 2 with the embedded SQLite database,
whose single writer makes more workers wait rather than work). nginx (deploy/nginx/xinfang.conf)
proxies to ``bind``; the app writes its own JSON access lines, so gunicorn's access log is off.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
timeout = 120            # the slowest request: issuing renders and signs a PDF
graceful_timeout = 30    # a restart lets running requests finish
keepalive = 5            # nginx keeps connections to the upstream open
max_requests = 2000      # recycle workers now and then
max_requests_jitter = 200
accesslog = None         # the app logs each request (logger app.access, JSON with the request id)
errorlog = "-"           # to the journal
loglevel = "info"
preload_app = False      # each worker opens its own database connections


def child_exit(server, worker):
    """A worker is gone: prometheus_client's multiprocess mode drops its live gauges (its counters
    and histograms stay counted)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
