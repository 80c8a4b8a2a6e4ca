"""Validated input shapes of the case ledger (API bodies and UI forms alike).

Errors name each bad field the way a client addresses it, nested ones included:
``petitioners[0].id_number``, ``cooperating_org_ids[2]``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, create_model, field_validator

from app.cases import idcard
from app.cases.deadlines import extension_limit_problem
from app.clock import today  # Asia/Shanghai; also imported from here by the case modules
from app.errors import ValidationFailed
from app.validation import _message, known_codes
from expert_pool import regions
from expert_pool.codes import CATEGORIES, CROSS_FLAGS

M = TypeVar("M", bound=BaseModel)

# The handling period and the longest extension are deadline rules (``handling``, ``extension``
# in expert_pool.deadlines, overridable by SUPERVISION_RULES): app.cases.deadlines reads them.
MAX_COUNT = 100000


# Chinese names of the fields, for change records, the timeline and messages.
FIELD_LABELS: dict[str, str] = {
    "title": "标题",
    "summary": "基本情况",
    "claims": "信访诉求",
    "category": "问题类别",
    "region_code": "行政区划",
    "handling_org_id": "承办单位",
    "lead_org_id": "牵头单位",
    "cooperating_org_ids": "配合单位",
    "petitioners": "信访人",
    "first_petition_date": "首次信访日期",
    "repeat_letters": "重信次数",
    "repeat_visits": "重访次数",
    "repeat_online": "重投次数",
    "cross_flags": "三跨三分离",
    "responsible_leader": "包案领导",
    "is_backlog": "积案",
    "accepted_on": "受理日期",
    "due_date": "办理期限",
    "status": "状态",
    "case_number": "事项编号",
    "days": "延长天数",
    "reason": "理由",
}


class PetitionerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    id_number: str
    phone: str = ""
    address: str = Field(default="", max_length=200)

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, v: str) -> str:
        problem = idcard.id_number_problem(v, today())
        if problem:
            raise ValueError(problem)
        return idcard.normalize_id_number(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        if not v:
            return ""
        problem = idcard.phone_problem(v)
        if problem:
            raise ValueError(problem)
        return idcard.normalize_phone(v)


def _not_future(v: date | None, what: str) -> date | None:
    if v is not None and v > today():
        raise ValueError(f"{what}不能晚于今天（{today().isoformat()}）")
    return v


class CaseIn(BaseModel):
    """The contract's POST /api/v1/cases body (plus ``accepted_on``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=20000)
    claims: str = Field(min_length=1, max_length=20000)
    category: str
    region_code: str
    handling_org_id: int
    lead_org_id: int | None = None
    cooperating_org_ids: list[int] = Field(default_factory=list, max_length=50)
    petitioners: list[PetitionerIn] = Field(min_length=1, max_length=100)
    first_petition_date: date | None = None
    repeat_letters: int = Field(default=0, ge=0, le=MAX_COUNT)
    repeat_visits: int = Field(default=0, ge=0, le=MAX_COUNT)
    repeat_online: int = Field(default=0, ge=0, le=MAX_COUNT)
    cross_flags: list[str] = Field(default_factory=list)
    responsible_leader: str = Field(default="", max_length=64)
    is_backlog: bool = False
    accepted_on: date | None = None

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"未知的问题类别：{v}")
        return v

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str) -> str:
        problem = regions.validate(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("cooperating_org_ids")
    @classmethod
    def _dedupe(cls, v: list[int]) -> list[int]:
        return list(dict.fromkeys(v))

    @field_validator("cross_flags")
    @classmethod
    def _cross_flags(cls, v: list[str]) -> list[str]:
        known_codes(v, CROSS_FLAGS, "三跨三分离标识")
        return [c for c in CROSS_FLAGS if c in v]  # canonical order, no duplicates

    @field_validator("first_petition_date")
    @classmethod
    def _first_date(cls, v: date | None) -> date | None:
        return _not_future(v, "首次信访日期")

    @field_validator("accepted_on")
    @classmethod
    def _accepted_on(cls, v: date | None, info: ValidationInfo) -> date | None:
        _not_future(v, "受理日期")
        first = info.data.get("first_petition_date")
        if v is not None and first is not None and v < first:
            raise ValueError("受理日期不能早于首次信访日期")
        return v


# PATCH body (documentation): any subset of CaseIn's fields plus the ``version`` read before
# editing. The service merges the body over the current values and validates the result as a
# CaseIn, so the rules are the same as on creation.
CasePatchIn = create_model(
    "CasePatchIn",
    __config__=ConfigDict(extra="forbid"),
    version=(int, Field(description="读取时的版本号；与当前版本不一致时返回 409 stale_version")),
    **{name: (f.annotation | None, None) for name, f in CaseIn.model_fields.items()},
)


def within_extension_rule(days: int) -> int:
    """The upper limit is the "extension" deadline rule in force (SUPERVISION_RULES), not a constant."""
    problem = extension_limit_problem(days)
    if problem:
        raise ValueError(problem)
    return days


# The days of an extension, directly (ExtendIn) or by request (app.supervision.schemas.ExtensionIn).
ExtensionDays = Annotated[int, Field(ge=1, description="延长天数，不超过现行“延长办理期限”规则（默认 30 日）"),
                          AfterValidator(within_extension_rule)]


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    days: ExtensionDays
    reason: str = Field(min_length=1, max_length=500)


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(default="", max_length=500)


def field_name(loc: tuple) -> str:
    """('petitioners', 0, 'id_number') → 'petitioners[0].id_number'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "_"


def errors_by_path(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        name = field_name(tuple(err["loc"]))
        out.setdefault(name, _message(err))
    return out


def parse_nested(schema: type[M], data: object) -> M:
    """Like :func:`app.validation.parse`, naming nested fields in full."""
    if not isinstance(data, dict):
        raise ValidationFailed({"_": "请求体应为 JSON 对象"})
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(errors_by_path(exc)) from None
