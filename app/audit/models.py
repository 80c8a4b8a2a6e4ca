from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import JSONText, UTCDateTime, utcnow
from app.extensions import db


class AuditEntry(db.Model):
    """Append-only, hash-chained record of who did what, when, with before/after values."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str] = mapped_column(String(32), default="", index=True)
    object_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The record this entry belongs to in timelines/histories, e.g. "expert:12" for a conflict
    # declaration of expert 12 (object_type/object_id name the row actually changed).
    subject: Mapped[str | None] = mapped_column(String(48), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSONText)
    after: Mapped[dict | None] = mapped_column(JSONText)
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
