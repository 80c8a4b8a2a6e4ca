from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import JSONText, UTCDateTime, utcnow
from app.extensions import db
from expert_pool import regions
from expert_pool.codes import CATEGORIES, CROSS_FLAGS

CASE_STATUSES = {
    "registered": "已登记",
    "consulting": "会商中",
    "opinion_issued": "已出具意见",
    "closed": "已办结",
}

case_cooperating_orgs = Table(
    "case_cooperating_orgs",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True),
)


class Case(db.Model):
    """A petition matter in the ledger (台账)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    claims: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    handling_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    lead_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    first_petition_date: Mapped[date | None] = mapped_column(Date)
    repeat_letters: Mapped[int] = mapped_column(Integer, default=0)
    repeat_visits: Mapped[int] = mapped_column(Integer, default=0)
    repeat_online: Mapped[int] = mapped_column(Integer, default=0)
    cross_flags: Mapped[list] = mapped_column(JSONText, default=list)
    responsible_leader: Mapped[str] = mapped_column(String(64), default="")
    is_backlog: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="registered", index=True)
    # Handling deadline (《信访工作条例》: 60 days from acceptance, extendable once by up to 30):
    # ``due_date`` is stored, computed by app.cases.deadlines.handling_due from ``accepted_on``,
    # the approved extension (counted in the handling rule's unit) and the rules in force.
    accepted_on: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    extension_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    handling_org = relationship("Organization", foreign_keys=[handling_org_id])
    lead_org = relationship("Organization", foreign_keys=[lead_org_id])
    cooperating_orgs = relationship("Organization", secondary=case_cooperating_orgs, order_by="Organization.id")
    petitioners: Mapped[list[Petitioner]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Petitioner.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    consultations = relationship("Consultation", back_populates="case", order_by="Consultation.id")

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @property
    def status_label(self) -> str:
        return CASE_STATUSES.get(self.status, self.status)

    @property
    def cross_flag_labels(self) -> list[str]:
        return [CROSS_FLAGS[f] for f in self.cross_flags or [] if f in CROSS_FLAGS]

    @property
    def region_name(self) -> str:
        return regions.name(self.region_code)


class Petitioner(db.Model):
    """信访人. Personal data: shown only to those who may see the case, never in precedents."""

    __tablename__ = "petitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(200), default="")

    case: Mapped[Case] = relationship(back_populates="petitioners")

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "id_number": self.id_number, "phone": self.phone,
                "address": self.address}


class Attachment(db.Model):
    """A file attached to a case; the bytes live under instance/files/<sha256>."""

    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="attachments")

    def to_dict(self) -> dict:
        return {"id": self.id, "filename": self.filename, "content_type": self.content_type, "size": self.size,
                "sha256": self.sha256, "description": self.description}
