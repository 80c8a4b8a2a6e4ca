"""Gap-free counters (case numbers, opinion document numbers) that stay unique under
concurrent requests on SQLite and PostgreSQL.

``next_value`` is a single atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` inside the
caller's transaction: PostgreSQL row-locks the counter until commit, SQLite serializes writers.
A rolled-back transaction rolls its increment back too, so numbers have no gaps.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Sequence(db.Model):
    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


def next_value(name: str) -> int:
    stmt = text(
        "INSERT INTO sequences (name, value) VALUES (:name, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value"
    )
    return db.session.execute(stmt, {"name": name}).scalar_one()
