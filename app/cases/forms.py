"""Web forms of the case ledger.

The forms render the fields and carry the CSRF token; the values are validated once, in the
services (the same rules as the API), and the routes put the per-field messages back on the
form — petitioners' messages on the right row (:meth:`CaseForm.add_errors`).

Petitioners are repeatable rows without JavaScript: the form shows the present rows plus
``BLANK_ROWS`` empty ones; a row left entirely empty is ignored.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import DateInput, NumberInput, TelInput

from app.forms import MultiCheckboxField
from app.cases.deadlines import extension_rule
from expert_pool.codes import CATEGORIES, CROSS_FLAGS, ORG_KINDS

try:  # WTForms ≥ 3.3 wants SelectChoice objects (with option groups); older ones (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None


def choice(value: str, label: str, group: str | None = None):
    if SelectChoice is None:
        return (value, label)
    return SelectChoice(value, label, optgroup=group)

BLANK_ROWS = 3
PETITIONER_KEYS = ("name", "id_number", "phone", "address")
_ROW_ERROR = re.compile(r"^petitioners\[(\d+)\]\.(\w+)$")
_LIST_ERROR = re.compile(r"^(\w+)\[\d+\]$")


class Mandatory:
    """Marks a field required (the asterisk, ``required`` attribute) without validating it here:
    the services do, so every message comes at once and matches the API's."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


REQUIRED = [Mandatory()]


class PetitionerRow(Form):
    """One petitioner row (a plain wtforms Form: the CSRF token belongs to the outer form)."""

    name = StringField("姓名", render_kw={"maxlength": 64})
    id_number = StringField("身份证号码", render_kw={"maxlength": 18, "autocomplete": "off", "placeholder": "18位"})
    phone = StringField("联系电话", widget=TelInput(), render_kw={"maxlength": 20, "placeholder": "手机或带区号的固定电话"})
    address = StringField("住址", render_kw={"maxlength": 200})

    def is_blank(self) -> bool:
        return not any((getattr(self, k).data or "").strip() for k in PETITIONER_KEYS)


