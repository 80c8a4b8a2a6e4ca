"""The verifiable panel draw, its verification, invitations and reserves.

The draw itself is ``expert_pool.draw`` (pure, deterministic given seed + candidates); this
module screens the staffing office's pool, records the seed with the sorted candidate list and
the result, creates the invitations, and keeps the panel staffed when members decline.
A panel, once drawn, is never redrawn: a second draw is a 409; further reserves are new,
separately recorded draws.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.consultations import recording, workflow
from app.consultations.models import (
    ACCEPTED, DECLINED, IN_LINE, INVITED, PANEL_ROLES, RESERVE, Consultation, PanelDraw, PanelMember,
)
from app.consultations.permissions import can_staff
from app.consultations.policy import policy_from_config
from app.consultations.pool import screen_pool
from app.consultations.schemas import InvitationResponse, PanelRequest, ReservesRequest
from app.consultations.recipients import officers_of
from app.consultations.services import record_acceptance, require_staff
from app.consultations.signals import panel_changed
from app.db_types import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import parse_datetime
from app.validation import parse
from app.locking import lock, lock_name
from expert_pool import draw as drawing
from expert_pool.errors import InsufficientExperts
from expert_pool.model import Candidate, DrawPolicy, Panel


# Draws on different consultations read the same experts' open-consultation counts: one at a time.
CAPACITY_LOCK = "expert_capacity"


class InsufficientPool(ValidationFailed):
    """422 insufficient_experts with the contract's details."""

    def __init__(self, err: InsufficientExperts):
        super().__init__(message=err.message, code="insufficient_experts",
                         details={"eligible": err.eligible, "needed": err.needed,
                                  "excluded_by_reason": err.excluded_by_reason})


def _window(req: PanelRequest):
    if not req.meeting_start:
        return None
    try:
        start = parse_datetime(req.meeting_start)
    except ValueError:
        raise ValidationFailed({"meeting_start": "时间格式应为 ISO 8601，如 2026-12-08T09:30:00+08:00"}) from None
    return start, start + timedelta(minutes=req.meeting_duration_minutes)


def draw(user, c: Consultation, payload: dict | None) -> PanelDraw:
    lock(c)
    lock_name(CAPACITY_LOCK, expire=False)
    require_staff(user, c)
    if c.draws:
        raise Conflict("该会商已抽取专家组，不能重新抽取", code="panel_exists")
    workflow.check(c, "draw_panel")
    req = parse(PanelRequest, payload or {})
    window = _window(req)
    policy = policy_from_config()
    candidates, exclusions = screen_pool(c, window, clock.today(), policy)
    seed = drawing.new_seed()
    try:
        panel = drawing.draw_panel(candidates, c.required_specialties, c.panel_size, req.reserves, seed, policy, exclusions)
    except InsufficientExperts as err:
        raise InsufficientPool(err) from None
    if c.status == "submitted":  # drawing from 待受理 accepts the request first, on the timeline too
        record_acceptance(c, "（抽取专家组时一并受理）")
    record = PanelDraw(
        consultation=c, kind="initial", seed=seed, tier=c.tier, office_id=c.office_id, escalated=c.escalated,
        parameters={"algorithm": panel.algorithm, "required_specialties": sorted(panel.required_specialties),
                    "panel_size": panel.panel_size, "reserve_count": panel.reserve_count, "policy": policy.to_dict(),
                    "meeting_window": [w.isoformat() for w in window] if window else None,
                    "uncovered_specialties": sorted(panel.uncovered_specialties), "repaired": panel.repaired},
        candidates=[cand.to_dict() for cand in panel.candidates],
        excluded=[e.to_dict() for e in exclusions],
        result={"members": [{"expert_id": m.expert_id, "role": m.role} for m in panel.members],
                "reserves": [{"expert_id": r.expert_id, "rank": r.rank} for r in panel.reserves]},
        created_by_id=user.id,
    )
    db.session.add(record)
    db.session.flush()
    now = utcnow()
    for m in panel.members:
        db.session.add(PanelMember(consultation=c, expert_id=m.expert_id, draw_id=record.id, role=m.role,
                                   status=INVITED, invited_at=now))
    for r in panel.reserves:
        db.session.add(PanelMember(consultation=c, expert_id=r.expert_id, draw_id=record.id, role=RESERVE,
                                   rank=r.rank, status=IN_LINE))
    before, after = workflow.apply(c, "draw_panel")
    db.session.flush()
    recording.record(c, "draw_panel", f"随机抽取专家组：候选 {len(candidates)} 名，回避/排除 {len(exclusions)} 名，种子 {seed}",
                     before={"status": before}, after={"status": after, "seed": seed, "members": record.result["members"],
                                                       "reserves": record.result["reserves"]})
    _invite([m.expert_id for m in panel.members], c)
    return record


def _expert_users(expert_ids):
    if not expert_ids:
        return []
    return list(db.session.execute(select(User).where(User.expert_id.in_(list(expert_ids)))).scalars())


