"""Structured logs: one JSON object per line (``LOG_FORMAT=json``), or plain text, for the app's
logger and one access line per request (logger ``app.access``).

Each record made during a request carries the request's id, method, path (never the query
string: it may hold search terms or names) and signed-in user id; the access line adds the
status and the duration. Outside a request (CLI workers) those fields are left out.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect as sa_inspect

from app.ops import request_id

ACCESS_LOGGER = "app.access"
HANDLER_KEY = "ops_log_handler"  # app.extensions: the handler this module installed
REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")


def user_id() -> int | None:
    """The signed-in user of this request, if one was already loaded. Read from the object's
    identity, never its attributes: after a commit they are expired, and reading one is a query.
    The access line is written after the response is made; during a database outage that query
    raised there and turned a 503 into gunicorn's own 500 page."""
    for key in ("api_user", "_login_user"):
        user = g.get(key)
        state = sa_inspect(user, raiseerr=False) if user is not None else None
        if state is not None and state.identity:
            return state.identity[0]
    return None


class RequestContextFilter(logging.Filter):
    """Adds the request's fields to every record made while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            if getattr(record, "request_id", None) is None:
                record.request_id = request_id.current()
            if getattr(record, "method", None) is None:
                record.method = request.method
            if getattr(record, "path", None) is None:
                record.path = request.path
            if getattr(record, "user_id", None) is None:
                record.user_id = user_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return super().format(record)


def log_format(app: Flask) -> str:
    """``LOG_FORMAT`` as configured; unset means JSON under gunicorn (production) and text else."""
    configured = app.config.get("LOG_FORMAT")
    if configured is None:
        return "json" if "gunicorn" in sys.modules else "text"
    return configured.strip().lower()


def configure(app: Flask) -> None:
    """Send the app's records (``app`` and below, so ``app.access`` too) to stderr in the chosen
    format; "" leaves logging to the host. Installed once per app; a second app in the same
    process (tests) replaces the first's handler rather than doubling every line."""
    fmt = log_format(app)
    if fmt not in ("json", "text"):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RequestContextFilter())
    handler.set_name(HANDLER_KEY)
    logger = app.logger  # "app": the package's modules log under it too (logging.getLogger(__name__))
    for old in [h for h in logger.handlers if h.get_name() == HANDLER_KEY or h is default_handler]:
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(app.config.get("LOG_LEVEL") or "INFO")
    logger.propagate = False  # not twice through the root logger (gunicorn's own handlers)
    app.extensions[HANDLER_KEY] = handler


def access(status: int, duration_ms: float) -> None:
    """The request's access line."""
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %s", request.method, request.path, status,
        extra={"status": status, "duration_ms": round(duration_ms, 1)},
    )
