"""What a second app server needs and would otherwise find only on the first: stored files in
the database (``STORAGE_BACKEND=database``) and the app's secrets (the session key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db


class StoredChunk(db.Model):
    """One piece (at most ``CHUNK`` bytes) of a stored object; the object is its chunks ordered by
    ``seq``, and exists while its chunk 0 does. All chunks are written in one transaction."""

    __tablename__ = "stored_chunks"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AppSecret(db.Model):
    """A secret every server of one deployment shares (``secret_key``), created once."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
