"""What a search answers: parameters checked, the backend asked, each hit turned into an item with
its snippet — anonymized unless the reader may see the case — and the facets.

The API (``/api/v1/search/opinions``) and the pages (``/search``, ``/opinions``) both use
``parse_params`` and ``run``: one set of rules for what a query may contain and what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.cases.permissions import can_view_case
from app.documents.citations import law_keys
from app.errors import ValidationFailed
from app.extensions import db
from app.opinions.models import Opinion
from app.paging import parse_paging
from app.search.backends.base import FACETS, Filters, Hit, SearchPage, SearchRequest
from app.search.document import TEXT_FIELDS, section_texts
from app.search.highlight import snippet
from app.search.models import OpinionSearchText
from app.search.query import positive_phrases
from app.search import service
from app.timeutil import iso, local
from expert_pool import regions
from expert_pool.codes import CATEGORIES, CONCLUSIONS, POOL_TIERS, RECOMMENDATIONS

MAX_QUERY_CHARS = 200
SORTS = {"relevance": "相关度", "date": "印发日期"}
# Where a snippet is looked for, in order of preference on a tie.
SNIPPET_ORDER = ("findings", "analysis", "facts", "summary", "basis", "outcome", "title", "number_text")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    law_text: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    def request(self, facets: bool = True) -> SearchRequest:
        return SearchRequest(self.q, self.filters, self.sort, (self.page - 1) * self.per_page, self.per_page, facets)


def _choice(args, name: str, allowed, errors: dict, label: str) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        errors[name] = f"{label}不在代码表中"
        return None
    return value


def parse_params(args, *, strict: bool) -> SearchParams:
    """Search parameters from query ``args``. ``strict`` (API): a bad value is a 422 naming the field;
    otherwise (pages) it is dropped, so an old or hand-edited link still shows results."""
    errors: dict[str, str] = {}
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        errors["q"] = f"检索词不超过 {MAX_QUERY_CHARS} 个字"
        q = q[:MAX_QUERY_CHARS]
    region = (args.get("region_code") or "").strip() or None
    if region and regions.validate(region):
        errors["region_code"] = regions.validate(region)
        region = None
    if region == regions.NATIONAL:
        region = None
    year = None
    raw_year = (args.get("year") or "").strip()
    if raw_year:
        if raw_year.isascii() and raw_year.isdigit() and 1949 <= int(raw_year) <= 2999:
            year = int(raw_year)
        else:
            errors["year"] = "年份应为四位数字"
    law_text = (args.get("law") or "").strip()[:MAX_QUERY_CHARS]
    law = None
    if law_text:
        keys = law_keys(law_text)
        law = keys[-1] if keys else law_text  # an unknown citation matches nothing, not everything
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        errors["sort"] = "排序方式应为 relevance 或 date"
        sort = "relevance"
    superseded = {"0": False, "1": True}.get((args.get("superseded") or "").strip())
    filters = Filters(
        category=_choice(args, "category", CATEGORIES, errors, "问题类别"),
        tier=_choice(args, "tier", POOL_TIERS, errors, "层级"),
        region_code=region, year=year,
        conclusion=_choice(args, "conclusion", CONCLUSIONS, errors, "审查结论"),
        recommendation=_choice(args, "recommendation", RECOMMENDATIONS, errors, "处理建议"),
        law=law, superseded=superseded,
    )
    try:
        page, per_page = parse_paging(args, strict=strict)
    except ValidationFailed as exc:
        errors.update(exc.details)
        page, per_page = 1, 20
    if errors and strict:
        raise ValidationFailed(errors)
    return SearchParams(q, filters, law_text, sort, page, per_page)


def _load(hits: list[Hit]) -> tuple[dict[int, Opinion], dict[int, OpinionSearchText]]:
    ids = [h.opinion_id for h in hits]
    if not ids:
        return {}, {}
    opinions = db.session.scalars(select(Opinion).where(Opinion.id.in_(ids), Opinion.status.in_(("issued", "superseded")))
                                  .options(joinedload(Opinion.consultation))).unique().all()
    texts = db.session.scalars(select(OpinionSearchText).where(OpinionSearchText.opinion_id.in_(ids))).all()
    return {o.id: o for o in opinions}, {t.opinion_id: t for t in texts}


def superseded_by(opinion_ids: list[int]) -> dict[int, str]:
    if not opinion_ids:
        return {}
    rows = db.session.execute(select(Opinion.supersedes_id, Opinion.number)
                              .where(Opinion.supersedes_id.in_(opinion_ids), Opinion.status == "issued")).all()
    return {old: number for old, number in rows}  # noqa: C416 (rows are Row objects)


def item(user, opinion: Opinion, stored: OpinionSearchText, score: float, phrases: list[str],
         superseded_by: str | None = None) -> dict:
    """One result: anonymized unless ``user`` may see the case (then the full sections)."""
    case = opinion.consultation.case
    full = can_view_case(user, case)
    if full:
        from app.opinions.issuing import issued_content  # cycle: issuing calls the search service

        sections = section_texts(issued_content(opinion) or {})
        title = opinion.title
    else:
        sections, title = dict(stored.sections), stored.title
    cut = snippet(sections, phrases, SNIPPET_ORDER)
    return {
        "opinion_id": opinion.id, "number": opinion.number, "title": title, "snippet": cut.html,
        "snippet_section": TEXT_FIELDS.get(cut.section or "", ""), "score": round(score, 4),
        "category": case.category, "tier": opinion.consultation.tier, "region_code": case.region_code,
        "issued_at": iso(opinion.issued_at), "issued_on": local(opinion.issued_at).date().isoformat(),
        "conclusion": opinion.conclusion, "recommendations": list(opinion.recommendations or []),
        "superseded": opinion.status == "superseded", "superseded_by": superseded_by, "anonymized": not full,
    }


def items(user, hits: list[Hit], q: str) -> list[dict]:
    opinions, texts = _load(hits)
    replaced = superseded_by([i for i, o in opinions.items() if o.status == "superseded"])
    phrases = positive_phrases(q)
    return [item(user, opinions[h.opinion_id], texts[h.opinion_id], h.score, phrases, replaced.get(h.opinion_id))
            for h in hits if h.opinion_id in opinions and h.opinion_id in texts]


def run(user, params: SearchParams) -> dict:
    page: SearchPage = service.run(lambda search: search.search(params.request()))
    facets = {name: page.facets.get(name, {}) for name in FACETS}
    return {"total": page.total, "page": params.page, "per_page": params.per_page,
            "items": items(user, page.hits, params.q), "facets": facets}


def with_page(params: SearchParams, page: int) -> SearchParams:
    return replace(params, page=page)
