"""Supervision rows: extension requests (延期申请), supervision notices (督办单) and the record of
alerts already sent (one row per item, threshold and due date — what makes ``supervision run``
send each alert once)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Case
from app.consultations.models import Consultation
from app.db_types import UTCDateTime, utcnow
from app.extensions import db
from app.timeutil import iso

EXTENSION_STATUSES = {"pending": "待审批", "approved": "已批准", "rejected": "未批准"}
NOTICE_STATUSES = {"open": "待回复", "replied": "已回复"}


class ExtensionRequest(db.Model):
    """The agency asks to extend a case's handling deadline; the petition office decides."""

    __tablename__ = "case_extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    due_before: Mapped[date | None] = mapped_column(Date)
    due_after: Mapped[date | None] = mapped_column(Date)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    case = relationship("Case")

    @property
    def status_label(self) -> str:
        return EXTENSION_STATUSES.get(self.status, self.status)

    def to_dict(self) -> dict:
        return {"id": self.id, "case_id": self.case_id, "days": self.days, "reason": self.reason, "status": self.status,
                "due_before": _iso(self.due_before), "due_after": _iso(self.due_after),
                "requested_at": _iso(self.requested_at), "decided_at": _iso(self.decided_at),
                "decision_note": self.decision_note}


class SupervisionNotice(db.Model):
    """督办单: a petition office's notice to the handling agency, numbered like other documents."""

    __tablename__ = "supervision_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    number_year: Mapped[int] = mapped_column(Integer)
    number_seq: Mapped[int] = mapped_column(Integer)
    requirements: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reply_text: Mapped[str | None] = mapped_column(Text)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case")
    office = relationship("Organization", foreign_keys=[office_id])
    agency = relationship("Organization", foreign_keys=[agency_id])

    @property
    def status_label(self) -> str:
        return NOTICE_STATUSES.get(self.status, self.status)

    def to_dict(self) -> dict:
        return {"id": self.id, "number": self.number, "case_id": self.case_id, "office_id": self.office_id,
                "agency_id": self.agency_id, "requirements": self.requirements, "due_on": _iso(self.due_on),
                "status": self.status, "issued_at": _iso(self.issued_at), "reply": self.reply_text,
                "replied_at": _iso(self.replied_at)}


class SupervisionAlert(db.Model):
    """An alert that was sent: ``supervision run`` inserts one per (item, threshold, due date)
    and notifies only when the row is new. A moved due date (an approved extension) starts over."""

    __tablename__ = "supervision_alerts"
    __table_args__ = (UniqueConstraint("kind", "item_id", "threshold", "due_on", name="uq_supervision_alerts_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    item_id: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    run_on: Mapped[date] = mapped_column(Date)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return iso(value)
    return value.isoformat()


# The dashboards' grouped pass over cases reads only this index (migration 0008).
Index("ix_cases_supervision", Case.status, Case.is_backlog, Case.category, Case.region_code, Case.due_date,
      Case.accepted_on, Case.created_at, Case.handling_org_id)
Index("ix_consultations_status_created", Consultation.status, Consultation.created_at)
