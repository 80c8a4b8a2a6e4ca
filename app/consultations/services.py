"""Consultation requests: create, return for completion (退回补正), amend and resubmit, accept,
withdraw, escalate (上级专家库援助), close and rate. One use case per function; the caller
commits. Panel drawing and invitations are in ``panel.py``."""

from __future__ import annotations


from sqlalchemy import select

from app import clock
from app.audit import services as audit
from app.cases.models import Case
from app.cases.permissions import can_view_case
from app.cases.services import set_status
from app.consultations import offices, workflow
from app.consultations import permissions as perm
from app.consultations import recording
from app.consultations.models import Consultation, Escalation, ExpertRating
from app.consultations.policy import policy_from_config
from app.consultations.pool import screen_pool
from app.consultations.recipients import agency_users, officers_of
from app.consultations.schemas import ConsultationIn, RatingIn, ReasonIn
from app.db_types import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.notifications.services import notify
from app.validation import parse
from app.locking import lock, lock_row
from expert_pool.codes import POOL_TIERS

RATABLE = ("deliberated", "opinion_issued", "closed")


def get_visible(user, consultation_id: int, for_update: bool = False) -> Consultation:
    if for_update:
        lock_row(Consultation, consultation_id)
    c = db.session.execute(select(Consultation).where(Consultation.id == consultation_id)).scalar_one_or_none()
    if c is None or not perm.can_view_consultation(user, c):
        raise NotFound("会商不存在")
    return c


def require_staff(user, c: Consultation) -> None:
    if not perm.can_staff(user, c):
        raise Forbidden("只有承办该会商的信访部门工作人员可以执行此操作")


def create(user, case: Case, payload: dict) -> Consultation:
    lock(case)
    if not perm.can_request_for_case(user, case):
        raise Forbidden("只能为本单位或本辖区的信访事项申请会商")
    if case.status == "closed":
        raise Conflict("信访事项已办结，不能再申请会商", code="invalid_transition")
    data = parse(ConsultationIn, payload)
    office = offices.staffing_office(case.region_code)
    if office is None:
        raise ValidationFailed({"case_id": "未找到负责该行政区划的信访部门，请联系管理员配置单位"})
    c = Consultation(case=case, questions=data.questions, required_specialties=data.required_specialties,
                     panel_size=data.panel_size, urgency=data.urgency, status="submitted", tier=office.tier,
                     office_id=office.id, requesting_org_id=user.organization_id, requested_by_id=user.id)
    db.session.add(c)
    db.session.flush()
    if case.status == "registered":
        set_status(case, "consulting", "信访事项进入专家会商程序")
    recording.record(c, "create", f"申请法律审查会商（{office.name}承办，{POOL_TIERS[office.tier]}级专家库）",
                     after={"questions": c.questions, "required_specialties": c.required_specialties, "panel_size": c.panel_size,
                            "urgency": c.urgency, "office_id": office.id})
    notify(officers_of(office.id), "consultation_submitted", f"新的会商申请：{case.title}",
           f"{case.handling_org.name}就信访事项 {case.case_number} 申请法律审查会商，请及时受理。", recording.link(c))
    return c


def amend(user, c: Consultation, payload: dict) -> Consultation:
    """The requester edits a returned (or not yet accepted) request; a returned one is resubmitted."""
    lock(c)
    if not perm.can_amend(user, c):
        raise Forbidden("只有申请单位或辖区信访部门可以修改会商申请")
    if c.status not in ("returned", "submitted"):
        workflow.check(c, "resubmit")
    if not isinstance(payload, dict):
        raise ValidationFailed({"_": "请求体应为 JSON 对象"})
    payload = dict(payload)
    version = payload.pop("version", None)
    if version is not None and version != c.version:
        raise Conflict("会商申请已被他人修改，请刷新后重试", code="stale_version", details={"current_version": c.version})
    current = {"questions": c.questions, "required_specialties": c.required_specialties, "panel_size": c.panel_size,
               "urgency": c.urgency}
    data = parse(ConsultationIn, current | payload)
    new = data.model_dump()
    old, changed = audit.changes(current, new)
    for key, value in new.items():
        setattr(c, key, value)
    if c.status == "returned":
        workflow.apply(c, "resubmit")
        recording.record(c, "resubmit", "补正后重新提交会商申请", before=old, after=changed)
        notify(officers_of(c.office_id), "consultation_resubmitted", f"会商申请已补正：{c.case.title}",
               "申请单位已按要求补正并重新提交，请审核。", recording.link(c))
    else:
        c.version += 1
        recording.record(c, "update", "修改会商申请", before=old, after=changed)
    return c


