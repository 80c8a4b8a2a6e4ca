"""Column types shared by the models."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC on every backend.

    SQLite has no time zones; PostgreSQL would convert with the session zone. Storing naive
    UTC everywhere and returning aware UTC keeps both backends identical."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class JSONText(TypeDecorator):
    """JSON kept as text with sorted keys: deterministic bytes for hashing, portable."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return json.loads(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


def render_migration_type(type_: str, obj, autogen_context):
    """Alembic autogenerate hook: write our column types as the plain SQLAlchemy types they
    store, so migrations do not import application code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    if type_ == "type" and isinstance(obj, JSONText):
        return "sa.Text()"
    return False
