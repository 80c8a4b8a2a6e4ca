"""The one parser for ``?page=&per_page=``, used by every list in the UI and the API.

The API is strict (api.md: a page or page size out of range is a 422 naming the field); UI pages
forgive a mistyped or stale link and fall back to the first page or the default size. Both bound
the page number, so ``(page - 1) * per_page`` always fits the database's OFFSET.
"""

from __future__ import annotations

from app.errors import ValidationFailed

MAX_PAGE = 1_000_000
API_PER_PAGE = (20, 100)  # default, maximum


def _positive_int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw) or None


def parse_paging(args, *, per_page: int = API_PER_PAGE[0], max_per_page: int = API_PER_PAGE[1],
                 choices: tuple[int, ...] | None = None, strict: bool = False) -> tuple[int, int]:
    """``(page, per_page)`` from the query ``args``. ``choices`` limits the page sizes a UI offers;
    ``strict`` raises :class:`ValidationFailed` (422) instead of falling back."""
    errors: dict[str, str] = {}
    page = 1
    if "page" in args:
        value = _positive_int(args.get("page"))
        if value is None or value > MAX_PAGE:
            errors["page"] = f"应为 1–{MAX_PAGE} 的整数"
        else:
            page = value
    size = per_page
    if "per_page" in args:
        value = _positive_int(args.get("per_page"))
        allowed = value is not None and value <= max_per_page and (choices is None or value in choices)
        if not allowed:
            errors["per_page"] = (f"应为 1–{max_per_page} 的整数" if choices is None
                                  else "应为 " + "、".join(map(str, choices)) + " 之一")
        else:
            size = value
    if errors and strict:
        raise ValidationFailed(errors)
    return page, size
