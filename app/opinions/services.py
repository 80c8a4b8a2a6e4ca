"""Drafting the opinion together: create (pre-filled), edit in versions with stale-version
detection, comments, members' dissents and signatures. Issuing, corrections, files and the
agency's feedback are in :mod:`app.opinions.issuing`.

One use case per function; the caller commits. Every state change first takes the opinion's
write lock (:func:`lock`) and re-reads the row, so two people saving, signing or issuing at the
same moment are serialized on both PostgreSQL and SQLite (:mod:`app.locking`).

The rules on completeness: a draft may be saved incomplete; signing and issuing need basic
facts, the legal analysis, the conclusion and at least one recommendation (422
``incomplete_opinion`` naming each missing section).

The rule on order: drafting may start as soon as the panel is drawn (notes before the meeting
are fine), but the final version is signed and issued only after the panel met — a held
meeting with its minutes recorded (409 ``no_minutes``, :func:`require_minutes`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.consultations.models import Consultation
from app.consultations.permissions import can_staff
from app.consultations.recipients import officers_of
from app.db_types import utcnow
from app.documents import CitationError, format_citation, law_key, parse_citation
from app.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from app import locking
from app.auth import throttle
from app.auth.models import User
from app.auth.services import client_address
from app.extensions import db
from app.notifications.services import notify
from app.opinions import content as C
from app.opinions import permissions as perm
from app.opinions.diff import changed_sections
from app.opinions.models import Opinion, OpinionComment, OpinionDissent, OpinionSignature, OpinionVersion
from app.opinions.schemas import CommentIn, DissentIn, OpinionIn, OpinionUpdate
from app.timeutil import iso
from app.validation import parse
from expert_pool.codes import CONCLUSIONS, RECOMMENDATIONS

DRAFTABLE_STATES = ("panel_drawn", "scheduled", "deliberated")
REAUTH_WINDOW = timedelta(minutes=15)


def subject(opinion_or_consultation) -> str:
    return f"case:{opinion_or_consultation.case_id}"


def link(opinion: Opinion) -> str:
    return f"/opinions/{opinion.id}"


def record(opinion: Opinion, action: str, summary: str, before=None, after=None, object_type: str = "opinion") -> None:
    """Audit onto the case timeline."""
    audit.record(action, object_type, opinion.id, summary, before=before, after=after, subject=subject(opinion))


# --------------------------------------------------------------------------- loading and locking


def get_visible(user, opinion_id: int) -> Opinion:
    """The opinion if ``user`` may see it, else NotFound (404). One query brings the opinion with
    its consultation and case, which every access check needs."""
    stmt = (select(Opinion).where(Opinion.id == opinion_id)
            .options(joinedload(Opinion.consultation).joinedload(Consultation.case)))
    opinion = db.session.execute(stmt).unique().scalar_one_or_none()
    if opinion is None or not perm.can_view(user, opinion):
        raise NotFound("法律审查意见书不存在")
    return opinion


def lock(opinion: Opinion) -> Opinion:
    """The opinion, write-locked and re-read from the database (:mod:`app.locking`)."""
    return locking.lock(opinion)


def require_draft(opinion: Opinion) -> None:
    if opinion.status == "issued":
        raise Conflict(f"意见书已印发（{opinion.number}），不能再修改；如需更正请起草更正意见书", code="already_issued",
                       details={"status": opinion.status, "number": opinion.number})
    if opinion.status != "draft":
        raise Conflict("意见书已被更正意见书替代，不能再修改", code="invalid_status", details={"status": opinion.status})


# --------------------------------------------------------------------------- validation


def _clean(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def canonical_legal_basis(items: list[str]) -> tuple[list[str], dict[str, str]]:
    """Canonical citations (duplicates dropped, blank lines skipped) and per-item errors."""
    out, errors, seen = [], {}, set()
    for i, raw in enumerate(items):
        if not isinstance(raw, str) or not raw.strip():
            continue
        try:
            citation = parse_citation(raw, require_law=True)
        except CitationError as err:
            errors[f"legal_basis[{i}]"] = f"第{i + 1}条法律依据：{err}"
            continue
        key = law_key(citation)
        if key not in seen:
            seen.add(key)
            out.append(format_citation(citation))
    return out, errors


def normalize(data: OpinionIn) -> dict:
    """The fields given, cleaned and validated (codes, citations); 422 naming each bad entry."""
    values: dict = {}
    errors: dict[str, str] = {}
    for name in ("title", "addressee", *C.TEXT_SECTIONS, "dissent", "cc"):
        value = getattr(data, name)
        if value is not None:
            values[name] = _clean(value)
    if "title" in values and not values["title"]:
        errors["title"] = "标题不能为空"
    if data.conclusion is not None:
        code = data.conclusion.strip()
        if code and code not in CONCLUSIONS:
            errors["conclusion"] = f"未知的定性“{code}”，可选：{'、'.join(CONCLUSIONS)}"
        values["conclusion"] = code or None
    if data.recommendations is not None:
        codes = []
        for i, code in enumerate(data.recommendations):
            code = code.strip()
            if code not in RECOMMENDATIONS:
                errors[f"recommendations[{i}]"] = f"未知的处理建议“{code}”"
                errors.setdefault("recommendations", f"未知的处理建议“{code}”，可选：{'、'.join(RECOMMENDATIONS)}")
            elif code not in codes:
                codes.append(code)
        values["recommendations"] = codes
    if data.legal_basis is not None:
        values["legal_basis"], citation_errors = canonical_legal_basis(data.legal_basis)
        if citation_errors:
            errors.update(citation_errors)
            errors["legal_basis"] = next(iter(citation_errors.values()))
    if errors:
        named = [k for k in errors if "[" in k] or list(errors)
        raise ValidationFailed(errors, message="数据校验未通过：" + "；".join(errors[k] for k in named))
    return values


def require_complete(opinion: Opinion, doing: str) -> None:
    missing = C.missing_sections(opinion)
    if missing:
        labels = "、".join(C.LABELS[k] for k in missing)
        raise ValidationFailed(missing, message=f"意见书尚不完整，不能{doing}：请填写{labels}", code="incomplete_opinion")


def require_minutes(c: Consultation, doing: str) -> None:
    """Signing and issuing wait for the meeting: its minutes must be recorded."""
    if not c.has_minutes:
        raise Conflict(f"会商会议召开并记录会议纪要后才能{doing}；尚未开会的，请先召开会商会议（已召开的会议可补录）",
                       code="no_minutes", details={"status": c.status})


# --------------------------------------------------------------------------- versions and signatures


def _new_version(opinion: Opinion, user) -> OpinionVersion:
    version = OpinionVersion(opinion=opinion, version=opinion.version, content=C.editable_content(opinion),
                             created_by_id=getattr(user, "id", None))
    db.session.add(version)
    return version


def clear_signatures(opinion: Opinion, why: str) -> list[str]:
    """Any change to the document voids the signatures on it (audited; signers are told)."""
    signatures = list(opinion.signatures)
    if not signatures:
        return []
    names = [s.expert.name for s in signatures]
    expert_ids = [s.expert_id for s in signatures]
    signed = [{"expert_id": s.expert_id, "name": s.expert.name, "version": s.version} for s in signatures]
    for s in signatures:
        opinion.signatures.remove(s)
    db.session.flush()
    record(opinion, "delete", f"{why}，已签署的 {len(names)} 名专家签名失效（{'、'.join(names)}），需重新签署",
           before={"signatures": signed}, after={"version": opinion.version}, object_type="signature")
    notify(expert_users(expert_ids), "opinion_signatures_cleared", f"意见书已修改，请重新签署：{opinion.title}",
           f"{why}，您此前的签名已失效，请审阅第 {opinion.version} 版后重新签署。", link(opinion))
    return names


def expert_users(expert_ids) -> list:
    ids = list(expert_ids)
    if not ids:
        return []
    return list(db.session.execute(select(User).where(User.expert_id.in_(ids), User.is_active_flag.is_(True))).scalars())


def panel_users(c: Consultation) -> list:
    return expert_users(m.expert_id for m in c.accepted_members())


# --------------------------------------------------------------------------- drafting


def create_draft(user, c: Consultation, payload: dict | None) -> Opinion:
    """The chair (accepted) or the staffing officer starts the draft; omitted fields are
    pre-filled. One live draft per consultation; after issuing, use a correction."""
    if not perm.can_draft(user, c):
        raise Forbidden("只有专家组组长（已接受邀请）或承办信访部门工作人员可以起草意见书")
    data = parse(OpinionIn, payload if payload is not None else {})
    values = normalize(data)
    c = locking.lock(c)
    live = [o for o in c.opinions if o.status in ("draft", "issued")]
    if any(o.status == "draft" for o in live):
        draft = next(o for o in live if o.status == "draft")
        raise Conflict("该会商已有起草中的意见书", code="draft_exists", details={"opinion_id": draft.id})
    if live:
        raise Conflict("该会商的意见书已印发；如需更正，请起草更正意见书", code="already_issued",
                       details={"opinion_id": live[-1].id})
    if c.status not in DRAFTABLE_STATES:
        raise Conflict(f"会商当前状态为“{c.status_label}”，不能起草意见书（须已抽取专家组）", code="invalid_transition",
                       details={"status": c.status})
    content = C.prefill(c) | values
    opinion = Opinion(consultation=c, case_id=c.case_id, status="draft", version=1, created_by_id=user.id,
                      updated_by_id=user.id, **content)
    db.session.add(opinion)
    db.session.flush()
    _new_version(opinion, user)
    db.session.flush()
    record(opinion, "draft", f"起草法律审查意见书（第 1 版）：{opinion.title}", after={"version": 1})
    return opinion


def update(user, opinion: Opinion, payload: dict) -> tuple[Opinion, bool]:
    """Save a new version; returns (opinion, changed). A stale ``version`` is a 409 whose
    details carry the current content and the sections changed meanwhile, so the editor can
    show the other person's text next to the user's and nothing is lost."""
    if not perm.can_edit(user, opinion):
        raise Forbidden("只有已接受邀请的专家组成员或承办信访部门工作人员可以修改意见书")
    data = parse(OpinionUpdate, payload)
    values = normalize(data)
    opinion = lock(opinion)
    require_draft(opinion)
    if data.version != opinion.version:
        raise stale_version(opinion, data.version, values)
    before = C.editable_content(opinion)
    for name, value in values.items():
        setattr(opinion, name, value)
    after = C.editable_content(opinion)
    changed = changed_sections(before, after)
    if not changed:
        return opinion, False
    opinion.version += 1
    opinion.updated_by_id = user.id
    opinion.updated_at = utcnow()
    _new_version(opinion, user)
    db.session.flush()
    labels = "、".join(C.LABELS[s] for s in changed)
    record(opinion, "edit", f"修改意见书（第 {opinion.version} 版）：{labels}",
           before={"version": opinion.version - 1}, after={"version": opinion.version, "sections": changed})
    clear_signatures(opinion, f"意见书修改为第 {opinion.version} 版")
    return opinion, True


def stale_version(opinion: Opinion, base_version: int, submitted: dict) -> Conflict:
    current = C.editable_content(opinion)
    base = next((v.content for v in opinion.versions if v.version == base_version), None)
    changed = changed_sections(base, current) if base is not None else changed_sections(submitted, current)
    mine = changed_sections(base, base | submitted) if base is not None else list(submitted)
    editor = db.session.get(User, opinion.updated_by_id) if opinion.updated_by_id else None
    return Conflict(
        f"意见书已被{getattr(editor, 'display_name', '他人')}修改为第 {opinion.version} 版（您编辑的是第 {base_version} 版）；"
        "请对照对方的修改合并后再保存",
        code="stale_version",
        details={"current_version": opinion.version, "your_version": base_version, "changed_sections": changed,
                 "conflicting_sections": [s for s in changed if s in mine], "current": current,
                 "updated_by": getattr(editor, "display_name", None), "updated_at": iso(opinion.updated_at)},
    )


# --------------------------------------------------------------------------- comments


def add_comment(user, opinion: Opinion, payload: dict) -> OpinionComment:
    if not perm.can_comment(user, opinion):
        raise Forbidden("只有专家组成员或承办信访部门工作人员可以发表评论")
    data = parse(CommentIn, payload)
    if data.section not in C.COMMENT_SECTIONS:
        raise ValidationFailed({"section": f"未知的章节“{data.section}”，可选：{'、'.join(C.COMMENT_SECTIONS)}"})
    require_draft(opinion)
    comment = OpinionComment(opinion=opinion, section=data.section, version=opinion.version, author_id=user.id,
                             text=data.text)
    db.session.add(comment)
    db.session.flush()
    record(opinion, "comment", f"就“{C.LABELS[data.section]}”发表评论：{data.text[:60]}",
           after={"comment_id": comment.id, "section": data.section})
    return comment


def resolve_comment(user, opinion: Opinion, comment_id: int) -> OpinionComment:
    if not perm.can_comment(user, opinion):
        raise Forbidden("只有专家组成员或承办信访部门工作人员可以处理评论")
    comment = db.session.get(OpinionComment, comment_id)
    if comment is None or comment.opinion_id != opinion.id:
        raise NotFound("评论不存在")
    if not comment.resolved:
        comment.resolved = True
        record(opinion, "comment", f"评论已处理：{comment.text[:60]}", after={"comment_id": comment.id, "resolved": True})
    return comment


# --------------------------------------------------------------------------- signing and dissent


def require_member(user, opinion: Opinion, doing: str):
    seat = perm.accepted_seat(user, opinion.consultation)
    if seat is None:
        if opinion.consultation.seat_of_user(user) is not None:
            raise Forbidden(f"接受会商邀请后才能{doing}")
        raise Forbidden(f"只有专家组成员本人可以{doing}")
    return seat


def reauthenticate(user, password: str | None, token_issued_at) -> None:
    """Signing needs fresh authentication: the password now, or a bearer token issued within
    the last 15 minutes. Wrong passwords count towards the sign-in throttle."""
    if password is None:
        if token_issued_at is None or token_issued_at < utcnow() - REAUTH_WINDOW:
            raise Unauthorized("签署前须重新验证身份：请提供密码，或使用 15 分钟内获取的令牌", code="reauth_required")
        return
    attempt = throttle.reserve(user.username, client_address())  # 429 past the sign-in limits
    ok = user.check_password(password)
    throttle.settle(attempt, ok)
    if not ok:
        audit.record("login_failed", "user", user.id, f"{user.username} 签署意见书时密码验证失败", actor=user)
        db.session.commit()  # by design: the failed try is kept (throttle, audit) although the request fails
        raise Unauthorized("密码错误，签署未完成", code="invalid_credentials")


def sign(user, opinion: Opinion, *, password: str | None = None, token_issued_at=None) -> OpinionSignature:
    seat = require_member(user, opinion, "签署意见书")
    reauthenticate(user, password, token_issued_at)
    opinion = lock(opinion)
    require_draft(opinion)
    require_complete(opinion, "签署")
    require_minutes(opinion.consultation, "签署意见书")
    existing = next((s for s in opinion.signatures if s.expert_id == seat.expert_id), None)
    if existing is not None:
        raise Conflict(f"您已签署第 {existing.version} 版", code="already_signed", details={"version": existing.version})
    signature = OpinionSignature(opinion=opinion, expert_id=seat.expert_id, user_id=user.id, version=opinion.version)
    db.session.add(signature)
    db.session.flush()
    record(opinion, "sign", f"专家 {seat.expert.name} 签署意见书第 {opinion.version} 版",
           after={"expert_id": seat.expert_id, "version": opinion.version}, object_type="signature")
    members = opinion.consultation.accepted_members()
    signed = {s.expert_id for s in opinion.signatures}
    if members and all(m.expert_id in signed for m in members):
        notify(officers_of(opinion.consultation.office_id), "opinion_ready", f"意见书已全部签署，可以印发：{opinion.title}",
               f"专家组 {len(members)} 名成员均已签署第 {opinion.version} 版。", link(opinion))
    return signature


def set_dissent(user, opinion: Opinion, payload: dict) -> tuple[OpinionDissent | None, bool]:
    """Record, change or (empty text) withdraw the member's 少数意见. It is printed in the
    document, so — like an edit — it makes a new version and voids the signatures.
    Returns (dissent or None when withdrawn, created)."""
    seat = require_member(user, opinion, "发表少数意见")
    data = parse(DissentIn, payload)
    text_ = _clean(data.text)
    opinion = lock(opinion)
    require_draft(opinion)
    existing = next((d for d in opinion.dissents if d.expert_id == seat.expert_id), None)
    if not text_ and existing is None:
        raise ValidationFailed({"text": "请填写少数意见"})
    if existing is not None and existing.text == text_:
        return existing, False
    created = existing is None
    if not text_:
        opinion.dissents.remove(existing)
        summary, result = f"专家 {seat.expert.name} 撤回少数意见", None
    elif created:
        result = OpinionDissent(opinion=opinion, expert_id=seat.expert_id, text=text_)
        db.session.add(result)
        summary = f"专家 {seat.expert.name} 发表少数意见"
    else:
        existing.text = text_
        existing.updated_at = utcnow()
        summary, result = f"专家 {seat.expert.name} 修改少数意见", existing
    db.session.flush()
    db.session.expire(opinion, ["dissents"])
    opinion.version += 1
    opinion.updated_by_id = user.id
    opinion.updated_at = utcnow()
    _new_version(opinion, user)
    db.session.flush()
    record(opinion, "edit", f"{summary}（意见书第 {opinion.version} 版）",
           after={"version": opinion.version, "expert_id": seat.expert_id, "sections": ["dissents"]})
    clear_signatures(opinion, f"{summary}，意见书变为第 {opinion.version} 版")
    return result, created


def staff_or_403(user, opinion: Opinion, doing: str) -> None:
    if not can_staff(user, opinion.consultation):
        raise Forbidden(f"只有承办该会商的信访部门工作人员可以{doing}")
