"""The handling deadline (《信访工作条例》): ``due_date = accepted_on + 60 days``, extended at most
once; a closed case is never overdue. Read by the services, the pages, the API representation and
the ledger export alike."""

from __future__ import annotations

from datetime import date

from app.cases.models import Case
from app.cases.schemas import HANDLING_DAYS, today

CLOSED = "closed"


def extended_days(case: Case) -> int:
    """Days the deadline was extended by (0 when never extended or not yet accepted)."""
    if case.accepted_on is None or case.due_date is None:
        return 0
    return max((case.due_date - case.accepted_on).days - HANDLING_DAYS, 0)


def is_overdue(case: Case, on: date | None = None) -> bool:
    return case.status != CLOSED and case.due_date is not None and case.due_date < (on or today())


def days_left(case: Case, on: date | None = None) -> int | None:
    return None if case.due_date is None else (case.due_date - (on or today())).days


def can_extend(case: Case) -> bool:
    return case.status != CLOSED and case.accepted_on is not None and extended_days(case) == 0
