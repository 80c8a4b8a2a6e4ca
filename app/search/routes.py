"""Search pages: 类案检索 (``/search``), the issued-opinions library (``/opinions``, newest first) and
one precedent in its anonymized form (``/precedents/<id>``); plus the similar-cases panel that the
case, consultation and opinion pages include.

The state of a search lives in the URL (query, filters, sort, page), so a search can be
bookmarked and shared; bad values in a hand-edited link are dropped, not an error.
"""

from __future__ import annotations

import logging

from flask import render_template, request, url_for
from flask_login import current_user, login_required

from app.search import precedents, results
from app.search.backends.base import FACETS, SearchUnavailable
from app.search.blueprint import bp
from app.search.document import TEXT_FIELDS
from app.search.similar import similar_for_case
from expert_pool import codes, regions

log = logging.getLogger(__name__)

FACET_LABELS = {"category": "问题类别", "tier": "层级", "province": "省份", "year": "印发年份", "conclusion": "审查结论",
                "recommendation": "处理建议"}
PARAM_OF_FACET = {"province": "region_code"}  # the facet whose filter parameter has another name
KEPT_ARGS = ("q", "category", "tier", "region_code", "year", "conclusion", "recommendation", "law", "sort", "per_page",
             "superseded")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every search page needs a signed-in user (anonymous → the sign-in page)."""


def _args() -> dict[str, str]:
    return {k: request.args[k].strip() for k in KEPT_ARGS if (request.args.get(k) or "").strip()}


def _page(mode: str):
    args = _args()
    library_default = mode == "library" and "sort" not in args  # the library lists newest first
    params = results.parse_params({**request.args, "sort": "date"} if library_default else request.args, strict=False)
    found, unavailable = None, None
    try:
        found = results.run(current_user, params)
    except SearchUnavailable as exc:
        unavailable = exc.message
    endpoint = "search.library" if mode == "library" else "search.search"

    def with_arg(key: str, value=None) -> str:
        """This search's URL with ``key`` set to ``value`` (removed when None), back on page 1."""
        changed = {k: v for k, v in args.items() if k != key}
        if value is not None:
            changed[key] = value
        return url_for(endpoint, **changed)

    return render_template("search/index.html", mode=mode, endpoint=endpoint, params=params, args=args, found=found,
                           unavailable=unavailable, facet_names=FACETS, facet_labels=FACET_LABELS,
                           param_of_facet=PARAM_OF_FACET, sorts=results.SORTS, with_arg=with_arg,
                           facet_value_label=facet_value_label)


def facet_value_label(facet: str, value: str) -> str:
    labels = {"category": codes.CATEGORIES, "tier": codes.POOL_TIERS, "conclusion": codes.CONCLUSIONS,
              "recommendation": codes.RECOMMENDATIONS}.get(facet)
    if labels is not None:
        return labels.get(value, value)
    if facet == "province":
        return regions.name(value)
    return f"{value}年" if facet == "year" else value


@bp.route("/search")
def search():
    return _page("search")


@bp.route("/opinions")
def library():
    return _page("library")


@bp.route("/precedents/<dbid:opinion_id>")
def precedent(opinion_id: int):
    opinion = precedents.get_precedent(opinion_id)
    data = precedents.precedent_dict(current_user, opinion)
    return render_template("search/precedent.html", p=data, opinion=opinion, section_labels=TEXT_FIELDS)


@bp.app_template_global("similar_precedents")
def similar_precedents(case, limit: int = 5) -> dict:
    """For the similar-cases panel: ``{"items": [...]}`` or ``{"error": message}`` — a page that
    includes the panel still renders when search is down."""
    try:
        return {"items": similar_for_case(current_user, case, limit)}
    except SearchUnavailable as exc:
        return {"error": exc.message}
    except Exception:  # the panel is an aid: never let it take the case page down
        log.exception("similar cases failed for case %s", getattr(case, "id", None))
        return {"error": "类案推送暂不可用"}
