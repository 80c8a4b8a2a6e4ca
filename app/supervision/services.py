"""Use cases of supervision: extension requests and decisions, supervision notices (督办单) and
their replies. Each public function is one transaction's worth of work, checks permissions
itself (404 for what the user may not see, 403 for what the role may not do), takes its lock
before deciding, audits onto the case timeline and notifies through the outbox; the caller
commits (``app.transactions``).

Transitions are data, as in ``app.consultations.workflow``: :data:`EXTENSION_TRANSITIONS` and
:data:`NOTICE_TRANSITIONS`.
"""

from __future__ import annotations

from sqlalchemy import select

from app import clock, locking
from app.audit import services as audit
from app.cases.deadlines import CLOSED, extended_days, handling_due
from app.cases.models import Case
from app.cases.services import get_visible_case
from app.db_types import utcnow
from app.documents import format_document_number
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.notifications.services import notify
from app.opinions.issuing import document_prefix
from app.sequences import next_value
from app.supervision import permissions as perm
from app.supervision import recipients
from app.supervision.models import ExtensionRequest, SupervisionNotice
from app.supervision.schemas import DecisionIn, ExtensionIn, NoticeIn, ReplyIn
from app.validation import parse

# action → (states it may start from, state it leads to)
EXTENSION_TRANSITIONS = {"approve": ({"pending"}, "approved"), "reject": ({"pending"}, "rejected")}
NOTICE_TRANSITIONS = {"reply": ({"open"}, "replied")}


def _apply(row, transitions: dict, action: str, what: str) -> tuple[str, str]:
    sources, target = transitions[action]
    if row.status not in sources:
        raise Conflict(f"{what}当前状态为“{row.status_label}”，不能执行该操作", code="invalid_transition",
                       details={"status": row.status})
    before, row.status = row.status, target
    return before, target


def case_link(case_id: int) -> str:
    return f"/cases/{case_id}"


def notice_link(notice: SupervisionNotice) -> str:
    return f"/supervision/notices/{notice.id}"


# --------------------------------------------------------------------------- extensions