def _invite(expert_ids, c: Consultation) -> None:
    notify(_expert_users(expert_ids), "panel_invitation", f"会商邀请：{c.case.title}",
           f"您被随机抽取为信访事项 {c.case.case_number} 法律审查会商专家组成员，请在平台上确认是否参加。"
           f"\n会商问题：{c.questions}", recording.link(c))


def _panel_from_record(record: PanelDraw) -> Panel:
    p = record.parameters
    return Panel.from_dict({
        "algorithm": p["algorithm"], "seed": record.seed, "panel_size": p["panel_size"],
        "reserve_count": p["reserve_count"], "required_specialties": p["required_specialties"], "policy": p["policy"],
        "members": record.result["members"], "reserves": record.result["reserves"], "candidates": record.candidates,
    })


def verify(c: Consultation) -> dict:
    """Recompute every recorded draw of the consultation from its seed and candidate list.
    Exactly one initial draw may exist: a second one (which only a lost race could have written)
    makes the result not reproducible and is listed, never silently skipped."""
    draws = sorted(c.draws, key=lambda d: d.id)
    initials = [d for d in draws if d.kind == "initial"]
    if not initials:
        raise NotFound("该会商尚未抽取专家组")
    initial = initials[0]
    recorded = _panel_from_record(initial)
    result = drawing.verify(recorded)
    again = result.recomputed
    mismatches = list(result.mismatches)
    mismatches += [f"重复的初次抽取记录（抽取 #{d.id}）" for d in initials[1:]]
    extra = [_verify_additional(d) for d in draws if d.kind == "additional_reserves"]
    unknown = [d for d in draws if d.kind not in ("initial", "additional_reserves")]
    mismatches += [f"未知类型的抽取记录（抽取 #{d.id}：{d.kind}）" for d in unknown]
    return {
        "reproducible": result.reproducible and len(initials) == 1 and not unknown
        and all(x["reproducible"] for x in extra),
        "algorithm": recorded.algorithm,
        "seed": initial.seed,
        "candidate_count": len(recorded.candidates),
        "members": [{"expert_id": m.expert_id, "role": m.role} for m in again.members],
        "reserves": [{"expert_id": r.expert_id, "rank": r.rank} for r in again.reserves],
        "recorded_members": initial.result["members"],
        "mismatches": mismatches,
        "additional_draws": extra,
        "draw_count": len(draws),
    }


def _verify_additional(d: PanelDraw) -> dict:
    rd = drawing.draw_additional_reserves(
        [Candidate.from_dict(x) for x in d.candidates], d.parameters["excluded_ids"], d.parameters["count"], d.seed,
        DrawPolicy.from_dict(d.parameters["policy"]), d.parameters["first_rank"])
    reserves = [{"expert_id": r.expert_id, "rank": r.rank} for r in rd.reserves]
    return {"draw_id": d.id, "seed": d.seed, "reproducible": reserves == d.result["reserves"], "reserves": reserves}


def respond(user, c: Consultation, expert_id: int, payload: dict) -> PanelMember:
    """An invited expert (or the staffing officer on their behalf) accepts or declines."""
    lock(c)
    is_self = getattr(user, "role", None) == "expert" and user.expert_id == expert_id
    if not is_self and not can_staff(user, c):
        raise Forbidden("只能答复本人的会商邀请")
    member = c.seat_of(expert_id)
    if member is None:
        raise NotFound("该专家不在本次会商的专家组中")
    data = parse(InvitationResponse, payload)
    if not member.awaits_answer:
        raise Conflict(f"该邀请已答复（{member.status_label}）", code="already_responded")
    if data.response == "decline" and len(data.reason) < 2:
        raise ValidationFailed({"reason": "谢绝邀请请说明理由"})
    member.responded_at = utcnow()
    name = member.expert.name
    if data.response == "accept":
        member.status = ACCEPTED
        recording.record(c, "invitation_accept", f"专家 {name} 接受会商邀请", after={"expert_id": expert_id})
        return member
    member.status = DECLINED
    member.decline_reason = data.reason
    recording.record(c, "invitation_decline", f"专家 {name} 谢绝会商邀请：{data.reason}", after={"expert_id": expert_id,
                                                                                          "reason": data.reason})
    promoted = _promote_reserve(c, member.role, declined_id=expert_id)
    _meeting_invites_follow(c, f"专家 {name} 谢绝邀请" + ("，候补递补" if promoted else ""))
    if promoted is None:
        notify(officers_of(c.office_id), "reserves_exhausted", f"候补专家已用尽：{c.case.title}",
               f"专家 {name} 谢绝邀请，已无候补专家可递补，请追加抽取候补专家。", recording.link(c))
    return member


