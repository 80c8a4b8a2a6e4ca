"""What the verification page and the API share: the size limit and the per-address limit."""

from __future__ import annotations

from flask import current_app

from app.errors import TooLarge
from app.ratelimit import hit_by_address

MAX_PDF_BYTES = 20 * 1024 * 1024


def limit() -> None:
    hit_by_address("verify", current_app.config["VERIFY_RATE_PER_MINUTE"])


def read_pdf(upload) -> bytes:
    """The uploaded file's bytes, 413 past MAX_PDF_BYTES (read no further than that)."""
    data = upload.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        raise TooLarge(f"文件超过 {MAX_PDF_BYTES // 1024 // 1024} MB")
    return data
