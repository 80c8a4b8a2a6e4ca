"""Dashboard figures (统计): every figure is one SQL aggregate over what the user's jurisdiction
covers (``visible_cases_clause`` / ``visible_consultations_clause``), filtered by period
(registration / request date), region and category. The drill-down lists
(:mod:`app.supervision.lists`) select exactly the rows each figure counts, with the same clauses.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case as sql_case, exists, func, select
from sqlalchemy.orm import aliased

from app.cases.models import CASE_STATUSES, Case
from app.cases.permissions import visible_cases_clause
from app.consultations.models import (
    CONSULTATION_STATUSES,
    Consultation,
)
from app.experts.models import Expert
from app.extensions import db
from app.opinions.models import Opinion, OpinionFeedback
from app.supervision.models import SupervisionNotice
from app import clock
from app.supervision import consultation_pass, figure_cache
from app.supervision import queries as Q
from app.supervision import rules as R
from expert_pool import deadlines as D
from expert_pool import regions
from expert_pool.codes import CATEGORIES, POOL_TIERS

CLOSED = "closed"
OPEN_SEAT_CONSULTATIONS = consultation_pass.OPEN_SEAT_CONSULTATIONS


def region_group(code: str) -> str:
    """The city (first four digits + 00) a region belongs to."""
    return code[:4] + "00"


def city_expr():
    return func.substr(Case.region_code, 1, 4)


def case_scope(user, f: Q.Filters):
    return and_(visible_cases_clause(user), Q._case_filters(f))


def consultation_scope(user, f: Q.Filters):
    """Consultations (joined with their case) in ``user``'s view and the filters."""
    clauses = [Q.joined_consultations_clause(user)]
    if f.region_code:
        clauses.append(Case.region_code.startswith(f.region_code))
    if f.category:
        clauses.append(Case.category == f.category)
    # the period as an expression: through the request-time index each of the many rows in a
    # period would cost a table visit; the covering ix_consultations_case_status reads none
    requested = Q._unindexed(Consultation.created_at)
    if f.date_from:
        clauses.append(requested() >= Q._midnight(f.date_from))
    if f.date_to:
        clauses.append(requested() < Q._midnight(f.date_to + timedelta(days=1)))
    return and_(*clauses)


def _pairs(stmt) -> dict:
    return {k: int(n) for k, n in db.session.execute(stmt).all()}


# --------------------------------------------------------------------------- case figures
# One pass over the cases in scope gives every case figure: counts grouped by status, backlog flag,
# category and city, with the deadline windows of the handling and acceptance periods summed in.


def _cached(name: str, user, f: Q.Filters, today: date | None, compute):
    """A figure under the data's version stamp (:mod:`app.supervision.figure_cache`)."""
    return figure_cache.cached((name, figure_cache.scope_key(user), f, today), compute)


def case_groups(user, f: Q.Filters, today: date) -> list:
    def compute():
        th = R.thresholds()
        windows = {st: Q.window_for(st, today, th) for st in Q.STATES}
        flags = []
        for kind in ("case", "case_acceptance"):
            extra = Case.accepted_on.is_(None) if kind == "case_acceptance" else Case.due_date.is_not(None)
            flags += [func.count(sql_case((and_(extra, Q.window_clause(kind, windows[st])), 1))) for st in Q.STATES]
        stmt = (select(Case.status, Case.is_backlog, Case.category, Case.region_code, func.count(),
                       func.count(sql_case((Case.due_date < today, 1))), *flags)
                .where(case_scope(user, f)).group_by(Case.status, Case.is_backlog, Case.category, Case.region_code))
        return tuple(db.session.execute(stmt).all())

    return _cached("cases", user, f, today, compute)


def case_counts(user, f: Q.Filters, today: date) -> dict:
    out = {"open": 0, "overdue": 0, "closed": 0}
    for status, _, _, _, n, overdue, *_ in case_groups(user, f, today):
        if status == CLOSED:
            out["closed"] += n
        else:
            out["open"] += n
            out["overdue"] += overdue
    return out


def backlog_by_status(user, f: Q.Filters, today: date | None = None) -> dict:
    out = {s: 0 for s in CASE_STATUSES if s != CLOSED}
    for status, backlog, _, _, n, *_ in case_groups(user, f, today or clock.today()):
        if status != CLOSED and backlog:
            out[status] += n
    return out


