"""API: precedent search (类案检索) — full-text search over issued opinions, one precedent's
anonymized text, and the opinions most similar to a case (api.md, "Precedent search")."""

from __future__ import annotations

from flask import jsonify, request

from app.api.core import api_route, current_api_user
from app.cases.services import get_visible_case
from app.errors import ValidationFailed
from app.search import precedents, results
from app.search.similar import similar_for_case

TAG = "search"
SEARCH_QUERY = {
    "q": "检索式：词语、\"精确短语\"、AND / OR / NOT、-排除词",
    "category": "问题类别代码", "tier": "层级 national|provincial|municipal", "region_code": "行政区划代码（省级代码含全省）",
    "year": "印发年份", "conclusion": "审查结论代码", "recommendation": "处理建议代码",
    "law": "引用条文，如 信访工作条例第三十三条", "sort": "relevance|date", "page": "页码", "per_page": "每页条数（≤100）",
}


@api_route("/search/opinions", ["GET"], "类案检索：检索已印发的法律审查意见书（无权查看原事项者得到匿名化结果）",
           query=SEARCH_QUERY, tag=TAG)
def search_opinions():
    params = results.parse_params(request.args, strict=True)
    return jsonify(results.run(current_api_user(), params))


@api_route("/precedents/<dbid:opinion_id>", ["GET"], "类案全文（匿名化）", tag=TAG)
def get_precedent(opinion_id: int):
    user = current_api_user()
    return jsonify(precedents.precedent_dict(user, precedents.get_precedent(opinion_id)))


@api_route("/cases/<dbid:case_id>/similar", ["GET"], "类案推送：与该信访事项最相似的已印发意见书及匹配理由",
           query={"limit": "条数（1–50，默认 10）"}, tag=TAG)
def similar_cases(case_id: int):
    user = current_api_user()
    case = get_visible_case(user, case_id)
    raw = (request.args.get("limit") or "10").strip()
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 50):
        raise ValidationFailed({"limit": "应为 1–50 的整数"})
    return jsonify({"items": similar_for_case(user, case, int(raw))})
