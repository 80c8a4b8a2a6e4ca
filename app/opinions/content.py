"""What an opinion says: the editable sections, the pre-filled first draft, and the canonical
content from which the printed :class:`~app.documents.OpinionDocument` is built.

One path to the document: ``document_content`` gathers everything printed (sections, number,
date, signers, issuing body, 版记) into a plain dict; ``document_from_content`` turns that dict
into the renderers' ``OpinionDocument``. At issuing the dict is frozen (stored as the
``content`` file of the opinion, its SHA-256 recorded), so the issued PDF, DOCX and the
preview of an issued opinion all come from the same, unchangeable content.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime

from app.consultations.models import Consultation
from app.documents import OpinionDocument, Signer, format_date
from app.opinions.models import Opinion
from app.timeutil import local
from expert_pool.codes import CONCLUSIONS, RECOMMENDATIONS

TEXT_SECTIONS = ("claims", "basic_facts", "consultation_summary", "findings", "analysis")
# The editable fields of a draft, in document order.
EDITABLE = ("title", "addressee", *TEXT_SECTIONS, "conclusion", "recommendations", "legal_basis", "dissent", "cc")
LABELS = {
    "title": "标题",
    "addressee": "主送机关",
    "claims": "信访人诉求",
    "basic_facts": "基本情况（办理经过）",
    "consultation_summary": "会商情况",
    "findings": "查明事实与争议焦点",
    "analysis": "法律分析",
    "conclusion": "定性意见",
    "recommendations": "处理建议",
    "legal_basis": "法律依据",
    "dissent": "少数意见（专家组记录）",
    "dissents": "专家少数意见",
    "cc": "抄送",
    "general": "总体意见",
}
# Needed before anyone signs or the office issues; drafts may be incomplete.
REQUIRED_FOR_SIGNING = ("basic_facts", "analysis", "conclusion", "recommendations")
COMMENT_SECTIONS = ("general", *EDITABLE)
_CC_SPLIT = re.compile(r"[，,、;；\n]+")


# --------------------------------------------------------------------------- the draft


def editable_content(opinion: Opinion) -> dict:
    """The draft's content as saved in each :class:`OpinionVersion` (plus members' dissents)."""
    data = {name: getattr(opinion, name) for name in EDITABLE}
    data["recommendations"] = list(opinion.recommendations or [])
    data["legal_basis"] = list(opinion.legal_basis or [])
    data["dissents"] = [{"expert_id": d.expert_id, "name": d.expert.name, "text": d.text} for d in opinion.dissents]
    return data


def missing_sections(opinion: Opinion) -> dict[str, str]:
    """Required sections still empty: ``{field: message}`` (empty when complete)."""
    missing = {}
    for name in REQUIRED_FOR_SIGNING:
        value = getattr(opinion, name)
        if not value or (isinstance(value, str) and not value.strip()):
            missing[name] = f"签署和印发前须填写“{LABELS[name]}”" if name != "recommendations" else "签署和印发前须至少选择一项处理建议"
    return missing


def _when(value) -> str:
    when = local(value)
    return f"{format_date(when)}{when.hour}时{when.minute:02d}分"


def _member_line(member) -> str:
    e = member.expert
    details = [member.role_label] if member.is_chair else []
    affiliation = f"{e.employer or ''}{e.title or ''}"
    if affiliation:
        details.append(affiliation)
    return f"{e.name}（{'，'.join(details)}）" if details else e.name


def _meeting(c: Consultation):
    meetings = [m for m in c.meetings if m.status != "cancelled"]
    held = [m for m in meetings if m.status == "held" or m.minutes]
    pool = held or meetings
    return max(pool, key=lambda m: m.start) if pool else None


def _material_name(attachment) -> str:
    name = (attachment.description or "").strip() or attachment.filename.rsplit(".", 1)[0]
    return name.strip() or attachment.filename


def _sitting(c: Consultation) -> list:
    """Who sat: the members who accepted, else (nobody answered yet) those invited."""
    return c.accepted_members() or c.awaiting_members()


def prefill(c: Consultation) -> dict:
    """A first draft from what the platform knows: petitioners and claims, the agency as
    addressee, the case summary and history, the meeting (time, mode, members with title and
    employer) and the materials read (the case's attachments)."""
    case = c.case
    names = "、".join(p.name for p in case.petitioners if p.name.strip())
    claims = case.claims.strip()
    if claims and names:
        claims = f"信访人{names}请求：{claims}" if "\n" not in claims else f"信访人{names}提出如下诉求：\n{claims}"
    history = []
    if case.first_petition_date:
        history.append(f"信访人自{format_date(case.first_petition_date)}起反映该问题")
    counts = [(case.repeat_letters, "重复来信", "件次"), (case.repeat_visits, "重复来访", "人次"),
              (case.repeat_online, "网上重复投诉", "件次")]
    counted = [f"{label}{n}{unit}" for n, label, unit in counts if n]
    if counted:
        history.append("累计" + "、".join(counted))
    facts = [case.summary.strip()] if case.summary and case.summary.strip() else []
    if history:
        facts.append("，".join(history) + "。")
    requester = c.requesting_org.name if c.requesting_org else case.handling_org.name
    facts.append(f"{format_date(local(c.created_at))}，{requester}申请{c.office.name}组织专家进行法律审查会商。")

    summary = []
    meeting = _meeting(c)
    if meeting is not None:
        where = f"在{meeting.location}" if meeting.location else ""
        summary.append(f"{_when(meeting.start)}，专家组{where}以{meeting.mode_label}方式召开会商会议。")
    members = _sitting(c)
    if members:
        summary.append(f"专家组成员：{'、'.join(_member_line(m) for m in members)}。")
    materials = [_material_name(a) for a in case.attachments]
    if materials:
        summary.append(f"专家组审阅了{'、'.join(dict.fromkeys(materials))}等材料。")
    lines = ["".join(summary)] if summary else []
    if c.questions and c.questions.strip():
        lines.append(f"申请单位提请研究的问题：{c.questions.strip()}")

    cc = [o.name for o in (case.lead_org, *case.cooperating_orgs) if o is not None and o.id != case.handling_org_id]
    title = case.title.strip()
    if not title.endswith("信访事项"):
        title += "信访事项"
    return {
        "title": f"关于{title}的法律审查意见书",
        "addressee": case.handling_org.name,
        "claims": claims,
        "basic_facts": "\n".join(facts),
        "consultation_summary": "\n".join(lines),
        "findings": "",
        "analysis": "",
        "conclusion": None,
        "recommendations": [],
        "legal_basis": [],
        "dissent": "",
        "cc": "、".join(dict.fromkeys(cc)),
    }


# --------------------------------------------------------------------------- the document


def printed_dissent(opinion: Opinion) -> str:
    """七、少数意见: the panel's own text, then each member's dissent by name."""
    parts = [opinion.dissent.strip()] if opinion.dissent and opinion.dissent.strip() else []
    for d in opinion.dissents:
        text = " ".join(d.text.split()) if "\n" not in d.text else d.text.strip()
        if text:
            parts.append(f"专家组成员{d.expert.name}提出少数意见：{text}")
    return "\n".join(parts)


def signer_dicts(c: Consultation) -> list[dict]:
    return [{"name": m.expert.name, "title": m.expert.title or "", "employer": m.expert.employer or "",
             "role": m.role_label, "expert_id": m.expert_id} for m in c.accepted_members()]


def document_content(opinion: Opinion, *, number: str | None = None, issued_on: date | None = None,
                     issued_at: datetime | None = None) -> dict:
    """Everything printed on the opinion, as plain JSON-able data (the canonical content).
    ``issued_at`` (the moment of issue) goes into the DOCX's properties; the office's
    发文机关标志 is printed when the office asks for it."""
    c = opinion.consultation
    office = c.office
    correction = ""
    if opinion.supersedes is not None and opinion.supersedes.number:
        correction = f"本意见书系对{opinion.supersedes.number}法律审查意见书的更正，原意见书同时废止。"
    return {
        "opinion_id": opinion.id,
        "consultation_id": c.id,
        "case_number": c.case.case_number,
        "title": opinion.title,
        "addressee": opinion.addressee,
        "number": number,
        "date": issued_on.isoformat() if issued_on else None,
        "claims": opinion.claims or "",
        "basic_facts": opinion.basic_facts or "",
        "consultation_summary": opinion.consultation_summary or "",
        "findings": opinion.findings or "",
        "analysis": opinion.analysis or "",
        "conclusion": opinion.conclusion,
        "conclusion_label": CONCLUSIONS.get(opinion.conclusion or "", ""),
        "recommendations": list(opinion.recommendations or []),
        "recommendation_labels": [RECOMMENDATIONS.get(r, r) for r in opinion.recommendations or []],
        "legal_basis": list(opinion.legal_basis or []),
        "review_opinion": correction,
        "dissent": printed_dissent(opinion),
        "signers": signer_dicts(c),
        "issuing_body": office.name if office else "",
        "cc": [x.strip() for x in _CC_SPLIT.split(opinion.cc or "") if x.strip()],
        "printing_office": office.name if office else "",
        "print_date": issued_on.isoformat() if issued_on else None,
        "supersedes": opinion.supersedes.number if opinion.supersedes is not None else None,
        "issuer_mark": office.issuer_mark_text if office else "",
        "issued_at": issued_at.isoformat() if issued_at else None,
    }


def canonical_json(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_from_content(content: dict, *, draft: bool = False) -> OpinionDocument:
    issued = date.fromisoformat(content["date"]) if content.get("date") else None
    printed = date.fromisoformat(content["print_date"]) if content.get("print_date") else None
    signers = [Signer(s["name"], s.get("title", ""), s.get("employer", ""), s.get("role", "")) for s in content["signers"]]
    return OpinionDocument(
        title=content["title"],
        addressee=content["addressee"],
        basic_facts=content["basic_facts"],
        claims=content["claims"],
        consultation_summary=content["consultation_summary"],
        findings=content["findings"],
        analysis=content["analysis"],
        conclusion=content["conclusion_label"] or "（待定）",
        recommendations=content["recommendation_labels"],
        legal_basis=content["legal_basis"],
        issuing_body=content["issuing_body"],
        date=issued,
        number=None if draft else content.get("number"),
        review_opinion=content.get("review_opinion", ""),
        dissent=content["dissent"],
        signers=signers,
        cc=content["cc"],
        printing_office=content["printing_office"],
        print_date=printed,
        is_draft=draft,
        issuer_mark=content.get("issuer_mark") or "",
        issued_at=datetime.fromisoformat(content["issued_at"]) if content.get("issued_at") else None,
    )


def draft_document(opinion: Opinion) -> OpinionDocument:
    return document_from_content(document_content(opinion), draft=True)
