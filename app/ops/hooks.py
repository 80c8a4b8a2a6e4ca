"""The request hooks of operations: the request id, timing, the metrics and the access line."""

from __future__ import annotations

import time

from flask import Flask, g, request

from app.auth.signals import sign_in_failed
from app.ops import logs, metrics, request_id


def init_app(app: Flask) -> None:
    logs.configure(app)
    sign_in_failed.connect(metrics.sign_in_failed)  # blinker: connecting again is a no-op

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        request_id.current()

    @app.after_request
    def finish_request(response):
        response.headers[request_id.HEADER] = request_id.current()
        started = g.pop("request_started", None)
        if started is not None:
            seconds = time.perf_counter() - started
            rule = request.url_rule.rule if request.url_rule is not None else None
            metrics.observe(request.method, rule, response.status_code, seconds)
            logs.access(response.status_code, seconds * 1000)
        return response

    @app.context_processor
    def inject_request_id():
        return {"request_id": request_id.current()}
