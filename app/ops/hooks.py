"""The request hooks of operations: the request id, timing, the metrics and the access line."""

from __future__ import annotations

import time

from flask import Flask, request

from app.auth.signals import sign_in_failed
from app.ops import logs, metrics, request_id

STARTED_KEY = "xinfang.request_started"  # in the WSGI environ, like the request id


def init_app(app: Flask) -> None:
    logs.configure(app)
    sign_in_failed.connect(metrics.sign_in_failed)  # blinker: connecting again is a no-op

    @app.before_request
    def start_request() -> None:
        request.environ[STARTED_KEY] = time.perf_counter()
        request_id.current()

    @app.after_request
    def finish_request(response):
        response.headers[request_id.HEADER] = request_id.current()
        started = request.environ.pop(STARTED_KEY, None)
        if started is not None:
            seconds = time.perf_counter() - started
            rule = request.url_rule.rule if request.url_rule is not None else None
            try:
                metrics.observe(request.method, rule, response.status_code, seconds)
            except OSError:  # an unwritable PROMETHEUS_MULTIPROC_DIR costs the figure, never the answer
                app.logger.warning("metrics not recorded", exc_info=True)
            logs.access(response.status_code, seconds * 1000)
        return response

    @app.context_processor
    def inject_request_id():
        return {"request_id": request_id.current()}
