"""Web forms of the meeting section. They carry the CSRF token and turn the posted fields into
the service's payload; every rule (working day, office hours, conflicts, place or link) is
checked once, in ``app.meetings.services``, and its Chinese message shown on the page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional


class ScheduleForm(FlaskForm):
    """Schedule (or move) a meeting: ``start`` is a chosen slot (ISO with offset) or a
    ``datetime-local`` value (Asia/Shanghai)."""

    start = StringField("会商时间", validators=[Optional()])
    duration_minutes = StringField("时长（分钟）", validators=[Optional()])
    mode = StringField("会商方式", validators=[Optional()])
    location = StringField("地点或会议链接", validators=[Optional()])
    reason = StringField("改期原因", validators=[Optional()])
    held = BooleanField("会议已召开（补录）")
    next = HiddenField()

    def to_payload(self, partial: bool = False) -> dict:
        raw = (self.duration_minutes.data or "").strip()
        duration = int(raw) if raw.isdigit() else (raw or None)
        data = {"start": (self.start.data or "").strip(), "duration_minutes": duration,
                "mode": (self.mode.data or "").strip(), "location": (self.location.data or "").strip()}
        if partial:
            data = {k: v for k, v in data.items() if v not in ("", None)}
            if self.reason.data:
                data["reason"] = self.reason.data.strip()
            return data
        if data["duration_minutes"] is None:
            data["duration_minutes"] = 120
        if self.held.data:
            data["held"] = True
        return data


class CancelForm(FlaskForm):
    reason = StringField("取消原因", validators=[Optional()])
    next = HiddenField()

    def to_payload(self) -> dict:
        return {"reason": (self.reason.data or "").strip()}


class MinutesForm(FlaskForm):
    text = TextAreaField("会议纪要", validators=[Optional()])
    attendee_expert_ids = SelectMultipleField("出席专家", coerce=int, validate_choice=False, validators=[Optional()])
    next = HiddenField()

    def to_payload(self) -> dict:
        return {"text": (self.text.data or "").strip(), "attendee_expert_ids": list(self.attendee_expert_ids.data or [])}
