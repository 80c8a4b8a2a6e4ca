"""A fixed-window request limit per client address, shared by every worker (a counter row per
bucket and minute in the database) — for the public pages and API calls that need no sign-in
(the verification of opinions).

The counter is written through its own short transaction on the engine, not the request's
session: a refused or failing request is still counted, and a GET stays read-only for the
request's own unit of work (the deliberate exception to ``app.transactions``).
"""

from __future__ import annotations

import time

from flask import request
from sqlalchemy import Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.errors import RateLimited
from app.extensions import db

WINDOW_SECONDS = 60


class RateCounter(db.Model):
    __tablename__ = "rate_counters"

    bucket: Mapped[str] = mapped_column(String(120), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)  # minutes since the epoch
    hits: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_rate_counters_period", "period"),)


_HIT = text("INSERT INTO rate_counters (bucket, period, hits) VALUES (:bucket, :period, 1) "
            "ON CONFLICT (bucket, period) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits")


def hit(bucket: str, limit: int, now: float | None = None) -> int:
    """Count one request of ``bucket`` in the current minute; RateLimited (429) past ``limit``."""
    period = int((time.time() if now is None else now) // WINDOW_SECONDS)
    with db.engine.begin() as conn:
        hits = conn.execute(_HIT, {"bucket": bucket[:120], "period": period}).scalar_one()
        if hits == 1:  # the first request of a new minute sweeps the counters of the past ones
            conn.execute(text("DELETE FROM rate_counters WHERE period < :old"), {"old": period - 1})
    if hits > limit:
        raise RateLimited(f"请求过于频繁：每个地址每分钟最多 {limit} 次，请稍后再试",
                          details={"limit": limit, "retry_after": WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS})
    return hits


def hit_by_address(scope: str, limit: int) -> int:
    return hit(f"{scope}:{request.remote_addr or '-'}", limit)
