"""The interface every search backend implements, and the plain data it takes and returns.

A backend finds and ranks opinion ids; it never loads opinions, checks permissions or cuts
snippets — the service (``app.search.service``) does that, the same way for every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from app.errors import Unavailable
from app.search.document import SearchDocument

# Facets in the order the UI shows them. ``recommendation`` is multi-valued (several per opinion).
FACETS = ("category", "tier", "province", "year", "conclusion", "recommendation")

# BM25F field weights, tuned on the relevance set (tests/search/eval, bench/search_eval.py).
FIELD_BOOSTS: dict[str, float] = {
    "title": 3.0, "facts": 1.0, "summary": 0.8, "findings": 1.5, "analysis": 1.2, "basis": 1.5, "outcome": 1.0,
    "number_text": 2.0,
}


class SearchUnavailable(Unavailable):
    """The index cannot be read (deleted, corrupted): searches answer 503 until it is rebuilt."""

    code = "search_unavailable"

    def __init__(self, reason: str):
        super().__init__(f"类案检索暂不可用（{reason}），请联系系统管理员运行 flask search rebuild 重建索引")


def ordered_counts(counts: dict[str, int]) -> dict[str, int]:
    """A facet's counts as every backend returns them: most frequent first, then by value."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    tier: str | None = None
    region_code: str | None = None  # 320000 = the province, 320100 = the city, 320102 = the county
    year: int | None = None
    conclusion: str | None = None
    recommendation: str | None = None
    law: str | None = None  # the most specific key of ``law_keys`` (e.g. 信访工作条例第33条)
    superseded: bool | None = None
    exclude_case_id: int | None = None


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # or "date" (newest first)
    offset: int = 0
    limit: int = 20
    facets: bool = True


@dataclass(frozen=True)
class SimilarRequest:
    """Weighted words of a case; the same category and province weigh more."""

    terms: tuple[tuple[str, float], ...]
    category: str | None = None
    province_code: str | None = None
    laws: tuple[str, ...] = ()
    exclude_case_id: int | None = None
    limit: int = 10


@dataclass(frozen=True)
class Hit:
    opinion_id: int
    score: float


@dataclass
class SearchPage:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchBackend(Protocol):
    name: str
    # True: ``index``/``delete`` write in the caller's database transaction (committed with it).
    # False: the service calls them right after the commit.
    transactional: bool

    def index(self, docs: Iterable[SearchDocument]) -> None: ...
    def delete(self, opinion_ids: Iterable[int]) -> None: ...
    def search(self, request: SearchRequest) -> SearchPage: ...
    def similar(self, request: SimilarRequest) -> list[Hit]: ...
    def fingerprints(self) -> dict[int, str]: ...
    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int: ...
    def available(self) -> bool: ...
