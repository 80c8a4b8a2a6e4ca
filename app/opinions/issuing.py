"""Issuing the opinion (印发), corrections, the stored files and the agency's feedback.

Issuing happens once: the document number 〔YYYY〕<prefix><n>号 takes ``n`` from the gap-free
per-office, per-year counter (``app.sequences.next_value`` inside this transaction — a failed
issue rolls its number back), the canonical content is frozen and hashed, the PDF and DOCX are
rendered once and stored with their SHA-256 — the PDF signed by the office (``app.pki.stamping``:
PAdES, seal, verification code), the DOCX saying so on its first line. Nothing of an issued opinion changes afterwards;
a correction is a new opinion that supersedes it when issued, and both stay readable.
"""

from __future__ import annotations

import json
import re

from flask import current_app
from sqlalchemy import select

from app.cases.services import set_status
from app.consultations import workflow
from app.consultations.recording import record as record_consultation
from app.consultations.recipients import agency_users, officers_of
from app.db_types import utcnow
from app.documents import OpinionDocument, format_document_number, render_docx
from app.errors import Conflict, Forbidden
from app import locking
from app.extensions import db
from app.notifications.services import notify
from app.opinions import content as C
from app.opinions import permissions as perm
from app.opinions.models import OUTCOMES, Opinion, OpinionDissent, OpinionFeedback, OpinionFile, OpinionVersion
from app.opinions.schemas import FeedbackIn
from app.pki import stamping
from app.opinions.services import (
    DRAFTABLE_STATES,
    link,
    lock,
    panel_users,
    record,
    require_complete,
    require_draft,
    require_minutes,
    staff_or_403,
)
from app.search import service as search_service
from app.sequences import next_value
from app.timeutil import local
from app.validation import parse

PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪",
    "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘",
    "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕",
    "62": "甘", "63": "青", "64": "宁", "65": "新", "71": "台", "81": "港", "82": "澳",
}
PREFIX_SUFFIX = "信专审"
_PLACES_RE = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|县|区|盟|旗)")
_PLACE_SUFFIX_RE = re.compile(r"(?:特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|自治州|自治县|自治旗|地区|省|市|县|区|盟|旗)$")
_OFFICE_WORDS = re.compile(r"(人民政府)?(信访局|信访办公室|信访办|信访委员会|联席会议办公室|联席办|信访工作联席会议办公室)$")
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


# --------------------------------------------------------------------------- rendering


def _fonts_dir():
    return current_app.config.get("DOCUMENT_FONTS_DIR") or None


def render_pdf_bytes(doc: OpinionDocument) -> bytes:
    from app.documents import render_pdf  # lazy: loads WeasyPrint (~0.5 s), which only rendering needs

    return render_pdf(doc, fonts=_fonts_dir())


def render_docx_bytes(doc: OpinionDocument) -> bytes:
    return render_docx(doc)


def _derived_prefixes(office) -> list[str]:
    """Derived prefixes, best first: 国信专审; 苏信专审 for 江苏省信访局; 南京信专审 for
    南京市信访局; 江宁信专审 for 南京市江宁区信访局 — then longer ones to fall back on."""
    if office.tier == "national" or office.region_code == "000000":
        return ["国" + PREFIX_SUFFIX, "国家" + PREFIX_SUFFIX]
    name = _OFFICE_WORDS.sub("", office.name.strip()) or office.name.strip()
    places = _PLACES_RE.findall(name)
    candidates = []
    if office.tier == "provincial" and office.region_code[:2] in PROVINCE_ABBREVIATIONS:
        candidates.append(PROVINCE_ABBREVIATIONS[office.region_code[:2]])
    if places:
        candidates.append(_PLACE_SUFFIX_RE.sub("", places[-1]) or places[-1])
        candidates.append("".join(_PLACE_SUFFIX_RE.sub("", p) or p for p in places))
    candidates.append(name)
    candidates.append(f"{name}{office.id}")  # always unique (the office id), never ends the prefix with a digit
    return [c + PREFIX_SUFFIX for c in dict.fromkeys(c for c in candidates if c)]


def _used_by_other_office(prefix: str, office_id: int) -> bool:
    pattern = f"〔____〕{prefix}%号"
    return db.session.execute(select(Opinion.id).where(
        Opinion.number.like(pattern), Opinion.issuing_office_id != office_id).limit(1)).first() is not None


def document_prefix(office, *, check_used: bool = False) -> str:
    """发文字号 prefix: the office's ``doc_prefix`` when set, else derived from its tier and
    name. With ``check_used``, a derived prefix another office already numbers with is skipped
    (two 朝阳区 offices must not both issue 〔2026〕朝阳信专审1号)."""
    if office.doc_prefix and office.doc_prefix.strip():
        return office.doc_prefix.strip()
    candidates = _derived_prefixes(office)
    if check_used:
        for candidate in candidates:
            if not _used_by_other_office(candidate, office.id):
                return candidate
        return candidates[-1]
    return candidates[0]


# --------------------------------------------------------------------------- files


