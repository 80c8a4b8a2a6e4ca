"""URL converters shared by every blueprint.

``<dbid:name>`` is the one converter for database ids in URLs: a positive integer within the
id columns' range (32-bit on PostgreSQL). Anything else — 0, negative, 2**31 and beyond, 10**20 —
does not match the route, so the answer is a plain 404 (api.md: ids outside the database's range
are not found), never an overflow error from the database driver.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER columns on PostgreSQL; SQLite would take more, but no id gets there


class DbIdConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


def init_app(app) -> None:
    """Register the converters; must run before the blueprints add their rules."""
    app.url_map.converters["dbid"] = DbIdConverter


def parse_id(raw: str | None) -> int | None:
    """An id given as text (query argument, form field) if it is one the database can hold."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None
