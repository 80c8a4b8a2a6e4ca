from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ColumnElement, ForeignKey, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
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

# Panel roles and member statuses: the one place that spells them. Who sits on a panel, who
# accepted, who is next in line are methods of Consultation and PanelMember below.
CHAIR, MEMBER, RESERVE = "chair", "member", "reserve"
INVITED, ACCEPTED, DECLINED = "invited", "accepted", "declined"
IN_LINE, RELEASED = "reserve", "released"  # a reserve waiting to be promoted; one no longer needed
SEATED_ROLES = (CHAIR, MEMBER)
ROLE_ORDER = {CHAIR: 0, MEMBER: 1}
# A chair or member invited or accepted holds the seat: the expert sees the consultation and its
# case, counts on the panel (meetings, capacity, vacancies). Declined seats hold nothing.
HOLDING_STATUSES = (INVITED, ACCEPTED)

MEMBER_STATUSES = {
    INVITED: "已邀请",
    ACCEPTED: "已接受",
    DECLINED: "已谢绝",
    IN_LINE: "候补",
    RELEASED: "未启用",
}
PANEL_ROLES = {CHAIR: "组长", MEMBER: "成员", RESERVE: "候补"}


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

    @property
    def has_minutes(self) -> bool:
        """Whether the panel met: a meeting was held and its minutes recorded. Signing and
        issuing the opinion wait for it (drafting may start before)."""
        return any(m.status == "held" and m.minutes_recorded_at is not None for m in self.meetings)

    # --- the panel -------------------------------------------------------------------------

    def seats(self) -> list[PanelMember]:
        """Every chair and member seat, whatever the answer (declined too), in drawing order."""
        return [m for m in self.members if m.has_seat_role]

    def seated_members(self) -> list[PanelMember]:
        """Chair and members holding their seat (invited or accepted), in drawing order."""
        return [m for m in self.members if m.is_seated]

    def accepted_members(self) -> list[PanelMember]:
        """Chair and members who accepted, chair first (they sit, sign and are rated)."""
        return sorted((m for m in self.members if m.is_accepted), key=PanelMember.chair_first)

    def awaiting_members(self) -> list[PanelMember]:
        """Chair and members invited who have not answered yet, chair first."""
        return sorted((m for m in self.members if m.awaits_answer), key=PanelMember.chair_first)

    def reserves(self) -> list[PanelMember]:
        """Reserves still in line, best rank first (the next to be promoted)."""
        return sorted((m for m in self.members if m.is_in_line), key=lambda m: m.rank or 0)

    def chair(self) -> PanelMember | None:
        """The seated chair (invited or accepted), if the seat is held."""
        return next((m for m in self.members if m.is_seated and m.is_chair), None)

    def vacant_roles(self) -> list[str]:
        """The roles of seats nobody holds (after declines): the chair first, then members."""
        missing = self.panel_size - len(self.seated_members())
        if missing <= 0:
            return []
        roles = [] if self.chair() is not None else [CHAIR]
        return (roles + [MEMBER] * missing)[:missing]

    def seat_of(self, expert_id: int | None) -> PanelMember | None:
        """The expert's seat as chair or member, in any status (never a reserve's place)."""
        if expert_id is None:
            return None
        return next((m for m in self.seats() if m.expert_id == expert_id), None)

    def seat_of_user(self, user) -> PanelMember | None:
        """The signed-in expert's own seat; None for every other role."""
        if getattr(user, "role", None) != "expert":
            return None
        return self.seat_of(getattr(user, "expert_id", None))

    def sees_through_seat(self, expert_id: int | None) -> bool:
        """The expert sees this consultation (and its case) because they hold a seat on its
        panel. The same rule as SQL is ``PanelMember.is_seated`` (used by the list clauses)."""
        seat = self.seat_of(expert_id)
        return seat is not None and seat.is_seated


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

    @property
    def role_label(self) -> str:
        return PANEL_ROLES.get(self.role, self.role)

    @property
    def is_chair(self) -> bool:
        return self.role == CHAIR

    @property
    def has_seat_role(self) -> bool:
        """Drawn (or promoted) as chair or member, whatever the answer; not a reserve."""
        return self.role in SEATED_ROLES

    @property
    def has_declined(self) -> bool:
        return self.status == DECLINED

    @property
    def is_in_line(self) -> bool:
        """A ranked reserve not yet promoted (nor released)."""
        return self.role == RESERVE and self.status == IN_LINE

    def chair_first(self) -> tuple:
        """Sort key: the chair, then members in drawing order."""
        return (not self.is_chair, self.id or 0)

    def listing_order(self) -> tuple:
        """Sort key for listing a panel: chair, members, others; declined seats last."""
        return (self.has_declined, ROLE_ORDER.get(self.role, len(ROLE_ORDER)))

    # Python and SQL forms of one rule, side by side: the pages ask a loaded member, the lists
    # (visible_cases_clause, visible_consultations_clause, busy experts) ask the database.

    @hybrid_property
    def is_seated(self) -> bool:
        """Holds a seat: chair or member, invited or accepted."""
        return self.role in SEATED_ROLES and self.status in HOLDING_STATUSES

    @is_seated.inplace.expression
    @classmethod
    def _is_seated_sql(cls) -> ColumnElement[bool]:
        return and_(cls.role.in_(SEATED_ROLES), cls.status.in_(HOLDING_STATUSES))

    @hybrid_property
    def is_accepted(self) -> bool:
        """Sits on the panel: chair or member who accepted."""
        return self.role in SEATED_ROLES and self.status == ACCEPTED

    @is_accepted.inplace.expression
    @classmethod
    def _is_accepted_sql(cls) -> ColumnElement[bool]:
        return and_(cls.role.in_(SEATED_ROLES), cls.status == ACCEPTED)

    @hybrid_property
    def awaits_answer(self) -> bool:
        """A chair or member invited who has not answered yet."""
        return self.role in SEATED_ROLES and self.status == INVITED

    @awaits_answer.inplace.expression
    @classmethod
    def _awaits_answer_sql(cls) -> ColumnElement[bool]:
        return and_(cls.role.in_(SEATED_ROLES), cls.status == INVITED)


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