def open_by_category(user, f: Q.Filters, today: date | None = None) -> dict:
    counts: dict[str, int] = {}
    for status, _, category, _, n, *_ in case_groups(user, f, today or clock.today()):
        if status != CLOSED:
            counts[category] = counts.get(category, 0) + n
    return {c: counts[c] for c in CATEGORIES if counts.get(c)}


def open_by_region(user, f: Q.Filters, today: date | None = None) -> dict:
    counts: dict[str, int] = {}
    for status, _, _, code, n, *_ in case_groups(user, f, today or clock.today()):
        if status != CLOSED:
            counts[region_group(code)] = counts.get(region_group(code), 0) + n
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------------- deadlines


def deadline_counts(user, f: Q.Filters, today: date) -> dict:
    """{kind: {"due_soon": n, "overdue": n, "escalated": n}} (overdue includes escalated)."""
    out = {kind: dict.fromkeys(Q.STATES, 0) for kind in Q.SELECTS}
    for status, _, _, _, _, _, *flags in case_groups(user, f, today):
        if status == CLOSED:
            continue
        for i, st in enumerate(Q.STATES):
            out["case"][st] += flags[i]
            out["case_acceptance"][st] += flags[len(Q.STATES) + i]
    for status, _, *flags in consultation_groups(user, f, today):
        if status in Q.OPEN_CONSULTATION:
            for i, st in enumerate(Q.STATES):
                out["consultation"][st] += flags[i]
    out["supervision_notice"] = dict(_cached("notices", user, f, today, lambda: _notice_states(user, f, today)))
    return out


def _notice_states(user, f: Q.Filters, today: date) -> dict[str, int]:
    """Open 督办单 by deadline state. They are few: read them first, then which of their cases the
    viewer sees and the filters keep, by primary key (a join lets PostgreSQL scan every case)."""
    th = R.thresholds()
    open_notices = db.session.execute(select(SupervisionNotice.case_id, SupervisionNotice.due_on)
                                      .where(SupervisionNotice.status == "open")).all()
    case_ids = sorted({case_id for case_id, _ in open_notices})
    seen = set(db.session.execute(select(Case.id).where(Case.id.in_(case_ids), case_scope(user, f))).scalars()) \
        if case_ids else set()
    windows = {st: Q.window_for(st, today, th) for st in Q.STATES}
    out = dict.fromkeys(Q.STATES, 0)
    for case_id, due_on in open_notices:
        if case_id in seen:
            for st, w in windows.items():
                if (w.lo is None or due_on >= w.lo) and (w.hi is None or due_on <= w.hi):
                    out[st] += 1
    return out


# --------------------------------------------------------------------------- consultations and opinions


def consultation_figures(user, f: Q.Filters, today: date) -> consultation_pass.ConsultationFigures:
    """Every consultation-side count of a page, from one statement (:mod:`consultation_pass`)."""
    def compute():
        figures = consultation_pass.compute(consultation_scope(user, f), today)
        figures.opinion_summary = _opinion_summary(figures.opinions)
        figures.opinions = []  # the cache keeps the summary, not thousands of rows
        return figures

    return _cached("consultations", user, f, today, compute)


def consultation_groups(user, f: Q.Filters, today: date) -> list:
    """(status, count, due-soon, overdue, escalated) of the consultations in scope."""
    return [(status, *counts) for status, counts in consultation_figures(user, f, today).by_status.items()]


def consultations_by_status(user, f: Q.Filters, today: date | None = None) -> dict:
    counts = {status: n for status, n, *_ in consultation_groups(user, f, today or clock.today())}
    return {s: counts.get(s, 0) for s in CONSULTATION_STATUSES}


def _not_superseded():
    """Not replaced by an issued correction (a correction replaces the original)."""
    newer = aliased(Opinion)
    return ~exists().where(newer.supersedes_id == Opinion.id, newer.issued_at.is_not(None))


def issued_opinions(user, f: Q.Filters):
    """Issued, not superseded opinions of the consultations in scope."""
    return (select(Opinion.id).join(Consultation, Consultation.id == Opinion.consultation_id)
            .join(Case, Case.id == Consultation.case_id)
            .where(consultation_scope(user, f), Opinion.issued_at.is_not(None), _not_superseded()))


def _latest_feedback_id():
    return (select(func.max(OpinionFeedback.id)).where(OpinionFeedback.opinion_id == Opinion.id)
            .correlate(Opinion).scalar_subquery())


