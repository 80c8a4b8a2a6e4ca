"""The handling deadline (《信访工作条例》): 60 days from acceptance, extended at most once by up to
30 days; a closed case is never overdue. Both periods come from the deadline rules in force
(``handling`` and ``extension`` of :mod:`expert_pool.deadlines`, overridable by the
``SUPERVISION_RULES`` setting), so an office counting 30 working days gets 30 working days here,
on the case page, in the API and in the ledger export alike.

The case keeps its approved extension in ``extension_days`` (counted in the handling rule's
unit) and its computed ``due_date``; :func:`handling_due` is the one place that computes it.
"""

from __future__ import annotations

from datetime import date

from app.cases.models import Case
from app.clock import today
from app.supervision import rules as R
from expert_pool.deadlines import DeadlineRule

CLOSED = "closed"


def handling_due(accepted_on: date | None, extension_days: int = 0, rule: DeadlineRule | None = None) -> date | None:
    """The handling due date of a case accepted on ``accepted_on`` with ``extension_days`` of
    approved extension, under the ``handling`` rule in force (or ``rule``, for callers that
    compute many at once). None while the case is not accepted."""
    if accepted_on is None:
        return None
    return (rule or handling_rule()).due(accepted_on, extra_days=extension_days).due_on


def handling_rule() -> DeadlineRule:
    return R.rule("handling")


def extension_rule() -> DeadlineRule:
    """The rule whose ``days`` is the longest extension allowed (default 30)."""
    return R.rule("extension")


def extension_limit_problem(days: int) -> str | None:
    """The Chinese message when ``days`` exceeds the extension rule, else None."""
    limit = extension_rule()
    return f"延长期限不得超过{limit.text}" if days > limit.days else None


def extended_days(case: Case) -> int:
    """Days the deadline was extended by (0 when never extended)."""
    return case.extension_days or 0


def is_overdue(case: Case, on: date | None = None) -> bool:
    return case.status != CLOSED and case.due_date is not None and case.due_date < (on or today())


def days_left(case: Case, on: date | None = None) -> int | None:
    return None if case.due_date is None else (case.due_date - (on or today())).days


def can_extend(case: Case) -> bool:
    return case.status != CLOSED and case.accepted_on is not None and extended_days(case) == 0
