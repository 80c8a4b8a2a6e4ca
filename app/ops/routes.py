"""``GET /healthz`` (public, no personal data) and ``GET /metrics`` (admins or localhost)."""

from __future__ import annotations

from flask import Response, jsonify

from app.errors import Forbidden, Unavailable
from app.ops import access, health, metrics
from app.ops.blueprint import bp


@bp.get("/healthz")
def healthz():
    body, healthy = health.report()
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def prometheus_metrics():
    if not access.may_read_metrics():
        raise Forbidden("仅管理员或本机可读取运行指标")
    try:
        payload, content_type = metrics.exposition()
    except (OSError, ValueError) as exc:  # PROMETHEUS_MULTIPROC_DIR missing or unreadable
        raise Unavailable("运行指标暂不可用：指标目录无法读取", code="metrics_unavailable") from exc
    return Response(payload, content_type=content_type, headers={"Cache-Control": "no-store"})
