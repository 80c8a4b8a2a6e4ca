"""URL converters shared by every blueprint.

``<dbid:name>`` is the one converter for database ids in URLs: digits, handed to the view only
within the id columns' range (32-bit on PostgreSQL). Anything else — 0, 2**31 and beyond, 10**20 —
is an id that does not exist, so the answer is a plain 404 (api.md: ids outside the database's
range are not found), never an overflow error from the database driver.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER columns on PostgreSQL; SQLite would take more, but no id gets there


class DbIdConverter(IntegerConverter):
    """Digits only; a value outside 1…MAX_ID becomes 0, an id no row has, so the view answers
    the same 404 as for any missing object. (Rejecting it in the converter would make Werkzeug
    answer 405 for non-GET methods when another rule of the path allows GET.)"""

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if 1 <= number <= MAX_ID else 0


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
