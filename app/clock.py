"""The one clock for business rules: "is this meeting in the past?", "is this case overdue?",
"is this expert's term still running?", "which experts served in the last year?".

``now()`` is aware UTC, ``today()`` the date in Asia/Shanghai (the server may run in UTC).
Tests and the demo seed move it with one hook, :func:`frozen`::

    with clock.frozen(datetime(2026, 9, 1, tzinfo=UTC)):
        meetings.schedule(...)   # judged as if it were 2026-09-01 08:00 in Shanghai

Timestamps recorded on rows (``created_at``, ``closed_at``, ``issued_at`` …), and the security
clocks (session and token expiry, sign-in throttling, the audit chain, the e-mail outbox) keep
the real time (``app.db_types.utcnow``): freezing the business clock never rewrites history or
lets a credential outlive its expiry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from app.timeutil import SHANGHAI

# A module global rather than a context variable: the frozen time must also hold in the threads
# a test or the seed starts (a live server for the browser tests).
_frozen_at: datetime | None = None


def now() -> datetime:
    """The current time, aware UTC (or the frozen time)."""
    return _frozen_at if _frozen_at is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in Asia/Shanghai (or the frozen time's)."""
    return now().astimezone(SHANGHAI).date()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Run the business rules as if it were ``at`` (aware; nesting restores the outer time)."""
    global _frozen_at
    if at.tzinfo is None:
        raise ValueError("clock.frozen needs an aware datetime")
    previous, _frozen_at = _frozen_at, at.astimezone(UTC)
    try:
        yield _frozen_at
    finally:
        _frozen_at = previous
