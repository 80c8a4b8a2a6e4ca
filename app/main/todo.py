"""The officer's to-do list (待办事项) on the home dashboard: each consultation waiting on the
office with its case title, the next step and its due date, soonest first; the cases of the
jurisdiction whose handling period ends soon or has passed; the office's coming meetings.

Due dates are the supervision rules' (app.supervision.rules: a consultation's opinion is due 20
working days after the request by default), so the dashboard and the 督办 lists never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.cases.models import Case
from app.cases.permissions import visible_cases_clause
from app.consultations.models import Consultation
from app.consultations.permissions import visible_consultations_clause
from app.extensions import db
from app.meetings.models import Meeting
from app.supervision import rules as R
from app.timeutil import SHANGHAI
from expert_pool import deadlines as D

OFFICE_QUEUE = ("submitted", "accepted", "panel_drawn", "scheduled", "deliberated")
CASE_HORIZON_DAYS = 10  # cases whose handling period ends within this many days are listed
LIMIT = 50


@dataclass(frozen=True)
class Todo:
    title: str
    case_number: str
    step: str          # what waits, e.g. 待安排会商
    action: str        # the button's words, e.g. 安排会议
    url: str
    due_on: date | None
    days_left: int | None  # working days; negative when overdue
    state: str | None      # expert_pool.deadlines state (due_soon / overdue / escalated) or None
    urgent: bool = False

    @property
    def state_label(self) -> str:
        return D.STATE_LABELS.get(self.state or "", "")


def _due(c: Consultation, today: date, th: D.Thresholds) -> tuple[date, int, str | None]:
    due = R.rule("consultation").due(c.created_at.astimezone(SHANGHAI).date()).due_on
    return due, D.working_days_left(today, due), D.state(today, due, th)


def _step(c: Consultation, now) -> tuple[str, str, str]:
    """(waiting step, action words, link) for one consultation on the office's desk."""
    detail = url_for("consultations.detail", consultation_id=c.id)
    if c.status == "submitted":
        return "待受理", "受理或退回", detail
    if c.status == "accepted":
        return "待抽取专家", "抽取专家组", detail + "#panel"
    if c.status == "panel_drawn":
        if c.awaiting_members():
            return "待专家答复邀请", "查看答复", detail + "#panel"
        return "待安排会商", "安排会议", url_for("meetings.consultation", consultation_id=c.id)
    if c.status == "scheduled":
        meeting = next((m for m in c.meetings if m.status == "scheduled"), None)
        if meeting is not None and meeting.start <= now:
            return "待记录会议纪要", "记录纪要", url_for("meetings.consultation", consultation_id=c.id)
        when = meeting.start.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if meeting else ""
        return f"待召开会商{('（' + when + '）') if when else ''}", "查看会议", url_for(
            "meetings.consultation", consultation_id=c.id)
    opinion = c.current_opinion
    if opinion is None:
        return "待组长起草意见书", "查看会商", detail
    if opinion.status == "draft":
        signed = {s.expert_id for s in opinion.signatures if s.version == opinion.version}
        accepted = c.accepted_members()
        if accepted and all(m.expert_id in signed for m in accepted):
            return "待印发意见书", "印发", url_for("opinions.detail", opinion_id=opinion.id)
        return "待专家签署意见书", "查看签署", url_for("opinions.detail", opinion_id=opinion.id)
    return "待出具意见", "查看会商", detail


def office_todos(user) -> list[Todo]:
    """The consultations waiting on the officer's office (admin: every office), soonest due first."""
    stmt = (select(Consultation).where(visible_consultations_clause(user), Consultation.status.in_(OFFICE_QUEUE))
            .options(selectinload(Consultation.case), selectinload(Consultation.members),
                     selectinload(Consultation.meetings), selectinload(Consultation.opinions))
            .order_by(Consultation.created_at, Consultation.id).limit(LIMIT * 2))
    if user.role == "officer":
        stmt = stmt.where(Consultation.office_id == user.organization_id)
    today, now, th = clock.today(), clock.now(), R.thresholds()
    items = []
    for c in db.session.execute(stmt).scalars():
        due, left, state = _due(c, today, th)
        step, action, url = _step(c, now)
        items.append(Todo(c.case.title, c.case.case_number, step, action, url, due, left, state,
                          urgent=c.urgency == "urgent"))
    items.sort(key=lambda t: (not t.urgent, t.due_on or date.max))
    return items[:LIMIT]


def cases_due(user) -> list[Todo]:
    """Open cases of the jurisdiction whose handling period ends within CASE_HORIZON_DAYS or has passed."""
    today, th = clock.today(), R.thresholds()
    rows = db.session.execute(
        select(Case).where(visible_cases_clause(user), Case.status != "closed", Case.due_date.is_not(None),
                           Case.due_date <= today + timedelta(days=CASE_HORIZON_DAYS))
        .order_by(Case.due_date, Case.id).limit(LIMIT)).scalars().all()
    return [Todo(c.title, c.case_number, "办理期限将至" if c.due_date >= today else "已超过办理期限", "查看",
                 url_for("cases.detail", case_id=c.id), c.due_date, D.working_days_left(today, c.due_date),
                 D.state(today, c.due_date, th)) for c in rows]


def coming_meetings(user, days: int = 14) -> list[Meeting]:
    """The office's scheduled meetings from now to ``days`` ahead."""
    now = clock.now()
    stmt = (select(Meeting).join(Consultation, Consultation.id == Meeting.consultation_id)
            .where(visible_consultations_clause(user), Meeting.status == "scheduled", Meeting.end >= now,
                   Meeting.start <= now + timedelta(days=days))
            .options(selectinload(Meeting.consultation).selectinload(Consultation.case)).order_by(Meeting.start))
    if user.role == "officer":
        stmt = stmt.where(Consultation.office_id == user.organization_id)
    return list(db.session.execute(stmt).scalars())