def return_for_completion(user, c: Consultation, payload: dict) -> Consultation:
    lock(c)
    require_staff(user, c)
    data = parse(ReasonIn, payload)
    before, after = workflow.apply(c, "return")
    c.return_reason = data.reason
    recording.record(c, "return", f"退回补正：{data.reason}", before={"status": before}, after={"status": after, "reason": data.reason})
    notify(agency_users(c.case), "consultation_returned", f"会商申请被退回补正：{c.case.title}",
           f"退回理由：{data.reason}", recording.link(c))
    return c


def accept(user, c: Consultation) -> Consultation:
    lock(c)
    require_staff(user, c)
    record_acceptance(c)
    return c


def record_acceptance(c: Consultation, how: str = "") -> None:
    """受理: the transition, its timeline entry and the agency's notice. The caller holds the
    lock and checked the staff; a draw from 待受理 calls it first (受理 is never implied)."""
    before, after = workflow.apply(c, "accept")
    c.return_reason = None
    recording.record(c, "accept", f"受理会商申请{how}", before={"status": before}, after={"status": after})
    notify(agency_users(c.case), "consultation_accepted", f"会商申请已受理：{c.case.title}",
           f"{c.office.name}已受理会商申请，将随机抽取专家组成专家组。", recording.link(c))


def withdraw(user, c: Consultation, payload: dict) -> Consultation:
    lock(c)
    if not perm.can_withdraw(user, c):
        raise Forbidden("只有申请单位可以撤回会商申请")
    data = parse(ReasonIn, payload)
    before, after = workflow.apply(c, "withdraw")
    recording.record(c, "withdraw", f"撤回会商申请：{data.reason}", before={"status": before}, after={"status": after})
    return c


def local_pool_can_staff(c: Consultation, reserves: int = 2) -> tuple[bool, int, int]:
    """(can staff, eligible, needed) for the current staffing office's pool."""
    candidates, _ = screen_pool(c, None, clock.today(), policy_from_config())
    needed = c.panel_size + reserves
    return len(candidates) >= needed, len(candidates), needed


def escalate(user, c: Consultation, payload: dict) -> Escalation:
    lock(c)
    require_staff(user, c)
    data = parse(ReasonIn, payload)
    if c.members:
        raise Conflict("已抽取专家组，不能再申请上级专家库援助", code="invalid_transition")
    workflow.check(c, "escalate")
    target = offices.next_office(c.office, c.case.region_code)
    if target is None:
        raise Conflict("已是最高层级（国家）专家库，无法继续申请上级援助", code="top_tier")
    crossing = bool(c.case.cross_flags)
    if not crossing:
        can_staff, eligible, needed = local_pool_can_staff(c)
        if can_staff:
            raise Conflict(
                f"该事项不属于“三跨三分离”，且本级专家库可组成专家组（符合条件 {eligible} 名，需 {needed} 名），无需申请上级援助",
                code="escalation_not_needed", details={"eligible": eligible, "needed": needed})
    source = c.office
    esc = Escalation(consultation=c, from_office_id=source.id, to_office_id=target.id, from_tier=source.tier,
                     to_tier=target.tier, reason=data.reason, created_by_id=user.id)
    db.session.add(esc)
    before = {"office_id": source.id, "tier": c.tier, "status": c.status}
    c.office_id, c.office, c.tier = target.id, target, target.tier
    c.escalated, c.escalation_reason = True, data.reason
    workflow.apply(c, "escalate")
    db.session.flush()
    recording.record(c, "escalate", f"申请上级专家库援助：{source.name} → {target.name}（{data.reason}）",
                     before=before, after={"office_id": target.id, "tier": target.tier, "status": c.status})
    notify(officers_of(target.id), "consultation_escalated", f"上级专家库援助申请：{c.case.title}",
           f"{source.name}申请由{target.name}从{POOL_TIERS[target.tier]}级专家库抽取专家。理由：{data.reason}", recording.link(c))
    return esc


