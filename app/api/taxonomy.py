from __future__ import annotations

from flask import jsonify

from app.api.core import api_route
from expert_pool import codes


@api_route("/taxonomy", ["GET"], "代码表：问题类别、专业领域、三跨三分离、定性、处理建议等", tag="taxonomy")
def taxonomy():
    return jsonify({
        "categories": codes.as_items(codes.CATEGORIES),
        "specialties": codes.as_items(codes.SPECIALTIES),
        "cross_flags": codes.as_items(codes.CROSS_FLAGS),
        "conclusions": codes.as_items(codes.CONCLUSIONS),
        "recommendations": codes.as_items(codes.RECOMMENDATIONS),
        "tiers": codes.as_items(codes.ORG_TIERS),
        "expert_statuses": codes.as_items(codes.EXPERT_STATUSES),
        "organization_kinds": codes.as_items(codes.ORG_KINDS),
        "roles": codes.as_items(codes.ROLES),
        "recusal_reasons": codes.as_items(codes.RECUSAL_REASONS),
    })
