from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.db_types import JSONText, UTCDateTime, utcnow
from app.extensions import db

OPINION_STATUSES = {"draft": "起草中", "issued": "已印发", "superseded": "已被更正"}
OUTCOMES = {"resolved": "已化解", "in_progress": "化解中", "not_resolved": "未化解"}

# The editable sections of the document, in order (domain.md, "The opinion document").
SECTION_FIELDS = ("basic_facts", "claims", "consultation_summary", "findings", "analysis")


class Opinion(db.Model):
    """法律审查意见书. A draft is edited in versions; once issued it never changes — a correction
    is a new opinion that ``supersedes`` it, and both stay readable."""

    __tablename__ = "opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    addressee: Mapped[str] = mapped_column(String(200), default="")
    basic_facts: Mapped[str] = mapped_column(Text, default="")
    claims: Mapped[str] = mapped_column(Text, default="")
    consultation_summary: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str | None] = mapped_column(String(40), index=True)
    recommendations: Mapped[list] = mapped_column(JSONText, default=list)
    legal_basis: Mapped[list] = mapped_column(JSONText, default=list)
    dissent: Mapped[str] = mapped_column(Text, default="")
    cc: Mapped[str] = mapped_column(String(300), default="")  # 抄送
    # Issuing: number 〔YYYY〕<prefix><n>号 from a per-office, per-year gap-free sequence.
    issuing_office_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(60), unique=True)
    number_year: Mapped[int | None] = mapped_column(Integer)
    number_seq: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # verification looks files up by it
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("opinions.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation", back_populates="opinions")
    case = relationship("Case")
    issuing_office = relationship("Organization")
    supersedes: Mapped[Opinion | None] = relationship(remote_side="Opinion.id", foreign_keys=[supersedes_id])
    versions: Mapped[list[OpinionVersion]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="OpinionVersion.version"
    )
    comments: Mapped[list[OpinionComment]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="OpinionComment.id"
    )
    signatures: Mapped[list[OpinionSignature]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="OpinionSignature.id"
    )
    dissents: Mapped[list[OpinionDissent]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="OpinionDissent.id"
    )
    files: Mapped[list[OpinionFile]] = relationship(back_populates="opinion", cascade="all, delete-orphan")
    feedback: Mapped[list[OpinionFeedback]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="OpinionFeedback.id"
    )

    @property
    def status_label(self) -> str:
        return OPINION_STATUSES.get(self.status, self.status)

    @property
    def feedback_final(self) -> bool:
        """Whether the agency's feedback is complete: once it reported an outcome other than
        化解中 nothing more is asked (a 化解中 report may be followed by one more report)."""
        return bool(self.feedback) and self.feedback[-1].outcome != "in_progress"


class OpinionVersion(db.Model):
    """Every save of a draft: the full content, who saved it and when (for history and diffs)."""

    __tablename__ = "opinion_versions"
    __table_args__ = (UniqueConstraint("opinion_id", "version", name="uq_opinion_versions_opinion_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSONText)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    opinion: Mapped[Opinion] = relationship(back_populates="versions")
    created_by = relationship("User")


class OpinionComment(db.Model):
    __tablename__ = "opinion_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    opinion: Mapped[Opinion] = relationship(back_populates="comments")
    author = relationship("User")


class OpinionSignature(db.Model):
    """A panel member's signature on one version; any edit clears signatures (they are deleted
    and the audit log keeps the history)."""

    __tablename__ = "opinion_signatures"
    __table_args__ = (UniqueConstraint("opinion_id", "expert_id", name="uq_opinion_signatures_opinion_expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    opinion: Mapped[Opinion] = relationship(back_populates="signatures")
    expert = relationship("Expert")


class OpinionDissent(db.Model):
    """少数意见 of one panel member, printed in the document."""

    __tablename__ = "opinion_dissents"
    __table_args__ = (UniqueConstraint("opinion_id", "expert_id", name="uq_opinion_dissents_opinion_expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    opinion: Mapped[Opinion] = relationship(back_populates="dissents")
    expert = relationship("Expert")


class OpinionFile(db.Model):
    """The issued PDF/DOCX, rendered once at issuing and never changed (served from here)."""

    __tablename__ = "opinion_files"
    __table_args__ = (UniqueConstraint("opinion_id", "kind", name="uq_opinion_files_opinion_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdf | docx
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    opinion: Mapped[Opinion] = relationship(back_populates="files")


class OpinionFeedback(db.Model):
    """落实反馈: whether the agency adopted the opinion and the case's outcome."""

    __tablename__ = "opinion_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), index=True)
    adopted: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    opinion: Mapped[Opinion] = relationship(back_populates="feedback")

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)
