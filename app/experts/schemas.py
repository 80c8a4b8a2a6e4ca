"""Validated input shapes for the expert pool (API bodies, UI forms and roster rows)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from app.validation import MOBILE_RE, known_codes
from expert_pool import regions
from expert_pool.codes import SPECIALTIES

TIER_REGION_LEVEL = {"national": "national", "provincial": "provincial", "municipal": "municipal"}
TIER_REGION_HINT = {
    "national": "国家级专家库的行政区划代码应为 000000",
    "provincial": "省级专家库的行政区划代码应为省级代码（后四位为0000）",
    "municipal": "市级专家库的行政区划代码应为地市级代码（后两位为00）",
}


class ExpertIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    tier: Literal["national", "provincial", "municipal"]
    region_code: str
    employer: str = Field(min_length=1, max_length=120)
    employer_organization_id: int | None = None
    title: str = Field(default="", max_length=64)
    specialties: list[str] = Field(min_length=1, max_length=len(SPECIALTIES))
    phone: str
    email: str = Field(default="", max_length=120)
    status: Literal["active", "suspended", "retired"] = "active"
    term_end: date | None = None
    max_open_consultations: int = Field(default=3, ge=1, le=20)

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str, info: ValidationInfo) -> str:
        problem = regions.validate(v)
        if problem:
            raise ValueError(problem)
        tier = info.data.get("tier")
        if tier in TIER_REGION_LEVEL and regions.level(v) != TIER_REGION_LEVEL[tier]:
            raise ValueError(TIER_REGION_HINT[tier])
        return v

    @field_validator("specialties")
    @classmethod
    def _specialties(cls, v: list[str]) -> list[str]:
        return known_codes(v, SPECIALTIES, "专业领域")

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.replace(" ", "").replace("-", "")
        if not MOBILE_RE.match(v):
            raise ValueError("手机号码应为11位大陆手机号")
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if not v:
            return v
        try:
            return validate_email(v, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValueError("邮箱格式不正确") from None


class ConflictIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organization_id: int | None = None
    person_name: str | None = Field(default=None, max_length=64)
    case_id: int | None = None
    case_number: str | None = Field(default=None, max_length=32)  # the ledger number, resolved to case_id
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_target(self) -> ConflictIn:
        if not (self.organization_id or self.person_name or self.case_id or self.case_number):
            raise ValueError("请至少填写利益冲突的单位、人员或信访事项之一")
        return self


class UnavailabilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    start: str
    end: str
    reason: str = Field(default="", max_length=200)
