from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.extensions import db
from app.timeutil import iso
from expert_pool import regions
from expert_pool.codes import EXPERT_STATUSES, POOL_TIERS, SPECIALTIES


class Expert(db.Model):
    """A member of one tier's expert pool (专家库)."""

    __tablename__ = "experts"
    # The roster's matching key: one person appears once per tier's pool, identified by mobile.
    __table_args__ = (
        UniqueConstraint("tier", "phone", name="uq_experts_tier_phone"),
        # The list's filter and sort order: a page of 20 without sorting every match.
        Index("ix_experts_tier_region_code_id", "tier", "region_code", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    tier: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    employer: Mapped[str] = mapped_column(String(120), index=True)
    employer_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    term_end: Mapped[date | None] = mapped_column(Date)
    max_open_consultations: Mapped[int] = mapped_column(Integer, default=3)
    # Optimistic concurrency: every update bumps it; a stale edit is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    specialty_rows: Mapped[list[ExpertSpecialty]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", lazy="selectin", order_by="ExpertSpecialty.specialty"
    )
    employer_organization = relationship("Organization")
    conflicts: Mapped[list[ConflictDeclaration]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="ConflictDeclaration.id"
    )
    unavailability: Mapped[list[Unavailability]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="Unavailability.start"
    )

    @property
    def specialties(self) -> list[str]:
        order = list(SPECIALTIES)
        return sorted((row.specialty for row in self.specialty_rows), key=order.index)

    @specialties.setter
    def specialties(self, codes: list[str]) -> None:
        wanted = list(dict.fromkeys(codes))
        keep = [row for row in self.specialty_rows if row.specialty in wanted]
        have = {row.specialty for row in keep}
        self.specialty_rows = keep + [ExpertSpecialty(specialty=c) for c in wanted if c not in have]

    @property
    def specialty_labels(self) -> list[str]:
        return [SPECIALTIES[c] for c in self.specialties]

    @property
    def tier_label(self) -> str:
        return POOL_TIERS.get(self.tier, self.tier)

    @property
    def status_label(self) -> str:
        return EXPERT_STATUSES.get(self.status, self.status)

    @property
    def region_name(self) -> str:
        return regions.name(self.region_code)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "tier": self.tier,
            "region_code": self.region_code,
            "employer": self.employer,
            "employer_organization_id": self.employer_organization_id,
            "title": self.title,
            "specialties": self.specialties,
            "phone": self.phone,
            "email": self.email,
            "status": self.status,
            "term_end": self.term_end.isoformat() if self.term_end else None,
            "max_open_consultations": self.max_open_consultations,
            "version": self.version,
        }


class ExpertSpecialty(db.Model):
    __tablename__ = "expert_specialties"

    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True)
    specialty: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

    expert: Mapped[Expert] = relationship(back_populates="specialty_rows")


class ConflictDeclaration(db.Model):
    """A declared conflict of interest (回避申报) with an organization, a person or a case."""

    __tablename__ = "expert_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    expert: Mapped[Expert] = relationship(back_populates="conflicts")
    organization = relationship("Organization")

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "expert_id": self.expert_id,
            "organization_id": self.organization_id,
            "person_name": self.person_name,
            "case_id": self.case_id,
            "reason": self.reason,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


class Unavailability(db.Model):
    """A period the expert cannot serve (出差、开庭、休假…)."""

    __tablename__ = "expert_unavailability"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    expert: Mapped[Expert] = relationship(back_populates="unavailability")

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "expert_id": self.expert_id,
            "start": iso(self.start),
            "end": iso(self.end),
            "reason": self.reason,
        }
