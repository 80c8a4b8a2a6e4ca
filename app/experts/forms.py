"""Web forms of the expert pool.

The forms render fields, carry the CSRF token and catch what a person can fix at a glance
(empty required fields, a choice that is not offered). Everything else — region codes,
mobile numbers, dates, tier/region consistency — is validated once, in the services, and the
route puts the service's per-field messages back on the form (:meth:`PoolForm.add_errors`).
That keeps the UI, the API and the roster import agreeing on what is valid.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import (
    DateInput,
    DateTimeLocalInput,
    EmailInput,
    NumberInput,
    TelInput,
)

from app.forms import MultiCheckboxField, ServiceForm, choices
from expert_pool.codes import EXPERT_STATUSES, POOL_TIERS, SPECIALTIES

BAD_CHOICE = "请从列表中选择"



class PoolForm(ServiceForm):
    """The expert-pool forms: services' per-field errors next to the fields, NUL-free text."""


def _blank_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class ExpertForm(PoolForm):
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=64, message="不能超过 64 个字符")])
    tier = SelectField("层级", choices=choices((c, f"{label}级专家库") for c, label in POOL_TIERS.items()),
                       invalid_choice_message="只能选择本单位所管理的专家库层级")
    region_code = StringField("行政区划", validators=[DataRequired("请选择行政区划")],
                              render_kw={"inputmode": "numeric", "maxlength": 6, "placeholder": "如 320100"})
    employer = StringField("工作单位", validators=[DataRequired("请填写工作单位"), Length(max=120, message="不能超过 120 个字符")])
    employer_organization_id = SelectField("关联单位（可选）", choices=[], default="", invalid_choice_message=BAD_CHOICE)
    title = StringField("职称/职务", validators=[Length(max=64, message="不能超过 64 个字符")])
    specialties = MultiCheckboxField("专业领域", choices=choices(SPECIALTIES.items()), invalid_choice_message=BAD_CHOICE)
    phone = StringField("手机", validators=[DataRequired("请填写手机号码")], widget=TelInput(),
                        render_kw={"maxlength": 13, "placeholder": "11位手机号码"})
    email = StringField("邮箱", widget=EmailInput(), validators=[Length(max=120, message="不能超过 120 个字符")])
    status = SelectField("状态", choices=choices(EXPERT_STATUSES.items()), default="active", invalid_choice_message=BAD_CHOICE)
    term_end = StringField("聘期截止", widget=DateInput(), validators=[Optional()])
    max_open_consultations = StringField("最多同时承担会商数", widget=NumberInput(min=1, max=20), default="3",
                                         validators=[DataRequired("请填写 1–20 之间的整数")])
    version = HiddenField()

    def setup(self, organizations, tiers: list[str] | None = None) -> ExpertForm:
        """Fill the choice lists: the organizations an employer may be linked to and the tiers
        this user may manage (an officer: only the office's own)."""
        self.employer_organization_id.choices = choices(
            [("", "（不关联）")] + [(str(o.id), f"{o.name}（{o.region_name}）") for o in organizations])
        if tiers is not None:
            self.tier.choices = choices((c, f"{POOL_TIERS[c]}级专家库") for c in tiers)
        return self

    def validate_specialties(self, field) -> None:
        if not field.data:
            raise ValidationError("请至少选择一个专业领域")

    def to_payload(self) -> dict:
        """The ExpertIn payload for the services (validation of values happens there)."""
        payload = {
            "name": self.name.data or "",
            "tier": self.tier.data,
            "region_code": (self.region_code.data or "").strip(),
            "employer": self.employer.data or "",
            "employer_organization_id": None,
            "title": self.title.data or "",
            "specialties": list(self.specialties.data or []),
            "phone": (self.phone.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "status": self.status.data,
            "term_end": _blank_none(self.term_end.data),
            "max_open_consultations": (self.max_open_consultations.data or "").strip(),
        }
        org = _blank_none(self.employer_organization_id.data)
        payload["employer_organization_id"] = int(org) if org and org.isdigit() else None
        return payload

    @staticmethod
    def data_from_expert(expert) -> dict:
        return {
            "name": expert.name,
            "tier": expert.tier,
            "region_code": expert.region_code,
            "employer": expert.employer,
            "employer_organization_id": str(expert.employer_organization_id or ""),
            "title": expert.title,
            "specialties": expert.specialties,
            "phone": expert.phone,
            "email": expert.email,
            "status": expert.status,
            "term_end": expert.term_end.isoformat() if expert.term_end else "",
            "max_open_consultations": str(expert.max_open_consultations),
            "version": str(expert.version),
        }


class ConflictForm(PoolForm):
    organization_id = SelectField("利益冲突单位", choices=[], default="", invalid_choice_message=BAD_CHOICE)
    person_name = StringField("利益冲突人员", validators=[Length(max=64, message="不能超过 64 个字符")],
                              render_kw={"placeholder": "如近亲属、曾代理的当事人"})
    # The number printed on the ledger (320102-2026-00001), not a database id: that is what people know.
    case_number = StringField("信访事项编号", validators=[Length(max=32, message="不能超过 32 个字符")],
                              render_kw={"placeholder": "如 320102-2026-00001"})
    # Own HTML ids: the unavailability form on the same page also has a ``reason`` field.
    reason = TextAreaField("申报事由", id="conflict-reason",
                           validators=[DataRequired("请填写申报事由"), Length(max=500, message="不能超过 500 个字符")],
                           render_kw={"rows": 2, "placeholder": "如：三年内曾在该单位任职；系该信访人近亲属"})

    def setup(self, organizations) -> ConflictForm:
        self.organization_id.choices = choices([("", "（无）")] + [(str(o.id), o.name) for o in organizations])
        return self

    def to_payload(self) -> dict:
        org = _blank_none(self.organization_id.data)
        return {
            "organization_id": int(org) if org and org.isdigit() else None,
            "person_name": _blank_none(self.person_name.data),
            "case_number": _blank_none((self.case_number.data or "").strip()),  # the service finds the case
            "reason": self.reason.data or "",
        }


class UnavailabilityForm(PoolForm):
    start = StringField("开始时间", widget=DateTimeLocalInput(), validators=[DataRequired("请填写开始时间")])
    end = StringField("结束时间", widget=DateTimeLocalInput(), validators=[DataRequired("请填写结束时间")])
    reason = StringField("事由", id="unavailability-reason", validators=[Length(max=200, message="不能超过 200 个字符")],
                         render_kw={"placeholder": "如：出差、开庭、休假"})

    def to_payload(self) -> dict:
        # datetime-local sends "2026-12-08T09:30" without offset: the service reads it as Asia/Shanghai.
        return {"start": (self.start.data or "").strip(), "end": (self.end.data or "").strip(),
                "reason": self.reason.data or ""}


class ImportForm(PoolForm):
    file = FileField("名册文件（.xlsx 或 .csv）")
