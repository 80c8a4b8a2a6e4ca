from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.validation import known_codes
from expert_pool.codes import SPECIALTIES


class ConsultationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    questions: str = Field(min_length=5, max_length=5000)
    required_specialties: list[str] = Field(min_length=1, max_length=len(SPECIALTIES))
    panel_size: int = Field(default=5, ge=3, le=9)
    urgency: Literal["normal", "urgent"] = "normal"


    @field_validator("required_specialties")
    @classmethod
    def _specialties(cls, v: list[str]) -> list[str]:
        return known_codes(v, SPECIALTIES, "专业领域")

    @field_validator("panel_size")
    @classmethod
    def _odd(cls, v: int) -> int:
        if v % 2 == 0:
            raise ValueError("专家组人数应为 3–9 之间的奇数")
        return v


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=2, max_length=2000)



class PanelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reserves: int = Field(default=2, ge=2, le=10)
    meeting_start: str | None = None
    meeting_duration_minutes: int = Field(default=120, ge=30, le=480)


class ReservesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=2, ge=1, le=10)


class InvitationResponse(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    response: Literal["accept", "decline"]
    reason: str = Field(default="", max_length=1000)



class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    expert_id: int
    score: int = Field(ge=0, le=100)
    comment: str = Field(default="", max_length=2000)

