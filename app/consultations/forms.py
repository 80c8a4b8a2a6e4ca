"""Web forms of the consultation workflow.

The forms render the fields and carry the CSRF token (checked globally by CSRFProtect for every
POST). They deliberately do not validate: the services validate once, with the same Chinese
messages for the API and the UI, and the route puts the per-field messages back on the form
(:meth:`ServiceForm.add_errors`). Numbers are passed on as typed so the service's messages
(“应为整数”, “不能小于 2”) are what the person sees.
"""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.widgets import DateTimeLocalInput, NumberInput

from app.forms import MultiCheckboxField, ServiceForm
from app.forms import choices as _choices
from expert_pool.codes import SPECIALTIES

URGENCY_LABELS = {"normal": "一般", "urgent": "紧急"}
PANEL_SIZES = (3, 5, 7, 9)


class RequestForm(ServiceForm):
    """申请会商 / 修改会商申请."""

    questions = TextAreaField("会商问题", render_kw={"rows": 6, "maxlength": 5000,
                                                  "placeholder": "请逐条列明需要专家组研判的法律问题"})
    required_specialties = MultiCheckboxField("所需专业领域", choices=_choices(SPECIALTIES.items()), validate_choice=False)
    panel_size = SelectField("专家组人数", choices=_choices((str(n), f"{n} 人") for n in PANEL_SIZES), default="5",
                             validate_choice=False)
    urgency = SelectField("紧急程度", choices=_choices(URGENCY_LABELS.items()), default="normal", validate_choice=False)
    version = HiddenField()

    def to_payload(self) -> dict:
        return {"questions": self.questions.data or "", "required_specialties": list(self.required_specialties.data or []),
                "panel_size": self.panel_size.data, "urgency": self.urgency.data}

    @staticmethod
    def data_from(c) -> dict:
        return {"questions": c.questions, "required_specialties": list(c.required_specialties or []),
                "panel_size": str(c.panel_size), "urgency": c.urgency, "version": str(c.version)}


class ReasonForm(ServiceForm):
    """One reason: 退回补正、申请上级援助、撤回、办结、谢绝邀请."""

    reason = TextAreaField("理由", render_kw={"rows": 2, "maxlength": 2000})


class DrawForm(ServiceForm):
    reserves = StringField("候补人数", default="2", widget=NumberInput(min=2, max=10))
    meeting_start = StringField("拟定会商开始时间（可选）", widget=DateTimeLocalInput())
    meeting_duration_minutes = StringField("会商时长（分钟）", default="120", widget=NumberInput(min=30, max=480, step=30))

    def to_payload(self) -> dict:
        payload = {"reserves": (self.reserves.data or "").strip() or "2",
                   "meeting_duration_minutes": (self.meeting_duration_minutes.data or "").strip() or "120"}
        if (self.meeting_start.data or "").strip():
            payload["meeting_start"] = self.meeting_start.data.strip()
        return payload


class ReservesForm(ServiceForm):
    count = StringField("追加候补人数", default="2", widget=NumberInput(min=1, max=10))

    def to_payload(self) -> dict:
        return {"count": (self.count.data or "").strip() or "2"}


class RatingForm(ServiceForm):
    score = StringField("评分（0–100）", widget=NumberInput(min=0, max=100))
    comment = TextAreaField("评语", render_kw={"rows": 1, "maxlength": 2000})

    def to_payload(self, expert_id: int) -> dict:
        return {"expert_id": expert_id, "score": (self.score.data or "").strip(), "comment": self.comment.data or ""}
