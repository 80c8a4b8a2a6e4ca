"""Web forms of the opinion pages. They render fields and carry the CSRF token; the services
validate (same Chinese messages as the API) and :meth:`OpinionForms.add_errors` puts each
message back at its field (``legal_basis[2]`` → the legal-basis box)."""

from __future__ import annotations

from wtforms import HiddenField, PasswordField, SelectField, StringField, TextAreaField

from app.forms import MultiCheckboxField
from app.forms import ServiceForm as _ServiceForm
from app.forms import choices as _choices
from app.opinions.content import COMMENT_SECTIONS, LABELS
from app.opinions.models import OUTCOMES
from app.opinions.schemas import FEEDBACK_NOTE_MIN
from expert_pool.codes import CONCLUSIONS, RECOMMENDATIONS


class ServiceForm(_ServiceForm):
    def add_errors(self, fields: dict[str, str]) -> list[str]:
        """As for the consultation forms, with ``name[i]`` (one entry of a list) shown at ``name``."""
        general = []
        for name, message in fields.items():
            if "[" not in name and any(key.startswith(f"{name}[") for key in fields):
                continue  # the summary of the entries named below
            general += super().add_errors({name.split("[", 1)[0]: message})
        return general


def _text(name: str, rows: int, **kw) -> TextAreaField:
    return TextAreaField(LABELS[name], render_kw={"rows": rows, **kw})


class OpinionForm(ServiceForm):
    version = HiddenField()
    title = StringField(LABELS["title"], render_kw={"maxlength": 300})
    addressee = StringField(LABELS["addressee"], render_kw={"maxlength": 200})
    claims = _text("claims", 5)
    basic_facts = _text("basic_facts", 6)
    consultation_summary = _text("consultation_summary", 5)
    findings = _text("findings", 8)
    analysis = _text("analysis", 12)
    conclusion = SelectField(LABELS["conclusion"], choices=_choices([("", "（请选择）"), *CONCLUSIONS.items()]),
                             validate_choice=False)
    recommendations = MultiCheckboxField(LABELS["recommendations"], choices=_choices(RECOMMENDATIONS.items()),
                                         validate_choice=False)
    legal_basis = TextAreaField(LABELS["legal_basis"], render_kw={
        "rows": 6, "placeholder": "每行一条，例如：《信访工作条例》第三十三条（也可写作第33条）"})
    dissent = _text("dissent", 3)
    cc = StringField(LABELS["cc"], render_kw={"maxlength": 300, "placeholder": "多个单位以顿号分隔"})

    def payload(self) -> dict:
        return {
            "version": int(self.version.data) if (self.version.data or "").isdigit() else 0,
            "title": self.title.data or "",
            "addressee": self.addressee.data or "",
            "claims": self.claims.data or "",
            "basic_facts": self.basic_facts.data or "",
            "consultation_summary": self.consultation_summary.data or "",
            "findings": self.findings.data or "",
            "analysis": self.analysis.data or "",
            "conclusion": self.conclusion.data or "",
            "recommendations": list(self.recommendations.data or []),
            "legal_basis": [line.strip() for line in (self.legal_basis.data or "").splitlines() if line.strip()],
            "dissent": self.dissent.data or "",
            "cc": self.cc.data or "",
        }

    def fill(self, opinion) -> None:
        self.version.data = str(opinion.version)
        for name in ("title", "addressee", "claims", "basic_facts", "consultation_summary", "findings", "analysis",
                     "dissent", "cc"):
            getattr(self, name).data = getattr(opinion, name) or ""
        self.conclusion.data = opinion.conclusion or ""
        self.recommendations.data = list(opinion.recommendations or [])
        self.legal_basis.data = "\n".join(opinion.legal_basis or [])


class SignForm(ServiceForm):
    password = PasswordField("登录密码", render_kw={"autocomplete": "current-password"})


class DissentForm(ServiceForm):
    text = TextAreaField("少数意见", render_kw={"rows": 4, "maxlength": 10000})


class CommentForm(ServiceForm):
    section = SelectField("章节", choices=_choices((s, LABELS[s]) for s in COMMENT_SECTIONS), validate_choice=False)
    text = TextAreaField("评论", render_kw={"rows": 3, "maxlength": 5000})


class FeedbackForm(ServiceForm):
    """落实反馈: nothing is pre-selected (the platform never assumes an outcome), the note is
    required, and the first submit only shows what will be recorded (``confirmed`` empty); the
    confirmation posts the same values with ``confirmed=1``."""

    adopted = SelectField("是否采纳", choices=_choices([("", "请选择"), ("1", "已采纳"), ("0", "未采纳")]),
                          validate_choice=False)
    outcome = SelectField("化解结果", choices=_choices([("", "请选择"), *OUTCOMES.items()]), validate_choice=False)
    note = TextAreaField("落实情况说明", render_kw={
        "rows": 4, "maxlength": 5000, "minlength": FEEDBACK_NOTE_MIN,
        "placeholder": f"采纳或未采纳的理由、采取的措施和信访人的态度（至少 {FEEDBACK_NOTE_MIN} 个字）"})
    confirmed = HiddenField()

    def to_payload(self) -> dict:
        payload: dict = {"note": (self.note.data or "").strip()}
        if self.adopted.data in ("1", "0"):
            payload["adopted"] = self.adopted.data == "1"
        if self.outcome.data:
            payload["outcome"] = self.outcome.data
        return payload


class ActionForm(ServiceForm):
    """A bare POST (issue, correction, create): only the CSRF token."""
