from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import JSONText, UTCDateTime, utcnow
from app.extensions import db

CONSULTATION_STATUSES = {
    "submitted": "待受理",
    "returned": "退回补正",
    "accepted": "已受理",
    "panel_drawn": "已抽取专家",
    "scheduled": "已安排会商",
    "deliberated": "已会商",
    "opinion_issued": "已出具意见",
    "closed": "已办结",
    "withdrawn": "已撤回",
}

MEMBER_STATUSES = {
    "invited": "已邀请",
    "accepted": "已接受",
    "declined": "已谢绝",
    "reserve": "候补",
    "released": "未启用",
}


class Consultation(db.Model):
    """One request by an agency for a legal review of a case, through to the issued opinion."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    questions: Mapped[str] = mapped_column(Text)
    required_specialties: Mapped[list] = mapped_column(JSONText, default=list)
    panel_size: Mapped[int] = mapped_column(Integer, default=5)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    # The tier and petition office whose pool staffs the panel (changes on escalation).
    tier: Mapped[str] = mapped_column(String(20), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    requesting_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case = relationship("Case", back_populates="consultations")
    office = relationship("Organization", foreign_keys=[office_id])
    requesting_org = relationship("Organization", foreign_keys=[requesting_org_id])
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="PanelMember.id"
    )
    draws: Mapped[list[PanelDraw]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="PanelDraw.id"
    )
    escalations: Mapped[list[Escalation]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="Escalation.id"
    )
    meetings = relationship("Meeting", back_populates="consultation", order_by="Meeting.id")
    opinions = relationship("Opinion", back_populates="consultation", order_by="Opinion.id")

    @property
    def status_label(self) -> str:
        return CONSULTATION_STATUSES.get(self.status, self.status)

    @property
    def current_opinion(self):
        """The opinion in force: the newest one not superseded (draft or issued)."""
        live = [o for o in self.opinions if o.status != "superseded"]
        return live[-1] if live else None

    @property
    def opinion_id(self) -> int | None:
        opinion = self.current_opinion
        return opinion.id if opinion is not None else None


class PanelDraw(db.Model):
    """One recorded, verifiable draw: the seed, the sorted candidate list (with what the draw
    used of each candidate) and the result. ``panel/verify`` recomputes it from these."""

    __tablename__ = "panel_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="initial")  # initial | additional_reserves
    seed: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    parameters: Mapped[dict] = mapped_column(JSONText)   # required specialties, sizes, policy
    candidates: Mapped[list] = mapped_column(JSONText)   # [{"expert_id", "specialties", "recent_load"}] sorted
    excluded: Mapped[list] = mapped_column(JSONText)     # [{"expert_id", "reason"}]
    result: Mapped[dict] = mapped_column(JSONText)       # {"members": [...], "chair": id, "reserves": [...]}
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="draws")


class PanelMember(db.Model):
    """An expert drawn for a consultation: chair, member or ranked reserve."""

    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("consultation_id", "expert_id", name="uq_panel_members_consultation_expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("panel_draws.id"))
    role: Mapped[str] = mapped_column(String(10))       # chair | member | reserve
    rank: Mapped[int | None] = mapped_column(Integer)   # reserves: 1 = first in line
    status: Mapped[str] = mapped_column(String(12), index=True)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship(back_populates="members")
    expert = relationship("Expert")

    @property
    def status_label(self) -> str:
        return MEMBER_STATUSES.get(self.status, self.status)


class Escalation(db.Model):
    """上级专家库援助: the consultation moved from one office's pool to the next tier's."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    from_office_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    to_office_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    from_tier: Mapped[str] = mapped_column(String(20))
    to_tier: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="escalations")
    from_office = relationship("Organization", foreign_keys=[from_office_id])
    to_office = relationship("Organization", foreign_keys=[to_office_id])


class ExpertRating(db.Model):
    """The officer's rating (0–100) of a panel member after a consultation closes."""

    __tablename__ = "expert_ratings"
    __table_args__ = (UniqueConstraint("consultation_id", "expert_id", name="uq_expert_ratings_consultation_expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
