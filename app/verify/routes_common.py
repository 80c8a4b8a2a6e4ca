"""What the verification page and the API share: the size limit and the per-address limit."""

from __future__ import annotations

from flask import current_app

from app.ratelimit import hit_by_address

MAX_PDF_BYTES = 20 * 1024 * 1024


def limit() -> None:
    hit_by_address("verify", current_app.config["VERIFY_RATE_PER_MINUTE"])
