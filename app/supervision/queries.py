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
from functools import lru_cache, partial
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, false, func, or_, select, true
from sqlalchemy.orm import contains_eager

from app.auth.jurisdiction import is_admin, officer_jurisdiction
from app.cases.models import Case
from app.cases.permissions import visible_cases_clause
from app.consultations.models import Consultation
from app.consultations.permissions import visible_consultations_clause
from app.extensions import db
from app.supervision import figure_cache
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


def _unindexed(column):
    """``column`` as an expression: SQLite would otherwise range-scan that column's own index and
    visit most rows of the table (e.g. for "overdue"); this way it reads the dashboards' covering
    index ``ix_cases_supervision`` alone (several times faster). PostgreSQL plans it the same."""
    return lambda: func.coalesce(column, column)


def _case_filters(f: Filters):
    """The filters on cases. Category and registration time are compared as expressions
    (:func:`_unindexed`): a filter keeps a large share of the cases, and reading them through the
    category or date index costs a table visit per row where the covering index reads none."""
    clauses = []
    if f.region_code:
        clauses.append(Case.region_code.startswith(f.region_code))
    if f.category:
        clauses.append(_unindexed(Case.category)() == f.category)
    if f.date_from:
        clauses.append(_unindexed(Case.created_at)() >= _midnight(f.date_from))
    if f.date_to:
        clauses.append(_unindexed(Case.created_at)() < _midnight(f.date_to + timedelta(days=1)))
    return and_(true(), *clauses)


# --------------------------------------------------------------------------- one select per kind
# Each kind: its rows in the user's scope (no window yet), the column its window applies to, and
# for computed due dates the rule (the column is then the start: the request or registration time).


def _case_handling_base(user, f: Filters) -> Select:
    return select(Case).where(visible_cases_clause(user), _case_filters(f), Case.status != CLOSED_CASE,
                              Case.due_date.is_not(None))


def _case_acceptance_base(user, f: Filters) -> Select:
    return select(Case).where(visible_cases_clause(user), _case_filters(f), Case.status != CLOSED_CASE,
                              Case.accepted_on.is_(None))


def joined_consultations_clause(user):
    """``visible_consultations_clause`` for a query that joins each consultation's case: the same
    rule, with the region read from the joined row instead of a subquery over every case."""
    if is_admin(user):
        return true()
    if getattr(user, "role", None) == "agency":
        return Case.handling_org_id == user.organization_id if user.organization_id is not None else false()
    jur = officer_jurisdiction(user)
    if jur is None:
        return visible_consultations_clause(user)
    return or_(Consultation.office_id == user.organization_id, Case.region_code.startswith(jur.prefix))


def _consultation_base(user, f: Filters) -> Select:
    return (select(Consultation).join(Case, Case.id == Consultation.case_id).options(contains_eager(Consultation.case))
            .where(joined_consultations_clause(user), _case_filters(f), Consultation.status.in_(OPEN_CONSULTATION)))


def _notice_base(user, f: Filters) -> Select:
    return (select(SupervisionNotice).join(Case, Case.id == SupervisionNotice.case_id)
            .options(contains_eager(SupervisionNotice.case))
            .where(visible_cases_clause(user), _case_filters(f), SupervisionNotice.status == "open"))


KIND_DEFS = {
    "case": (_case_handling_base, _unindexed(Case.due_date), None, lambda: (Case.due_date, Case.id)),
    "case_acceptance": (_case_acceptance_base, _unindexed(Case.created_at), "acceptance",
                        lambda: (Case.created_at, Case.id)),
    "consultation": (_consultation_base, lambda: Consultation.created_at, "consultation",
                     lambda: (Consultation.created_at, Consultation.id)),
    "supervision_notice": (_notice_base, lambda: SupervisionNotice.due_on, None,
                           lambda: (SupervisionNotice.due_on, SupervisionNotice.id)),
}


def window_clause(kind: str, w: Window):
    """SQL for "due date within ``w``" of items of ``kind``."""
    return window_clause_on(kind, KIND_DEFS[kind][1](), w)


def window_clause_on(kind: str, col, w: Window):
    """:func:`window_clause` on ``col`` (the kind's due date or start column, e.g. from a CTE)."""
    rule_code = KIND_DEFS[kind][2]
    if rule_code is None:
        clauses = ([col >= w.lo] if w.lo else []) + ([col <= w.hi] if w.hi else [])
        return and_(true(), *clauses)
    lo, hi = _start_window(R.rule(rule_code), w)
    return _created_between(col, lo, hi)


def select_items(kind: str, user, w: Window, f: Filters, page_rows: bool = False) -> Select:
    """The items of ``kind`` due within ``w``, earliest due first. ``page_rows``: for reading the
    first rows of a page — the window then applies to the ordering column itself, so the database
    walks its index in due order and stops after the page instead of sorting every match (for a
    count, the covering index without that column's own index is faster, see :func:`_unindexed`)."""
    base, _, _, order = KIND_DEFS[kind]
    columns = order()
    window = window_clause_on(kind, columns[0], w) if page_rows else window_clause(kind, w)
    return base(user, f).where(window).order_by(*columns)


SELECTS = {kind: partial(select_items, kind) for kind in KIND_DEFS}


def local_date(value: datetime) -> date:
    return value.astimezone(SHANGHAI).date()


# Pure functions of dates, called for every row of a page with few distinct due dates: counting
# working days over a long overdue span walks the calendar day by day, so each pair is counted once.
_working_days_left = lru_cache(maxsize=8192)(D.working_days_left)
_state = lru_cache(maxsize=8192)(D.state)


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
    return Item(kind, row.id, title, due, _working_days_left(today, due), org, _state(today, due, th), case.id,
                case.region_code, warning)


def count_rows(stmt: Select) -> int:
    """Rows of an entity select (one row per entity): ``count(*)`` over the same FROM and WHERE,
    without a subquery (the planner can then answer from an index). Cached under the data's
    version stamp, keyed by the statement's SQL and parameters (exactly what it counts)."""
    counting = stmt.with_only_columns(func.count()).order_by(None)
    compiled = counting.compile(db.session.get_bind())
    key = ("count", str(compiled), tuple(sorted((k, repr(v)) for k, v in compiled.params.items())))
    return figure_cache.cached(key, lambda: db.session.execute(counting).scalar_one())


def kinds_for(scope: str | None) -> tuple[str, ...]:
    return SCOPES.get(scope or "", tuple(SELECTS))


def count_items(user, kinds, state: str | None, today: date, f: Filters = Filters()) -> int:
    w = window_for(state, today)
    total = 0
    for kind in kinds:
        stmt = SELECTS[kind](user, w, f)
        total += count_rows(stmt)
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
        total += count_rows(SELECTS[kind](user, w, f))
        rows = db.session.execute(select_items(kind, user, w, f, page_rows=True).limit(limit)).scalars().all()
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
