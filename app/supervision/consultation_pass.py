"""The consultation-side figures in one statement (why: each used to select the consultations in
the viewer's scope again — a join of every consultation with its case — five times a page).

The consultations in scope (with their status and request time) are computed once as a
materialized CTE; the statement then returns, as one list of rows ``(figure, key, n, a, b, c)``:

- ``status``     per consultation status: count, and the due-soon / overdue / escalated counts of
                 the request → opinion deadline;
- ``escalation`` per tier escalated to: count;
- ``seat``       per expert (key = expert id): seats (invited or accepted chair/member) on open
                 consultations;
- ``rating``     per expert: number of ratings and their sum;
- ``opinion``    per issued, not superseded opinion: request and issue time (``t1``, ``t2``), its
                 latest feedback's outcome (``key``, none without feedback) and adoption (``n``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, String, and_, case, cast, exists, func, literal, null, select, union_all
from sqlalchemy.orm import aliased

from app.cases.models import Case
from app.consultations.models import HOLDING_STATUSES, SEATED_ROLES, Consultation, Escalation, ExpertRating, PanelMember
from app.db_types import UTCDateTime
from app.extensions import db
from app.opinions.models import Opinion, OpinionFeedback
from app.supervision import queries as Q
from app.supervision import rules as R

OPEN_SEAT_CONSULTATIONS = ("accepted", "panel_drawn", "scheduled", "deliberated")


@dataclass
class ConsultationFigures:
    by_status: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # n, due soon, overdue, escalated
    escalations: dict[str, int] = field(default_factory=dict)
    seats: dict[int, int] = field(default_factory=dict)
    ratings: dict[int, tuple[int, int]] = field(default_factory=dict)  # expert → (count, sum of scores)
    opinions: list[tuple] = field(default_factory=list)  # (requested, issued, adopted, outcome or None)
    opinion_summary: dict = field(default_factory=dict)  # what the pages show of them (stats.py)


def _row(fig: str, key, n, a=None, b=None, c=None, t1=None, t2=None) -> list:
    zero = literal(0)
    return [literal(fig, String).label("fig"), cast(key, String).label("key"), cast(n, Integer).label("n"),
            cast(a if a is not None else zero, Integer).label("a"), cast(b if b is not None else zero, Integer).label("b"),
            cast(c if c is not None else zero, Integer).label("c"),
            (t1 if t1 is not None else cast(null(), UTCDateTime)).label("t1"),
            (t2 if t2 is not None else cast(null(), UTCDateTime)).label("t2")]


def _issued_opinions(scope):
    """Issued opinions of the consultations in ``scope`` not replaced by an issued correction, with
    the latest feedback on each (if any)."""
    newer = aliased(Opinion)
    latest = (select(func.max(OpinionFeedback.id)).where(OpinionFeedback.opinion_id == Opinion.id)
              .correlate(Opinion).scalar_subquery())
    return (select(*_row("opinion", OpinionFeedback.outcome, case((OpinionFeedback.adopted.is_(True), 1), else_=0),
                         t1=scope.c.created_at, t2=Opinion.issued_at))
            .select_from(Opinion).join(scope, scope.c.id == Opinion.consultation_id)
            .outerjoin(OpinionFeedback, OpinionFeedback.id == latest)
            .where(Opinion.issued_at.is_not(None),
                   ~exists().where(newer.supersedes_id == Opinion.id, newer.issued_at.is_not(None))))


def compute(scope_clause, today: date) -> ConsultationFigures:
    """``scope_clause``: the WHERE over consultations joined with their case (viewer and filters)."""
    th = R.thresholds()
    scope = (select(Consultation.id.label("id"), Consultation.status.label("status"),
                    Consultation.created_at.label("created_at"))
             .join(Case, Case.id == Consultation.case_id).where(scope_clause)
             .cte("consultation_scope").prefix_with("MATERIALIZED"))
    windows = [Q.window_clause_on("consultation", scope.c.created_at, Q.window_for(st, today, th)) for st in Q.STATES]
    by_status = (select(*_row("status", scope.c.status, func.count(),
                              *[func.count(case((w, 1))) for w in windows]))
                 .group_by(scope.c.status))
    escalations = (select(*_row("escalation", Escalation.to_tier, func.count()))
                   .join(scope, scope.c.id == Escalation.consultation_id).group_by(Escalation.to_tier))
    # grouped by an expression of the expert id: SQLite would otherwise read every seat or rating
    # through the expert index (for its order) instead of each consultation's rows through the
    # covering indexes of migration 0011
    seat_expert, rated_expert = PanelMember.expert_id + 0, ExpertRating.expert_id + 0
    seats = (select(*_row("seat", seat_expert, func.count()))
             .join(scope, scope.c.id == PanelMember.consultation_id)
             .where(scope.c.status.in_(OPEN_SEAT_CONSULTATIONS),
                    and_(PanelMember.role.in_(SEATED_ROLES), PanelMember.status.in_(HOLDING_STATUSES)))
             .group_by(seat_expert))
    ratings = (select(*_row("rating", rated_expert, func.count(), func.sum(ExpertRating.score)))
               .join(scope, scope.c.id == ExpertRating.consultation_id).group_by(rated_expert))
    out = ConsultationFigures()
    rows = db.session.execute(union_all(by_status, escalations, seats, ratings, _issued_opinions(scope))).all()
    for fig, key, n, a, b, c, t1, t2 in rows:
        if fig == "opinion":
            out.opinions.append((t1, t2, n == 1, key))
        elif fig == "status":
            out.by_status[key] = (n, a, b, c)
        elif fig == "escalation":
            out.escalations[key] = n
        elif fig == "seat":
            out.seats[int(key)] = n
        else:
            out.ratings[int(key)] = (n, a)
    return out

