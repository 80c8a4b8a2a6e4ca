"""Deadline items (期限事项) of the supervision lists, the API and ``supervision run``.

Four kinds of item carry a due date:

- ``case``                the handling deadline (``cases.due_date``, stored; moved by approved extensions);
- ``case_acceptance``     telling the petitioner whether the case is accepted, from registration,
                          while no acceptance date is recorded;
- ``consultation``        request → issued opinion target, from the request, while the
                          consultation is open;
- ``supervision_notice``  an open 督办单's reply date.

Due dates computed from a start date (acceptance, consultation) are never stored: the due date
rises with the start date, so "due before X" is "started on or before S" in SQL
(:func:`expert_pool.deadlines.latest_start_due_before`), and only the rows shown are computed.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, select, true

from app.cases.models import Case
from app.cases.permissions import visible_cases_clause
from app.consultations.models import Consultation
from app.consultations.permissions import visible_consultations_clause
from app.extensions import db
from app.supervision import rules as R
from app.supervision.models import SupervisionNotice
from app.timeutil import SHANGHAI
from expert_pool import deadlines as D

KINDS = {"case": "办理期限", "case_acceptance": "告知受理期限", "consultation": "会商出具意见",
         "supervision_notice": "督办单回复"}
SCOPES = {"case": ("case", "case_acceptance"), "consultation": ("consultation",),
          "notice": ("supervision_notice",)}
STATES = (D.DUE_SOON, D.OVERDUE, D.ESCALATED)
OPEN_CONSULTATION = ("submitted", "accepted", "panel_drawn", "scheduled", "deliberated")
CLOSED_CASE = "closed"


@dataclass(frozen=True)
class Window:
    """Due dates to select: ``lo <= due_on <= hi`` (either end open)."""

    lo: date | None = None
    hi: date | None = None


def window_for(state: str | None, today: date, th: D.Thresholds | None = None) -> Window:
    th = th or R.thresholds()
    if state == D.DUE_SOON:
        return Window(today, D.due_on_or_before(today, today, th.due_soon))
    if state == D.OVERDUE:
        return Window(None, today - timedelta(days=1))
    if state == D.ESCALATED:
        return Window(None, D.escalation_due_cutoff(today, th.escalate_after))
    if state == "flagged":  # due soon or overdue: what ``supervision run`` looks at
        return Window(None, D.due_on_or_before(today, today, th.due_soon))
    return Window()


@dataclass
class Item:
    kind: str
    id: int
    title: str
    due_on: date
    working_days_left: int
    responsible_org_id: int | None
    state: str | None
    case_id: int
    region_code: str
    warning: str | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def state_label(self) -> str:
        return D.STATE_LABELS.get(self.state or "", "")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title, "due_on": self.due_on.isoformat(),
                "working_days_left": self.working_days_left, "responsible_org_id": self.responsible_org_id,
                "state": self.state, "case_id": self.case_id}


@dataclass(frozen=True)
class Filters:
    region_code: str = ""
    category: str = ""
    date_from: date | None = None  # registered / requested on or after
    date_to: date | None = None


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), SHANGHAI)


def _start_window(rule: D.DeadlineRule, w: Window) -> tuple[date | None, date | None]:
    """Start dates whose due dates lie in ``w`` (``lo`` exclusive-of-earlier, inclusive ends)."""
    lo = D.latest_start_due_before(w.lo, rule.days, rule.unit, rule.roll_forward) + timedelta(days=1) if w.lo else None
    hi = D.latest_start_due_before(w.hi + timedelta(days=1), rule.days, rule.unit, rule.roll_forward) if w.hi else None
    return lo, hi


def _created_between(column, lo: date | None, hi: date | None):
    clauses = []
    if lo is not None:
        clauses.append(column >= _midnight(lo))
    if hi is not None:
        clauses.append(column < _midnight(hi + timedelta(days=1)))
    return and_(true(), *clauses)


def _case_filters(f: Filters):
    clauses = []
    if f.region_code:
        clauses.append(Case.region_code.startswith(f.region_code))
    if f.category:
        clauses.append(Case.category == f.category)
    if f.date_from:
        clauses.append(Case.created_at >= _midnight(f.date_from))
    if f.date_to:
        clauses.append(Case.created_at < _midnight(f.date_to + timedelta(days=1)))
    return and_(true(), *clauses)


# --------------------------------------------------------------------------- one select per kind
# Each returns (select of the rows ordered by due date, function row → Item).


def _case_handling(user, w: Window, f: Filters) -> Select:
    stmt = select(Case).where(visible_cases_clause(user), _case_filters(f), Case.status != CLOSED_CASE,
                              Case.due_date.is_not(None))
    if w.lo:
        stmt = stmt.where(Case.due_date >= w.lo)
    if w.hi:
        stmt = stmt.where(Case.due_date <= w.hi)
    return stmt.order_by(Case.due_date, Case.id)


def _case_acceptance(user, w: Window, f: Filters) -> Select:
    lo, hi = _start_window(R.rule("acceptance"), w)
    return (select(Case).where(visible_cases_clause(user), _case_filters(f), Case.status != CLOSED_CASE,
                               Case.accepted_on.is_(None), _created_between(Case.created_at, lo, hi))
            .order_by(Case.created_at, Case.id))


def _consultation(user, w: Window, f: Filters) -> Select:
    lo, hi = _start_window(R.rule("consultation"), w)
    return (select(Consultation).join(Case, Case.id == Consultation.case_id)
            .where(visible_consultations_clause(user), _case_filters(f), Consultation.status.in_(OPEN_CONSULTATION),
                   _created_between(Consultation.created_at, lo, hi))
            .order_by(Consultation.created_at, Consultation.id))


def _notice(user, w: Window, f: Filters) -> Select:
    stmt = (select(SupervisionNotice).join(Case, Case.id == SupervisionNotice.case_id)
            .where(visible_cases_clause(user), _case_filters(f), SupervisionNotice.status == "open"))
    if w.lo:
        stmt = stmt.where(SupervisionNotice.due_on >= w.lo)
    if w.hi:
        stmt = stmt.where(SupervisionNotice.due_on <= w.hi)
    return stmt.order_by(SupervisionNotice.due_on, SupervisionNotice.id)


SELECTS = {"case": _case_handling, "case_acceptance": _case_acceptance, "consultation": _consultation,
           "supervision_notice": _notice}


def local_date(value: datetime) -> date:
    return value.astimezone(SHANGHAI).date()


def to_item(kind: str, row, today: date, th: D.Thresholds) -> Item:
    if kind == "case":
        due, warning, case, org = row.due_date, None, row, row.handling_org_id
    elif kind == "case_acceptance":
        d = R.rule("acceptance").due(local_date(row.created_at))
        due, warning, case, org = d.due_on, d.warning, row, row.handling_org_id
    elif kind == "consultation":
        d = R.rule("consultation").due(local_date(row.created_at))
        due, warning, case, org = d.due_on, d.warning, row.case, row.office_id
    else:
        due, warning, case, org = row.due_on, None, row.case, row.agency_id
    title = case.title if kind != "supervision_notice" else f"{row.number} {case.title}"
    return Item(kind, row.id, title, due, D.working_days_left(today, due), org, D.state(today, due, th), case.id,
                case.region_code, warning)


def kinds_for(scope: str | None) -> tuple[str, ...]:
    return SCOPES.get(scope or "", tuple(SELECTS))


def count_items(user, kinds, state: str | None, today: date, f: Filters = Filters()) -> int:
    w = window_for(state, today)
    total = 0
    for kind in kinds:
        stmt = SELECTS[kind](user, w, f)
        total += db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    return total


def list_items(user, kinds, state: str | None, today: date, f: Filters = Filters(), page: int = 1,
               per_page: int = 20) -> tuple[list[Item], int]:
    """One page of the items of ``kinds`` in ``state`` (None: every open item with a due date),
    earliest due first, and their total."""
    th = R.thresholds()
    w = window_for(state, today, th)
    limit = page * per_page
    streams = []
    total = 0
    for kind in kinds:
        stmt = SELECTS[kind](user, w, f)
        total += db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
        rows = db.session.execute(stmt.limit(limit)).scalars().all()
        streams.append([to_item(kind, r, today, th) for r in rows])
    merged = list(heapq.merge(*streams, key=lambda i: (i.due_on, i.kind, i.id)))
    return merged[(page - 1) * per_page: limit], total


def all_items(kinds, state: str, today: date):
    """Every item of ``kinds`` in ``state`` over all jurisdictions (``supervision run``), streamed."""
    th = R.thresholds()
    w = window_for(state, today, th)
    admin = _Everyone()
    for kind in kinds:
        for row in db.session.execute(SELECTS[kind](admin, w, Filters()).execution_options(yield_per=500)).scalars():
            yield kind, row, to_item(kind, row, today, th)


class _Everyone:
    """The run sees every item (it acts for no user): the admin's view."""

    role = "admin"
    id = None
    organization_id = None
    expert_id = None
