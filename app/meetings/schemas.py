"""Request bodies of the meeting API (also used to document it in OpenAPI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MIN_DURATION = 30
MAX_DURATION = 480


class MeetingIn(BaseModel):
    """Schedule a meeting. ``start`` is ISO 8601; without an offset it is Asia/Shanghai time."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    start: str = Field(min_length=1, max_length=40)
    duration_minutes: int = Field(default=120, ge=MIN_DURATION, le=MAX_DURATION)
    mode: Literal["onsite", "video"]
    location: str = Field(default="", max_length=300)
    # True: record a meeting that already took place (an urgent on-site meeting); its start must
    # lie in the past, no invitations are sent, and minutes may follow at once.
    held: bool = False


class MeetingPatch(BaseModel):
    """Reschedule or move a meeting: any of the fields; the rest stay as they are."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    start: str | None = Field(default=None, min_length=1, max_length=40)
    duration_minutes: int | None = Field(default=None, ge=MIN_DURATION, le=MAX_DURATION)
    mode: Literal["onsite", "video"] | None = None
    location: str | None = Field(default=None, max_length=300)
    reason: str = Field(default="", max_length=500)


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(default="", max_length=500)


class MinutesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=10, max_length=50000)
    attendee_expert_ids: list[int] = Field(min_length=1, max_length=50)