def respond_many(user, c: Consultation, answers: dict[int, dict]) -> list[PanelMember]:
    """The staffing officer records several answers received by telephone or letter at once:
    ``{expert_id: {"response", "reason"}}``. Every answer is checked first and nothing is recorded
    unless all are valid (422 naming ``response-<expert_id>`` fields); then each is recorded as
    :func:`respond` records one (reserves promoted in turn)."""
    lock(c)
    if not can_staff(user, c):
        raise Forbidden("只有承办单位工作人员可以登记专家答复")
    if not answers:
        raise ValidationFailed({"responses": "请至少为一位专家选择答复"}, message="请至少为一位专家选择答复")
    errors: dict[str, str] = {}
    for expert_id, payload in answers.items():
        member = c.seat_of(expert_id)
        name = member.expert.name if member is not None else f"#{expert_id}"
        if member is None or not member.awaits_answer:
            errors[f"response-{expert_id}"] = f"专家 {name} 的邀请已答复或不在本专家组"
        elif payload.get("response") not in ("accept", "decline"):
            errors[f"response-{expert_id}"] = f"请为专家 {name} 选择接受或谢绝"
        elif payload["response"] == "decline" and len((payload.get("reason") or "").strip()) < 2:
            errors[f"reason-{expert_id}"] = f"专家 {name} 谢绝邀请，请说明理由"
        elif len(payload.get("reason") or "") > 1000:
            errors[f"reason-{expert_id}"] = "理由不能超过 1000 个字符"
    if errors:
        raise ValidationFailed(errors, message="未登记任何答复：" + "；".join(errors.values()))
    return [respond(user, c, expert_id, payload) for expert_id, payload in answers.items()]


def _promote_reserve(c: Consultation, role: str, declined_id: int | None = None) -> PanelMember | None:
    """The best-ranked reserve joins as invited (keeping required specialties covered when it can)."""
    reserves = c.reserves()
    if not reserves:
        return None
    seated = c.seated_members()
    snapshot = {}
    for d in c.draws:
        for cand in d.candidates:
            snapshot[cand["expert_id"]] = Candidate.from_dict(cand)
    panel_before = [m.expert_id for m in seated] + ([declined_id] if declined_id is not None else [])
    chosen_id = drawing.replacement_for(
        declined_id if declined_id is not None else -1, panel_before, [m.expert_id for m in reserves], snapshot,
        c.required_specialties)
    chosen = next(m for m in reserves if m.expert_id == chosen_id) if chosen_id is not None else reserves[0]
    chosen.role = role
    chosen.rank = None
    chosen.status = INVITED
    chosen.invited_at = utcnow()
    db.session.flush()
    recording.record(c, "reserve_promoted", f"候补专家 {chosen.expert.name} 递补为专家组{PANEL_ROLES[role]}",
                     after={"expert_id": chosen.expert_id, "role": role})
    _invite([chosen.expert_id], c)
    return chosen


def draw_more_reserves(user, c: Consultation, payload: dict | None) -> PanelDraw:
    """When reserves run out: a new, separately recorded and verifiable draw of reserves."""
    lock(c)
    lock_name(CAPACITY_LOCK, expire=False)
    require_staff(user, c)
    if not c.draws:
        raise Conflict("尚未抽取专家组", code="invalid_transition")
    if c.status in ("closed", "withdrawn", "opinion_issued"):
        raise Conflict("会商已结束，不能追加候补", code="invalid_transition")
    req = parse(ReservesRequest, payload or {})
    policy = policy_from_config()
    candidates, exclusions = screen_pool(c, None, clock.today(), policy)
    already = [m.expert_id for m in c.members]
    first_rank = max((m.rank or 0 for m in c.members if m.rank), default=0)
    first_rank = max(first_rank, max((r["rank"] for d in c.draws for r in d.result.get("reserves", [])), default=0)) + 1
    seed = drawing.new_seed()
    try:
        rd = drawing.draw_additional_reserves(candidates, already, req.count, seed, policy, first_rank, exclusions)
    except InsufficientExperts as err:
        raise InsufficientPool(err) from None
    record = PanelDraw(
        consultation=c, kind="additional_reserves", seed=seed, tier=c.tier, office_id=c.office_id, escalated=c.escalated,
        parameters={"algorithm": rd.algorithm, "count": req.count, "first_rank": first_rank, "excluded_ids": sorted(already),
                    "policy": policy.to_dict()},
        candidates=[cand.to_dict() for cand in rd.candidates], excluded=[e.to_dict() for e in exclusions],
        result={"reserves": [{"expert_id": r.expert_id, "rank": r.rank} for r in rd.reserves]}, created_by_id=user.id,
    )
    db.session.add(record)
    db.session.flush()
    for r in rd.reserves:
        db.session.add(PanelMember(consultation=c, expert_id=r.expert_id, draw_id=record.id, role=RESERVE, rank=r.rank,
                                   status=IN_LINE))
    db.session.flush()
    db.session.refresh(c)
    recording.record(c, "draw_reserves", f"追加抽取候补专家 {req.count} 名，种子 {seed}", after=record.result)
    # Fill seats left empty by declines.
    vacancies = c.vacant_roles()
    for role in vacancies:
        if _promote_reserve(c, role) is None:
            break
    if vacancies:
        _meeting_invites_follow(c, "追加候补递补")
    return record


def _meeting_invites_follow(c: Consultation, why: str) -> None:
    """A scheduled meeting's invitation follows the seated panel (SEQUENCE+1, re-sent)."""
    panel_changed.send(c, summary=why)  # meetings connect the receiver (meetings build on consultations)