def close(user, c: Consultation, payload: dict) -> Consultation:
    lock(c)
    require_staff(user, c)
    data = parse(ReasonIn, payload)
    before, after = workflow.apply(c, "close")
    c.closed_at = utcnow()
    recording.record(c, "close", f"会商办结：{data.reason}", before={"status": before}, after={"status": after})
    return c


def rate(user, c: Consultation, payload: dict) -> ExpertRating:
    lock(c)
    require_staff(user, c)
    if c.status not in RATABLE:
        raise Conflict("会商结束（已召开会商）后才能评价专家", code="invalid_transition")
    data = parse(RatingIn, payload)
    sat = {m.expert_id for m in c.accepted_members()}
    if data.expert_id not in sat:
        raise ValidationFailed({"expert_id": "该专家不是本次会商的专家组成员"})
    existing = db.session.execute(select(ExpertRating).where(
        ExpertRating.consultation_id == c.id, ExpertRating.expert_id == data.expert_id)).scalar_one_or_none()
    if existing is not None:
        raise Conflict("已评价过该专家", code="already_rated")
    rating = ExpertRating(consultation_id=c.id, expert_id=data.expert_id, score=data.score, comment=data.comment,
                          rated_by_id=user.id)
    db.session.add(rating)
    db.session.flush()
    audit.record("create", "rating", rating.id, f"评价专家（{data.score} 分）", after=data.model_dump(),
                 subject=f"expert:{data.expert_id}")
    return rating


def rate_many(user, c: Consultation, entries: dict[int, dict]) -> list[ExpertRating]:
    """Rate several members in one form: ``{expert_id: {"score", "comment"}}``. All are checked
    before any is saved (422 naming ``score-<expert_id>``), then each is saved as :func:`rate`."""
    lock(c)
    require_staff(user, c)
    if c.status not in RATABLE:
        raise Conflict("会商结束（已召开会商）后才能评价专家", code="invalid_transition")
    if not entries:
        raise ValidationFailed({"scores": "请至少为一位专家填写评分"}, message="请至少为一位专家填写评分")
    names = {m.expert_id: m.expert.name for m in c.accepted_members()}
    rated = set(db.session.execute(select(ExpertRating.expert_id).where(ExpertRating.consultation_id == c.id)).scalars())
    errors: dict[str, str] = {}
    for expert_id, entry in entries.items():
        raw = str(entry.get("score", "")).strip()
        name = names.get(expert_id, f"#{expert_id}")
        if expert_id not in names:
            errors[f"score-{expert_id}"] = "该专家不是本次会商的专家组成员"
        elif expert_id in rated:
            errors[f"score-{expert_id}"] = f"已评价过专家 {name}"
        elif not raw.isdigit() or not 0 <= int(raw) <= 100:
            errors[f"score-{expert_id}"] = f"专家 {name} 的评分应为 0–100 的整数"
        elif len(entry.get("comment") or "") > 2000:
            errors[f"comment-{expert_id}"] = "评语不能超过 2000 个字符"
    if errors:
        raise ValidationFailed(errors, message="未保存任何评价：" + "；".join(errors.values()))
    return [rate(user, c, {"expert_id": expert_id, "score": int(str(e["score"]).strip()), "comment": e.get("comment") or ""})
            for expert_id, e in entries.items()]


def get_case_for_request(user, case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound("信访事项不存在")
    if not can_view_case(user, case):
        raise NotFound("信访事项不存在")
    return case
