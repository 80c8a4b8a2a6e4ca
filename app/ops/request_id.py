"""The request id: taken from ``X-Request-ID`` when the proxy (nginx's ``$request_id``) or the
client sent a sane one, made here otherwise; returned in the response header, written on every
log line of the request and shown on error pages, so a user can quote it to the operator."""

from __future__ import annotations

import re
import uuid

from flask import has_request_context, request

HEADER = "X-Request-ID"
ENVIRON_KEY = "xinfang.request_id"  # kept in the WSGI environ: one per request, whatever the app context
# Letters, digits and a few separators, at most 64: nothing that could forge a log line or
# break out of an HTML attribute, nothing long enough to flood the logs.
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def new_id() -> str:
    return uuid.uuid4().hex


def accept(value: str | None) -> str:
    """The given id if it is sane, else a fresh one."""
    value = (value or "").strip()
    return value if SANE.fullmatch(value) else new_id()


def current() -> str | None:
    """This request's id (made on first use), or None outside a request."""
    if not has_request_context():
        return None
    found = request.environ.get(ENVIRON_KEY)
    if found is None:
        found = request.environ[ENVIRON_KEY] = accept(request.headers.get(HEADER))
    return found
