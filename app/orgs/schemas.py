from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from expert_pool import regions


class OrganizationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=120)
    kind: Literal["petition_office", "handling_agency", "other"]
    tier: Literal["national", "provincial", "municipal", "county"]
    region_code: str
    parent_id: int | None = None
    doc_prefix: str | None = Field(default=None, max_length=20)
    print_issuer_mark: bool = False  # print the 发文机关标志 (信函格式) on issued opinions
    issuer_mark: str | None = Field(default=None, max_length=60)

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str) -> str:
        problem = regions.validate(v)
        if problem:
            raise ValueError(problem)
        return v