def request_extension(user, case_id: int, payload: dict) -> ExtensionRequest:
    """The agency asks for more time (once per case, at most the extension rule's days)."""
    case = get_visible_case(user, case_id)
    if not perm.can_request_extension(user, case):
        raise Forbidden("只有承办单位可以申请延长办理期限")
    data = parse(ExtensionIn, payload)  # days within the extension rule in force
    case = locking.lock(case)
    _extendable(case)
    pending = db.session.execute(select(ExtensionRequest.id).where(
        ExtensionRequest.case_id == case.id, ExtensionRequest.status == "pending")).first()
    if pending:
        raise Conflict("已有待审批的延期申请", code="extension_pending", details={"extension_id": pending[0]})
    row = ExtensionRequest(case_id=case.id, days=data.days, reason=data.reason, status="pending",
                           due_before=case.due_date, requested_by_id=user.id, requested_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("extension_request", "case", case.id,
                 f"申请延长办理期限 {data.days} 天（现期限 {case.due_date.isoformat()}）：{data.reason}",
                 after={"extension_id": row.id, "days": data.days, "reason": data.reason}, subject=f"case:{case.id}")
    office = recipients.responsible_office(case)
    notify(recipients.active_users(office.id if office else None, "officer"), "extension_request",
           f"延期申请待审批：{case.title}", f"{case.case_number} 承办单位申请延长办理期限 {data.days} 天。理由：{data.reason}",
           link=case_link(case.id))
    return row


def _extendable(case: Case) -> None:
    if case.status == CLOSED:
        raise Conflict("信访事项已办结，不能延期", code="case_closed")
    if case.accepted_on is None or case.due_date is None:
        raise Conflict("尚未填写受理日期，没有可延长的办理期限", code="not_accepted")
    approved = db.session.execute(select(ExtensionRequest.id).where(
        ExtensionRequest.case_id == case.id, ExtensionRequest.status == "approved")).first()
    if approved or extended_days(case) > 0:
        raise Conflict("办理期限已延长过，按《信访工作条例》只能延长一次", code="already_extended")


def get_extension(user, extension_id: int) -> ExtensionRequest:
    row = db.session.get(ExtensionRequest, extension_id)
    if row is None:
        raise NotFound("延期申请不存在")
    get_visible_case(user, row.case_id)  # 404 when the case is not visible
    _viewer(user)
    return row


def _viewer(user) -> None:
    if not perm.can_view_supervision(user):
        raise Forbidden("无权查看督办信息")


def decide_extension(user, extension_id: int, payload: dict) -> ExtensionRequest:
    """The petition office approves (the case's due date moves) or refuses, with a note."""
    row = get_extension(user, extension_id)
    if not perm.can_supervise_case(user, row.case):
        raise Forbidden("只有辖区信访部门可以审批延期申请")
    data = parse(DecisionIn, payload)
    if not data.approve and len(data.note) < 2:
        raise ValidationFailed({"note": "不批准时须说明理由"})
    row = locking.lock(row)
    # The case too: an approval moves its deadline, which edits and the deadline recompute also write.
    case = locking.lock(row.case)
    if data.approve and row.status == "pending":
        _extendable(case)
    before, after = _apply(row, EXTENSION_TRANSITIONS, "approve" if data.approve else "reject", "延期申请")
    row.decided_by_id, row.decided_at, row.decision_note = user.id, utcnow(), data.note
    if data.approve:
        old = case.due_date
        case.extension_days = row.days
        case.due_date = handling_due(case.accepted_on, row.days)
        case.version += 1
        row.due_after = case.due_date
        summary = f"批准延长办理期限 {row.days} 天（{old.isoformat()} → {case.due_date.isoformat()}）"
    else:
        summary = f"不批准延长办理期限：{data.note}"
    db.session.flush()
    audit.record("extension_approve" if data.approve else "extension_reject", "case", case.id,
                 summary + (f"；意见：{data.note}" if data.approve and data.note else ""),
                 before={"status": before, "due_date": row.due_before},
                 after={"status": after, "due_date": case.due_date, "extension_id": row.id}, subject=f"case:{case.id}")
    notify(recipients.active_users(case.handling_org_id, "agency"), "extension_decision",
           f"延期申请{'已批准' if data.approve else '未批准'}：{case.title}", summary, link=case_link(case.id))
    return row


# --------------------------------------------------------------------------- notices (督办单)


def _issuing_office(user, case: Case):
    if user.role == "officer":
        return user.organization
    office = recipients.responsible_office(case)
    if office is None:
        raise Conflict("找不到负责该事项的信访部门，无法发出督办单", code="no_office")
    return office


def notice_prefix(office) -> str:
    """〔2026〕南京信督3号: the office's document prefix with 督 for 专审."""
    prefix = document_prefix(office)
    return prefix[:-2] + "督" if prefix.endswith("专审") else prefix + "督"


def issue_notice(user, case_id: int, payload: dict) -> SupervisionNotice:
    case = get_visible_case(user, case_id)
    if not perm.can_supervise_case(user, case):
        raise Forbidden("只有辖区信访部门可以发出督办单")
    data = parse(NoticeIn, payload)
    today = clock.today()
    if data.due_on < today:
        raise ValidationFailed({"due_on": f"办结时限不能早于今天（{today.isoformat()}）"})
    case = locking.lock(case)
    if case.status == CLOSED:
        raise Conflict("信访事项已办结，无需督办", code="case_closed")
    office = _issuing_office(user, case)
    year = today.year
    seq = next_value(f"supervision_notice:{office.id}:{year}")
    notice = SupervisionNotice(case_id=case.id, office_id=office.id, agency_id=case.handling_org_id,
                               number=format_document_number(year, notice_prefix(office), seq), number_year=year,
                               number_seq=seq, requirements=data.requirements, due_on=data.due_on, status="open",
                               issued_by_id=user.id, issued_at=utcnow())
    db.session.add(notice)
    db.session.flush()
    audit.record("supervision_notice", "supervision_notice", notice.id,
                 f"发出督办单 {notice.number}，要求 {data.due_on.isoformat()} 前回复：{data.requirements}",
                 after={"number": notice.number, "due_on": data.due_on}, subject=f"case:{case.id}")
    notify(recipients.active_users(case.handling_org_id, "agency"), "supervision_notice",
           f"督办单 {notice.number}：{case.title}", f"请于 {data.due_on.isoformat()} 前办理并回复。督办要求：{data.requirements}",
           link=notice_link(notice))
    return notice


def get_notice(user, notice_id: int) -> SupervisionNotice:
    notice = db.session.get(SupervisionNotice, notice_id)
    if notice is None:
        raise NotFound("督办单不存在")
    get_visible_case(user, notice.case_id)
    _viewer(user)
    return notice


def reply_notice(user, notice_id: int, payload: dict) -> SupervisionNotice:
    notice = get_notice(user, notice_id)
    if not perm.can_reply_notice(user, notice):
        raise Forbidden("只有被督办的承办单位可以回复督办单")
    data = parse(ReplyIn, payload)
    notice = locking.lock(notice)
    before, after = _apply(notice, NOTICE_TRANSITIONS, "reply", "督办单")
    notice.reply_text, notice.replied_by_id, notice.replied_at = data.text, user.id, utcnow()
    db.session.flush()
    audit.record("supervision_reply", "supervision_notice", notice.id, f"回复督办单 {notice.number}：{data.text}",
                 before={"status": before}, after={"status": after}, subject=f"case:{notice.case_id}")
    notify(recipients.active_users(notice.office_id, "officer"), "supervision_reply",
           f"督办单已回复：{notice.number}", data.text, link=notice_link(notice))
    return notice


def extensions_of(case_id: int) -> list[ExtensionRequest]:
    return list(db.session.execute(select(ExtensionRequest).where(ExtensionRequest.case_id == case_id)
                                   .order_by(ExtensionRequest.id)).scalars())


def notices_of(case_id: int) -> list[SupervisionNotice]:
    return list(db.session.execute(select(SupervisionNotice).where(SupervisionNotice.case_id == case_id)
                                   .order_by(SupervisionNotice.id)).scalars())
