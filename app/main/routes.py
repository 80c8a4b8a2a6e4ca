from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from app import clock
from app.cases.queries import CaseFilters, list_query
from app.consultations.models import Consultation, PanelMember
from app.consultations.permissions import visible_consultations_clause
from app.experts.models import Expert, ExpertSpecialty
from app.experts.services import pool_statistics
from app.extensions import db
from app.main import todo
from app.main.blueprint import bp
from app.meetings.models import Meeting
from app.opinions.models import Opinion, OpinionSignature

# The consultation steps that wait on the staffing office, in workflow order.
OFFICE_QUEUE = ("submitted", "accepted", "panel_drawn", "scheduled", "deliberated")
QUEUE_LABELS = {"submitted": "待受理", "accepted": "待抽取专家", "panel_drawn": "待安排会商",
                "scheduled": "待召开会商", "deliberated": "待出具意见"}
# What an agency follows of its own requests: returned ones need its action first.
AGENCY_GROUPS = (
    ("returned", "待补正", ("returned",)),
    ("submitted", "待受理", ("submitted",)),
    ("in_progress", "会商中", ("accepted", "panel_drawn", "scheduled", "deliberated")),
    ("opinion_issued", "已出具意见", ("opinion_issued",)),
)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.dashboard"))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/dashboard")
@login_required
def dashboard():
    user = current_user
    role = user.role
    if role == "expert":
        return render_template("main/dashboard_expert.html", expert=user.expert, work=expert_work(user))
    if role == "agency":
        return render_template("main/dashboard_agency.html", stats=_stats_for_region(user.organization.region_code),
                               work=agency_work(user))
    return render_template("main/dashboard.html", stats=pool_statistics(user), work=office_work(user),
                           todos=todo.office_todos(user), cases_due=todo.cases_due(user),
                           meetings=todo.coming_meetings(user), today=clock.today())


def _count(stmt) -> int:
    return db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()


def _case_counts(user) -> dict[str, int]:
    return {"registered": _count(list_query(user, CaseFilters(status="registered"))),
            "consulting": _count(list_query(user, CaseFilters(status="consulting"))),
            "overdue": _count(list_query(user, CaseFilters(overdue=True)))}


def office_work(user) -> dict:
    """Officer (and admin) work queue: the consultations this office staffs, counted by the step
    that waits on it (admin: every office), and the cases in the ledger to register or chase."""
    stmt = select(Consultation.status, func.count()).where(visible_consultations_clause(user))
    if user.role == "officer":
        stmt = stmt.where(Consultation.office_id == user.organization_id)
    counts = dict(db.session.execute(stmt.group_by(Consultation.status)).all())
    queue = [{"status": s, "label": QUEUE_LABELS[s], "count": counts.get(s, 0)} for s in OFFICE_QUEUE]
    return {"queue": queue, "cases": _case_counts(user)}


def agency_work(user) -> dict:
    """Agency: its own cases (overdue first of all) and its consultation requests by stage."""
    visible = visible_consultations_clause(user)
    counts = dict(db.session.execute(
        select(Consultation.status, func.count()).where(visible).group_by(Consultation.status)).all())
    groups = [{"key": key, "label": label, "status": statuses[0] if len(statuses) == 1 else None,
               "count": sum(counts.get(s, 0) for s in statuses)} for key, label, statuses in AGENCY_GROUPS]
    recent = db.session.execute(select(Consultation).where(visible)
                                .order_by(Consultation.updated_at.desc(), Consultation.id.desc()).limit(5)).scalars().all()
    awaiting_feedback = db.session.execute(
        select(Opinion).join(Consultation, Consultation.id == Opinion.consultation_id)
        .where(visible, Opinion.status == "issued", Consultation.status == "opinion_issued")
        .order_by(Opinion.issued_at.desc(), Opinion.id.desc())).scalars().all()
    return {"groups": groups, "recent": recent, "cases": _case_counts(user), "awaiting_feedback": awaiting_feedback}


def expert_work(user) -> dict:
    """Expert: invitations still to answer, draft opinions still to sign, meetings to come."""
    if user.expert_id is None:
        return {"invitations": [], "to_sign": [], "meetings": []}
    invitations = db.session.execute(
        select(PanelMember).join(Consultation, Consultation.id == PanelMember.consultation_id)
        .where(PanelMember.expert_id == user.expert_id, PanelMember.awaits_answer,
               Consultation.status.not_in(("closed", "withdrawn")))
        .order_by(PanelMember.id.desc())).scalars().all()
    seated = select(PanelMember.consultation_id).where(
        PanelMember.expert_id == user.expert_id, PanelMember.is_accepted)
    signed = select(OpinionSignature.opinion_id).where(OpinionSignature.expert_id == user.expert_id)
    to_sign = db.session.execute(
        select(Opinion).where(Opinion.status == "draft", Opinion.consultation_id.in_(seated), Opinion.id.not_in(signed))
        .order_by(Opinion.updated_at.desc(), Opinion.id.desc())).scalars().all()
    meetings = db.session.execute(
        select(Meeting).where(Meeting.status == "scheduled", Meeting.consultation_id.in_(seated),
                              Meeting.end >= clock.now())
        .order_by(Meeting.start)).scalars().all()
    return {"invitations": invitations, "to_sign": to_sign, "meetings": meetings}


def _stats_for_region(region_code: str) -> dict:
    """Active experts of the pools that serve a region (its city, province and the national pool):
    counts only, no personal data, for agencies planning a request."""
    serving = or_(
        Expert.region_code == "000000",
        Expert.region_code == region_code[:2] + "0000",
        Expert.region_code == region_code[:4] + "00",
    )
    where = [serving, Expert.status == "active"]
    by_tier = dict(db.session.execute(select(Expert.tier, func.count()).where(*where).group_by(Expert.tier)).all())
    by_specialty = dict(db.session.execute(
        select(ExpertSpecialty.specialty, func.count()).join(Expert, Expert.id == ExpertSpecialty.expert_id)
        .where(*where).group_by(ExpertSpecialty.specialty)
    ).all())
    return {"by_tier": by_tier, "by_specialty": by_specialty, "by_status": {"active": sum(by_tier.values())},
            "total": sum(by_tier.values())}

