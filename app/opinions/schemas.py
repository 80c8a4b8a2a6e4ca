"""Request bodies of the opinion API (also used by the web forms through the services).

Only shapes and sizes are checked here; the codes (conclusion, recommendations), the legal-basis
citations and the completeness rules live in :mod:`app.opinions.services` so that their messages
can name each bad entry (``legal_basis[2]``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TEXT_MAX = 30000


class OpinionIn(BaseModel):
    """Draft content. Every field may be omitted: on creation it is then pre-filled from the
    case and the meeting; on an update it stays as it is."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=300)
    addressee: str | None = Field(default=None, max_length=200)
    basic_facts: str | None = Field(default=None, max_length=TEXT_MAX)
    claims: str | None = Field(default=None, max_length=TEXT_MAX)
    consultation_summary: str | None = Field(default=None, max_length=TEXT_MAX)
    findings: str | None = Field(default=None, max_length=TEXT_MAX)
    analysis: str | None = Field(default=None, max_length=TEXT_MAX)
    conclusion: str | None = Field(default=None, max_length=40)
    recommendations: list[str] | None = Field(default=None, max_length=20)
    legal_basis: list[str] | None = Field(default=None, max_length=100)
    dissent: str | None = Field(default=None, max_length=TEXT_MAX)
    cc: str | None = Field(default=None, max_length=300)


class OpinionUpdate(OpinionIn):
    """``version`` is the version the editor started from; a stale one is a 409."""

    version: int = Field(ge=1)


class SignatureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(default=None, max_length=200)


class DissentIn(BaseModel):
    """少数意见 of the signed-in member; an empty text withdraws it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=10000)


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    section: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=5000)


FEEDBACK_NOTE_MIN = 10


class FeedbackIn(BaseModel):
    """落实反馈: the platform never assumes an outcome — both choices are required, and a note of
    at least 10 characters saying what was done."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    adopted: bool
    outcome: Literal["resolved", "in_progress", "not_resolved"]
    note: str = Field(min_length=FEEDBACK_NOTE_MIN, max_length=5000)