class CaseForm(FlaskForm):
    title = StringField("标题", validators=REQUIRED, render_kw={"maxlength": 200, "placeholder": "如：某小区房屋征收补偿争议"})
    category = SelectField("问题类别", validators=REQUIRED,
                           choices=[choice("", "（请选择）"), *(choice(c, label) for c, label in CATEGORIES.items())],
                           validate_choice=False)
    region_code = StringField("行政区划", validators=REQUIRED,
                              render_kw={"inputmode": "numeric", "maxlength": 6, "placeholder": "如 320102"})
    handling_org_id = SelectField("承办单位（有权处理机关）", validators=REQUIRED, choices=[], validate_choice=False)
    lead_org_id = SelectField("牵头单位", choices=[], validate_choice=False)
    cooperating_org_ids = SelectMultipleField("配合单位", choices=[], validate_choice=False, render_kw={"size": 6})
    summary = TextAreaField("基本情况", validators=REQUIRED, render_kw={"rows": 5})
    claims = TextAreaField("信访诉求", validators=REQUIRED, render_kw={"rows": 3})
    # No min_entries: WTForms compacts submitted indices and would then fill the padding rows
    # from the submitted data again; pad_rows() adds the blank rows instead.
    petitioners = FieldList(FormField(PetitionerRow), label="信访人", max_entries=100)
    first_petition_date = StringField("首次信访日期", widget=DateInput())
    accepted_on = StringField("受理日期", widget=DateInput())
    repeat_letters = StringField("重信次数", widget=NumberInput(min=0), default="0")
    repeat_visits = StringField("重访次数", widget=NumberInput(min=0), default="0")
    repeat_online = StringField("重投次数", widget=NumberInput(min=0), default="0")
    cross_flags = MultiCheckboxField("三跨三分离", choices=[choice(c, label) for c, label in CROSS_FLAGS.items()],
                                     validate_choice=False)
    responsible_leader = StringField("包案领导", render_kw={"maxlength": 64})
    is_backlog = BooleanField("列为积案")
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.petitioner_errors: list[str] = []  # about the list as a whole ("至少需要 1 项")

    def setup(self, handling_orgs, all_orgs) -> CaseForm:
        """Fill the organization choices (handling agencies the user may register for; any
        organization as lead or cooperating body)."""
        self.handling_org_id.choices = [choice(str(o.id), f"{o.name}（{o.region_name}）") for o in handling_orgs]
        if len(handling_orgs) != 1:
            self.handling_org_id.choices.insert(0, choice("", "（请选择）"))
        others = [choice(str(o.id), f"{o.name}（{o.region_name}）", ORG_KINDS.get(o.kind, o.kind))
                  for o in sorted(all_orgs, key=lambda o: list(ORG_KINDS).index(o.kind) if o.kind in ORG_KINDS else 9)]
        self.lead_org_id.choices = [choice("", "（无）"), *others]
        self.cooperating_org_ids.choices = others
        return self

    def pad_rows(self) -> CaseForm:
        """Present rows plus BLANK_ROWS empty ones (a GET of the edit page, or after errors
        when every row was used)."""
        blanks = sum(1 for entry in self.petitioners.entries if entry.form.is_blank())
        for _ in range(max(BLANK_ROWS - blanks, 0)):
            self.petitioners.append_entry()
        return self

    def petitioner_rows(self) -> list[int]:
        """Indices of the filled-in rows, in order (payload index → row index)."""
        return [i for i, entry in enumerate(self.petitioners.entries) if not entry.form.is_blank()]

    def to_payload(self) -> dict:
        payload = {
            "title": self.title.data or "",
            "summary": self.summary.data or "",
            "claims": self.claims.data or "",
            "category": self.category.data or "",
            "region_code": (self.region_code.data or "").strip(),
            "handling_org_id": _int_or_raw(self.handling_org_id.data),
            "lead_org_id": _int_or_none(self.lead_org_id.data),
            "cooperating_org_ids": [_int_or_raw(v) for v in self.cooperating_org_ids.data or [] if v],
            "petitioners": [{k: (getattr(self.petitioners.entries[i].form, k).data or "").strip() for k in PETITIONER_KEYS}
                            for i in self.petitioner_rows()],
            "first_petition_date": _blank_none(self.first_petition_date.data),
            "accepted_on": _blank_none(self.accepted_on.data),
            "repeat_letters": _count(self.repeat_letters.data),
            "repeat_visits": _count(self.repeat_visits.data),
            "repeat_online": _count(self.repeat_online.data),
            "cross_flags": list(self.cross_flags.data or []),
            "responsible_leader": self.responsible_leader.data or "",
            "is_backlog": bool(self.is_backlog.data),
        }
        for key in ("category", "handling_org_id"):
            if payload[key] in ("", None):
                del payload[key]  # → 必填
        return payload

    def add_errors(self, fields: dict[str, str]) -> list[str]:
        """Attach the services' ``{field: message}`` to the fields (``petitioners[i].x`` to the
        i-th filled-in row); returns the messages that belong to no field."""
        rows = self.petitioner_rows()
        general = []
        for name, message in fields.items():
            target = None
            row_match = _ROW_ERROR.match(name)
            if row_match:
                index, key = int(row_match.group(1)), row_match.group(2)
                if index < len(rows) and key in PETITIONER_KEYS:
                    target = getattr(self.petitioners.entries[rows[index]].form, key)
            else:
                list_match = _LIST_ERROR.match(name)
                key = list_match.group(1) if list_match else name
                if key == "petitioners":
                    self.petitioner_errors.append("请至少填写一位信访人" if "至少" in message else message)
                    continue
                if key not in ("csrf_token", "version"):
                    target = self._fields.get(key)
            if target is None:
                general.append(message)
            else:
                target.errors = [*target.errors, message] if isinstance(target.errors, list | tuple) else [message]
        return general

    @staticmethod
    def data_from_case(case) -> dict:
        return {
            "title": case.title, "summary": case.summary, "claims": case.claims, "category": case.category,
            "region_code": case.region_code, "handling_org_id": str(case.handling_org_id),
            "lead_org_id": str(case.lead_org_id) if case.lead_org_id else "",
            "cooperating_org_ids": [str(o.id) for o in case.cooperating_orgs],
            "petitioners": [{k: getattr(p, k) for k in PETITIONER_KEYS} for p in case.petitioners],
            "first_petition_date": case.first_petition_date.isoformat() if case.first_petition_date else "",
            "accepted_on": case.accepted_on.isoformat() if case.accepted_on else "",
            "repeat_letters": str(case.repeat_letters), "repeat_visits": str(case.repeat_visits),
            "repeat_online": str(case.repeat_online), "cross_flags": list(case.cross_flags or []),
            "responsible_leader": case.responsible_leader, "is_backlog": case.is_backlog,
            "version": str(case.version),
        }


class ExtendForm(FlaskForm):
    days = StringField("延长天数", widget=NumberInput(min=1))
    reason = TextAreaField("延期理由", render_kw={"rows": 2, "maxlength": 500})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The longest extension is a deadline rule of the app's configuration: offered in full.
        limit = extension_rule().days
        self.days.render_kw = {"max": limit}
        if not self.days.raw_data:  # not sent: the default
            self.days.data = str(limit)


class AttachmentForm(FlaskForm):
    file = FileField("文件")
    description = StringField("说明", render_kw={"maxlength": 200, "placeholder": "如：询问笔录、现场照片"})


def _blank_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _int_or_none(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


def _int_or_raw(value):
    value = (value or "").strip() if isinstance(value, str) else value
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _count(value: str | None):
    value = (value or "").strip()
    return value or 0