def _opinion_summary(rows: list[tuple]) -> dict:
    """Turnaround (request → issued opinion: median, nearest-rank p90, in days) and the feedback
    figures of the issued opinions' rows (request time, issue time, adopted, outcome or None)."""
    days = sorted((issued - created).total_seconds() / 86400 for created, issued, _, _ in rows)
    with_fb = [(adopted, outcome) for _, _, adopted, outcome in rows if outcome is not None]
    adopted = sum(1 for a, _ in with_fb if a)
    resolved = sum(1 for _, o in with_fb if o == "resolved")
    n = len(with_fb)
    return {"count": len(days), "median": round(statistics.median(days), 1) if days else None,
            "p90": round(percentile(days, 90), 1) if days else None,
            "issued": len(rows), "with_feedback": n, "adopted": adopted, "resolved": resolved,
            "adoption_rate": round(adopted / n, 4) if n else None,
            "resolution_rate": round(resolved / n, 4) if n else None}


def opinion_figures(user, f: Q.Filters, today: date | None = None) -> dict:
    """The issued opinions' figures of the consultations in scope (from the consultation pass)."""
    return consultation_figures(user, f, today or clock.today()).opinion_summary


def request_to_opinion_days(user, f: Q.Filters) -> dict:
    """Days from the request to the issued opinion: median and 90th percentile (nearest rank)."""
    figures = opinion_figures(user, f)
    return {k: figures[k] for k in ("count", "median", "p90")}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted ``values``."""
    k = max(int(-(-p * len(values) // 100)) - 1, 0)
    return values[min(k, len(values) - 1)]


def latest_feedback(user, f: Q.Filters):
    """(opinion_id, adopted, outcome) of the latest feedback on each issued opinion in scope."""
    return (select(OpinionFeedback.opinion_id, OpinionFeedback.adopted, OpinionFeedback.outcome)
            .select_from(Opinion).join(OpinionFeedback, OpinionFeedback.id == _latest_feedback_id())
            .where(Opinion.id.in_(issued_opinions(user, f))))


def feedback_rates(user, f: Q.Filters) -> dict:
    """Adoption and 化解 (resolved) rates among issued opinions with feedback."""
    figures = opinion_figures(user, f)
    return {k: figures[k] for k in ("issued", "with_feedback", "adopted", "resolved", "adoption_rate",
                                    "resolution_rate")}


def escalations_by_tier(user, f: Q.Filters, today: date | None = None) -> dict:
    """三跨三分离 escalations (上级专家库援助) by the tier they went to."""
    counts = consultation_figures(user, f, today or clock.today()).escalations
    return {t: counts.get(t, 0) for t in POOL_TIERS}


@dataclass(frozen=True)
class ExpertLoad:
    expert_id: int
    name: str
    tier: str
    open_seats: int
    rating: float | None
    ratings: int


def expert_workload(user, f: Q.Filters, limit: int = 20, today: date | None = None) -> list[ExpertLoad]:
    """Experts seated (invited or accepted) on open consultations in scope, busiest first, with
    their average rating over the consultations in scope."""
    figures = consultation_figures(user, f, today or clock.today())
    loads = sorted(figures.seats.items(), key=lambda item: (-item[1], item[0]))[:limit]
    if not loads:
        return []
    experts = _cached("expert-names", user, f, None, lambda: {e.id: (e.name, e.tier) for e in db.session.execute(
        select(Expert).where(Expert.id.in_(sorted(figures.seats)))).scalars()})
    out = []
    for expert_id, seats in loads:
        n, total = figures.ratings.get(expert_id, (0, 0))
        name, tier = experts[expert_id]
        out.append(ExpertLoad(expert_id, name, tier, seats, round(total / n, 1) if n else None, n))
    return out


# --------------------------------------------------------------------------- the API's overview


def overview(user, f: Q.Filters, today: date) -> dict:
    rates = feedback_rates(user, f)
    times = request_to_opinion_days(user, f)
    return {
        "cases": case_counts(user, f, today),
        "consultations": {"by_status": consultations_by_status(user, f, today)},
        "request_to_opinion_days": {"median": times["median"], "p90": times["p90"]},
        "adoption_rate": rates["adoption_rate"],
        "resolution_rate": rates["resolution_rate"],
        "by_category": open_by_category(user, f, today),
        "by_region": open_by_region(user, f, today),
    }


def region_label(code: str) -> str:
    return regions.name(code) or code


STATE_ORDER = (D.DUE_SOON, D.OVERDUE, D.ESCALATED)
