"""Demo section ``seed_workflow``: the consultations of ``app.seed.workflow_data`` taken through
the real services, step by step, each by the user who would act — request (agency clerk),
return for completion and resubmission, acceptance, escalation, the verifiable random panel
draw, invitations accepted and declined (with the reserve promoted), meetings, minutes, the
opinion drafted, commented on, signed, issued with its number and stored PDF/DOCX, the agency's
feedback and the ratings. State, audit log, timelines and notifications are what the platform
itself produces; nothing is written around the services.

Two things are arranged rather than left to chance:

* **Past meetings.** A consultation that has deliberated held its meeting days ago, but the
  meeting service refuses to schedule in the past. The business clock (``app.clock.frozen``)
  is set to 08:00 of that day while the meeting is scheduled, then restored.
* **The demo expert's seats.** ``expert_nj`` must have an invitation to answer and a draft to
  sign. Its expert is the only one of 南京's pool holding 企业改制与国资 (``app.seed.experts``),
  and the two 南京 consultations that require it are drawn first, so the draw's coverage rule
  seats that expert on both — through the ordinary draw with a fresh random seed.

A pool too small for a panel (``flask seed demo --experts 30``) leaves that consultation where
it is (logged), and the rest of the demo goes on.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta

from flask import current_app

from app import clock
from app.cases import services as cases
from app.consultations import panel
from app.consultations import services as consultations
from app.consultations.models import Consultation
from app.db_types import utcnow
from app.documents import format_date
from app.meetings import services as meetings
from app.opinions import issuing
from app.opinions import services as opinions
from app.seed.actors import acting, agency_user, expert_user, request_scope
from app.seed.cases import render
from app.seed.context import SeedContext
from app.seed.experts import demo_expert
from app.seed.workflow_data import CONSULTATIONS, ConsultationSpec, MeetingSpec
from app.timeutil import SHANGHAI
from expert_pool import workdays

MEETING_MINUTES = 120
PREFERRED_STARTS = (time(9, 30), time(14, 30))


def working_days_before(day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        if workdays.is_working_day(day):
            n -= 1
    return day


def _preferred(slots: list[tuple[datetime, datetime]]) -> datetime | None:
    for start, _ in slots:
        if start.astimezone(SHANGHAI).time() in PREFERRED_STARTS:
            return start
    return slots[0][0] if slots else None


class Flow:
    """One consultation of the demo, from the request to the state its spec asks for."""

    def __init__(self, ctx: SeedContext, spec: ConsultationSpec, officers: dict, demo_expert_id: int | None):
        self.ctx, self.spec, self.officers, self.demo_id = ctx, spec, officers, demo_expert_id
        self.case = ctx.cases[spec.case]
        self.clerk = agency_user(ctx, self.case.handling_org)
        self.c: Consultation | None = None
        self.meeting_day: date | None = None

    # ------------------------------------------------------------------ helpers

    @property
    def officer(self):
        return self.officers[self.c.office_id]

    def invited(self) -> list:
        """Chair and members still to answer their invitation, in drawing order."""
        return [m for m in self.c.members if m.awaits_answer]

    def account(self, expert_id: int):
        """The expert's own account, if the demo gave them one (the demo expert; members who sign)."""
        return self.ctx.expert_users.get(expert_id)

    def respond(self, member, response: str, reason: str = "") -> None:
        user = self.account(member.expert_id) or self.officer  # the office answers for experts without an account
        with acting(user):
            panel.respond(user, self.c, member.expert_id, {"response": response, "reason": reason})

    # ------------------------------------------------------------------ steps

    def run(self) -> Consultation:
        spec = self.spec
        with acting(self.clerk):
            self.c = consultations.create(self.clerk, self.case, {
                "questions": spec.questions, "required_specialties": list(spec.specialties),
                "panel_size": spec.panel_size, "urgency": spec.urgency})
        if spec.return_reason:
            with acting(self.officer):
                consultations.return_for_completion(self.officer, self.c, {"reason": spec.return_reason})
            if not spec.amended_questions:
                return self.c
            with acting(self.clerk):
                consultations.amend(self.clerk, self.c, {"questions": spec.amended_questions})
        if spec.target == "submitted":
            return self.c
        with acting(self.officer):
            consultations.accept(self.officer, self.c)
        if spec.target == "withdrawn":
            return self.withdraw()
        for reason in spec.escalations:
            with acting(self.officer):
                consultations.escalate(self.officer, self.c, {"reason": reason})
        if spec.target == "accepted" or not self.draw():
            return self.c
        self.answer_invitations()
        if spec.meeting is not None:
            self.hold_meeting(spec.meeting)
        if spec.opinion is not None:
            self.write_opinion()
        return self.c

    def withdraw(self) -> Consultation:
        with acting(self.clerk):
            consultations.withdraw(self.clerk, self.c, {"reason": self.spec.withdraw_reason})
            if self.spec.close_case_note:
                cases.close_case(self.clerk, self.case, {"note": self.spec.close_case_note})
        return self.c

    def draw(self) -> bool:
        try:
            with acting(self.officer):
                panel.draw(self.officer, self.c, {"reserves": 2})
        except panel.InsufficientPool as err:
            current_app.logger.warning("demo: no panel for %s: %s %s", self.case.case_number, err.message, err.details)
            return False
        if self.spec.demo_expert and self.demo_id is not None \
                and not any(m.expert_id == self.demo_id for m in self.invited()):
            current_app.logger.warning("demo: the demo expert was not drawn for %s", self.case.case_number)
        return True

    def answer_invitations(self) -> None:
        spec = self.spec
        if spec.decline:
            declining = next((m for m in self.invited() if m.expert_id != self.demo_id), None)
            if declining is not None:
                self.respond(declining, "decline", spec.decline)
        if spec.opinion is not None:  # members who will sign get their accounts and answer themselves
            for m in self.invited():
                expert_user(self.ctx, m.expert)
        answering = [m for m in self.invited()
                     if not (spec.demo_expert == "invited" and m.expert_id == self.demo_id)]
        if spec.accept is not None:
            answering = answering[:spec.accept]
        for m in answering:
            self.respond(m, "accept")

    def hold_meeting(self, spec: MeetingSpec) -> None:
        today = self.ctx.today
        payload = {"duration_minutes": MEETING_MINUTES, "mode": spec.mode, "location": spec.location}
        if spec.workdays > 0:
            first = workdays.add_working_days(today, spec.workdays)
            query = meetings.SlotQuery(first, first + timedelta(days=21), MEETING_MINUTES)
            start = _preferred(meetings.suggest_slots(self.c, query)["slots"])
            if start is None:
                current_app.logger.warning("demo: no free meeting slot for %s", self.case.case_number)
                return
            with acting(self.officer):
                meetings.schedule(self.officer, self.c, payload | {"start": start.isoformat()})
            return
        day = working_days_before(today, -spec.workdays)
        for _ in range(15):  # the day asked for, else the closest earlier day the panel was free
            with clock.frozen(datetime.combine(day, time(8, 0), SHANGHAI)):
                start = _preferred(meetings.suggest_slots(self.c, meetings.SlotQuery(day, day, MEETING_MINUTES))["slots"])
                if start is not None:
                    with acting(self.officer):
                        meeting = meetings.schedule(self.officer, self.c, payload | {"start": start.isoformat()})
                    break
            day = working_days_before(day, 1)
        else:
            current_app.logger.warning("demo: no past meeting slot for %s", self.case.case_number)
            return
        self.meeting_day = day
        present = [m.expert_id for m in self.c.members if m.is_accepted]
        with acting(self.officer):
            meetings.record_minutes(self.officer, meeting, {"text": spec.minutes, "attendee_expert_ids": present})

    def write_opinion(self) -> None:
        spec, today = self.spec.opinion, self.ctx.today
        members = self.c.accepted_members()
        if not members or self.c.status not in opinions.DRAFTABLE_STATES:
            return
        chair = next((m for m in members if m.is_chair), None)
        drafter = self.account(chair.expert_id) if chair else None
        drafter = drafter or self.officer
        with acting(drafter):
            opinion = opinions.create_draft(drafter, self.c, {"findings": render(spec.findings, today)})
        others = [m for m in members if m is not chair]
        if spec.comment and others:
            author = self.account(others[0].expert_id) or self.officer
            with acting(author):
                opinions.add_comment(author, opinion, {"section": "analysis", "text": spec.comment})
        with acting(drafter):
            opinion, _ = opinions.update(drafter, opinion, {
                "version": opinion.version,
                "basic_facts": self.basic_facts(opinion.basic_facts),
                "consultation_summary": self.consultation_summary(opinion.consultation_summary, spec.materials),
                "analysis": render(spec.analysis, today), "conclusion": spec.conclusion,
                "recommendations": list(spec.recommendations), "legal_basis": list(spec.legal_basis)})
        if spec.dissent and others:
            dissenter = self.account(others[-1].expert_id)
            if dissenter is not None:
                with acting(dissenter):
                    opinions.set_dissent(dissenter, opinion, {"text": spec.dissent})
        for m in members:
            if m.expert_id == self.demo_id and not spec.demo_expert_signs:
                continue
            signer = self.account(m.expert_id)
            if signer is not None:
                with acting(signer):
                    opinions.sign(signer, opinion, token_issued_at=utcnow())  # signed in moments ago
        self.ctx.count("opinions")
        if not spec.issue or issuing.unsigned_members(opinion):
            return
        with acting(self.officer):
            issuing.issue(self.officer, opinion)
        self.ctx.count("opinions_issued")
        feedback = self.spec.feedback
        if feedback is None:
            return
        with acting(self.clerk):
            issuing.add_feedback(self.clerk, opinion, {"adopted": feedback.adopted, "outcome": feedback.outcome,
                                                       "note": feedback.note})
        with acting(self.officer):
            for m, (score, comment) in zip(members, itertools.cycle(self.spec.ratings), strict=False):
                consultations.rate(self.officer, self.c, {"expert_id": m.expert_id, "score": score, "comment": comment})

    # ------------------------------------------------------------------ opinion texts

    def request_day(self) -> date:
        return (self.meeting_day or self.ctx.today) - timedelta(days=10)

    def basic_facts(self, prefilled: str) -> str:
        """The pre-filled facts, with the request dated before the meeting (the demo's requests
        were all entered today, its meetings held days ago)."""
        lines = prefilled.split("\n")
        lines[-1] = re.sub(r"^\d{4}年\d{1,2}月\d{1,2}日", format_date(self.request_day()), lines[-1])
        return "\n".join(lines)

    def consultation_summary(self, prefilled: str, materials: str) -> str:
        lines = prefilled.split("\n")
        lines[0] += f"专家组审阅了{materials}等材料，听取了{self.case.handling_org.name}的情况介绍。"
        return "\n".join(lines)


def seed_workflow(ctx: SeedContext) -> None:
    ctx.write_audit()
    officers = {u.organization_id: u for u in ctx.users.values() if u.role == "officer"}
    expert = demo_expert(ctx.experts)
    demo_id = expert.id if expert is not None else None
    if demo_id is not None and ctx.users.get("expert_nj") is not None:
        ctx.expert_users[demo_id] = ctx.users["expert_nj"]
    with request_scope():
        for spec in CONSULTATIONS:
            if spec.case in ctx.cases:
                Flow(ctx, spec, officers, demo_id).run()
                ctx.count("consultations")
