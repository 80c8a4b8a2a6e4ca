"""Validated inputs of supervision (API bodies and UI forms alike)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.cases.schemas import within_extension_rule


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    days: int = Field(ge=1, description="延长天数，不超过现行“延长办理期限”规则（默认 30 日）")
    reason: str = Field(min_length=5, max_length=1000)

    @field_validator("days")
    @classmethod
    def _days(cls, v: int) -> int:
        return within_extension_rule(v)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approve: bool
    note: str = Field(default="", max_length=1000)


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    due_on: date
    requirements: str = Field(min_length=5, max_length=5000)


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=5, max_length=5000)