def stored_file(opinion_id: int, kind: str) -> tuple[bytes, str] | None:
    """(bytes, sha256) of an issued opinion's stored file, without loading the opinion's others."""
    row = db.session.execute(select(OpinionFile.data, OpinionFile.sha256)
                             .where(OpinionFile.opinion_id == opinion_id, OpinionFile.kind == kind)).first()
    return (row[0], row[1]) if row else None


def issued_content(opinion: Opinion) -> dict | None:
    stored = stored_file(opinion.id, "content") if opinion.issued_at else None
    return json.loads(stored[0]) if stored else None


def document_for(opinion: Opinion) -> OpinionDocument:
    """What the PDF shows: the frozen content of an issued opinion, else the live draft."""
    frozen = issued_content(opinion)
    if frozen is not None:
        return C.document_from_content(frozen)
    return C.draft_document(opinion)


def file_for(opinion: Opinion, kind: str) -> tuple[bytes, str | None]:
    """(bytes, etag): the stored file of an issued opinion, or a draft rendered now (watermarked
    草稿, not stored, no etag)."""
    if opinion.issued_at:
        stored = stored_file(opinion.id, kind)
        if stored is not None:
            return stored
    doc = document_for(opinion)
    data = render_pdf_bytes(doc) if kind == "pdf" else render_docx_bytes(doc)
    return data, None


def download_name(opinion: Opinion, kind: str) -> str:
    base = opinion.number or f"{opinion.title}（草稿第{opinion.version}版）"
    return f"{base}.{kind}"


# --------------------------------------------------------------------------- issuing


def unsigned_members(opinion: Opinion) -> list:
    signed = {s.expert_id for s in opinion.signatures if s.version == opinion.version}
    return [m for m in opinion.consultation.accepted_members() if m.expert_id not in signed]


def issue(user, opinion: Opinion) -> Opinion:
    staff_or_403(user, opinion, "印发意见书")
    opinion = lock(opinion)
    require_draft(opinion)
    require_complete(opinion, "印发")
    c = opinion.consultation
    require_minutes(c, "印发意见书")
    members = c.accepted_members()
    if not members:
        raise Conflict("专家组尚无接受邀请的成员，不能印发", code="signatures_missing", details={"unsigned": []})
    missing = unsigned_members(opinion)
    if missing:
        names = "、".join(m.expert.name for m in missing)
        raise Conflict(f"尚有 {len(missing)} 名专家未签署第 {opinion.version} 版：{names}", code="signatures_missing",
                       details={"version": opinion.version,
                                "unsigned": [{"expert_id": m.expert_id, "name": m.expert.name} for m in missing]})
    transition = c.status in DRAFTABLE_STATES or opinion.supersedes_id is None
    if transition:
        workflow.check(c, "issue_opinion")
    office = c.office
    prefix = document_prefix(office, check_used=True)
    now = utcnow()
    today = local(now).date()
    # The number is taken last before writing: the counter's row stays locked (PostgreSQL) or
    # the database's writer lock held (SQLite) until commit, and a rollback returns the number.
    seq = next_value(f"opinion:{office.id}:{today.year}")
    number = format_document_number(today.year, prefix, seq)
    if db.session.execute(select(Opinion.id).where(Opinion.number == number)).first() is not None:
        raise Conflict(f"发文字号 {number} 已被其他单位使用，请系统管理员为{office.name}设置不同的发文字号前缀",
                       code="number_conflict", details={"number": number})
    content = C.document_content(opinion, number=number, issued_on=today, issued_at=now)
    canonical = C.canonical_json(content)
    doc = C.document_from_content(content)
    signed = stamping.sign_issued(office, doc, render_pdf_bytes(doc), fonts=_fonts_dir())  # PAdES, seal, QR (验真)
    files = {"content": canonical, "pdf": signed.pdf, "docx": stamping.mark_docx(render_docx_bytes(doc), signed.code)}
    hashes = {kind: C.sha256_hex(data) for kind, data in files.items()}
    for kind, data in files.items():
        db.session.add(OpinionFile(opinion=opinion, kind=kind, sha256=hashes[kind], size=len(data), data=data))
    opinion.status = "issued"
    opinion.number, opinion.number_year, opinion.number_seq = number, today.year, seq
    opinion.issuing_office_id = office.id
    opinion.issued_at, opinion.issued_by_id = now, user.id
    opinion.content_sha256, opinion.pdf_sha256 = hashes["content"], hashes["pdf"]
    db.session.flush()
    stamping.record_issued(opinion.id, signed)
    record(opinion, "issue", f"印发法律审查意见书 {number}（第 {opinion.version} 版，{len(members)} 名专家签署）",
           after={"number": number, "version": opinion.version, "sha256": hashes["content"], "pdf_sha256": hashes["pdf"],
                  "docx_sha256": hashes["docx"], "verification_code": signed.code,
                  "certificate": signed.certificate.fingerprint})
    old = opinion.supersedes
    if old is not None:
        old.status = "superseded"
        record(old, "update", f"意见书 {old.number} 已被更正意见书 {number} 替代",
               before={"status": "issued"}, after={"status": "superseded", "superseded_by": number})
    if transition:
        before, after = workflow.apply(c, "issue_opinion")
        record_consultation(c, "issue_opinion", f"出具法律审查意见书 {number}", before={"status": before},
                            after={"status": after, "opinion_id": opinion.id, "number": number})
    search_service.on_issued(opinion, content, superseded=old)
    if c.case.status != "closed":
        set_status(c.case, "opinion_issued", f"已出具法律审查意见书 {number}")
    body = f"{office.name}印发法律审查意见书 {number}：{opinion.title}。"
    if old is not None:
        body += f"本意见书更正并替代 {old.number}。"
    notify([*agency_users(c.case), *panel_users(c)], "opinion_issued", f"法律审查意见书已印发：{number}", body, link(opinion))
    return opinion


