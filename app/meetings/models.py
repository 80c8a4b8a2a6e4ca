from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.extensions import db

MEETING_MODES = {"onsite": "现场会商", "video": "视频会商"}
MEETING_STATUSES = {"scheduled": "已安排", "cancelled": "已取消", "held": "已召开"}


class Meeting(db.Model):
    """A scheduled consultation session. ``uid`` is stable for calendar clients; ``sequence``
    rises on every change (RFC 5545)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    mode: Mapped[str] = mapped_column(String(10))
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="scheduled", index=True)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation", back_populates="meetings")
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendance.expert_id"
    )

    @property
    def mode_label(self) -> str:
        return MEETING_MODES.get(self.mode, self.mode)

    @property
    def status_label(self) -> str:
        return MEETING_STATUSES.get(self.status, self.status)


class MeetingAttendance(db.Model):
    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), primary_key=True)
    attended: Mapped[bool] = mapped_column(Boolean, default=True)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    expert = relationship("Expert")