def correct(user, opinion: Opinion) -> Opinion:
    """A new draft that will supersede the issued ``opinion`` when it is issued."""
    staff_or_403(user, opinion, "更正意见书")
    c = opinion.consultation
    locking.lock_row(type(c), c.id)
    opinion = lock(opinion)
    if opinion.status == "draft":
        raise Conflict("意见书尚未印发，直接修改即可", code="not_issued")
    if opinion.status != "issued":
        raise Conflict("该意见书已被更正，请更正最新的意见书", code="invalid_status", details={"status": opinion.status})
    db.session.expire(c, ["opinions"])
    draft = next((o for o in c.opinions if o.status == "draft"), None)
    if draft is not None:
        raise Conflict("该会商已有起草中的意见书", code="draft_exists", details={"opinion_id": draft.id})
    fields = {name: getattr(opinion, name) for name in C.EDITABLE}
    fields["recommendations"] = list(opinion.recommendations or [])
    fields["legal_basis"] = list(opinion.legal_basis or [])
    new = Opinion(consultation=c, case_id=c.case_id, status="draft", version=1, supersedes_id=opinion.id,
                  created_by_id=user.id, updated_by_id=user.id, **fields)
    db.session.add(new)
    db.session.flush()
    for d in opinion.dissents:
        db.session.add(OpinionDissent(opinion=new, expert_id=d.expert_id, text=d.text))
    db.session.flush()
    db.session.add(OpinionVersion(opinion=new, version=1, content=C.editable_content(new), created_by_id=user.id))
    record(new, "draft", f"起草更正意见书（更正 {opinion.number}）", after={"supersedes_id": opinion.id, "version": 1})
    notify(panel_users(c), "opinion_correction", f"意见书更正：{opinion.number}",
           f"{c.office.name}已起草对 {opinion.number} 的更正意见书，请审阅并重新签署。", link(new))
    return new


# --------------------------------------------------------------------------- feedback


def add_feedback(user, opinion: Opinion, payload: dict) -> OpinionFeedback:
    """落实反馈 by the agency owning the case: the consultation closes; a resolved case closes."""
    if not perm.can_feedback(user, opinion):
        raise Forbidden("只有信访事项的有权处理机关可以反馈落实情况")
    data = parse(FeedbackIn, payload)
    opinion = lock(opinion)
    if opinion.status == "draft":
        raise Conflict("意见书尚未印发，不能反馈落实情况", code="not_issued")
    if opinion.status != "issued":
        raise Conflict("该意见书已被更正，请对更正后的意见书反馈", code="invalid_status", details={"status": opinion.status})
    if opinion.feedback_final:
        raise Conflict("落实情况已经反馈，不能重复提交", code="feedback_exists")
    feedback = OpinionFeedback(opinion=opinion, adopted=data.adopted, outcome=data.outcome, note=data.note.strip(),
                               created_by_id=user.id)
    db.session.add(feedback)
    db.session.flush()
    adopted = "已采纳" if data.adopted else "未采纳"
    note = f"；{feedback.note}" if feedback.note else ""
    record(opinion, "feedback", f"落实反馈（{opinion.number}）：{adopted}，{OUTCOMES[data.outcome]}{note}",
           after={"adopted": data.adopted, "outcome": data.outcome, "note": feedback.note}, object_type="feedback")
    c = opinion.consultation
    if c.status in workflow.TRANSITIONS["close"][0]:
        before, after = workflow.apply(c, "close")
        c.closed_at = utcnow()
        record_consultation(c, "close", f"有权处理机关反馈落实情况，会商办结（{adopted}，{OUTCOMES[data.outcome]}）",
                            before={"status": before}, after={"status": after})
    if data.outcome == "resolved" and c.case.status != "closed":
        set_status(c.case, "closed", f"信访事项已化解，办结（落实反馈：{adopted}）", action="close")
    notify(officers_of(c.office_id), "opinion_feedback", f"落实反馈：{opinion.number}",
           f"{c.case.handling_org.name}反馈：{adopted}，{OUTCOMES[data.outcome]}{note}", link(opinion))
    return feedback
