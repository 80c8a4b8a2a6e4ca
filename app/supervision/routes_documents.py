"""Printed documents: a supervision notice (督办单) and the monthly bulletin (督办通报) as GB/T 9704 PDFs."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request
from flask_login import current_user

from app import clock
from app.supervision import printing, services
from app.supervision.blueprint import bp
from app.supervision.routes_common import page_filters, require_viewer


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}"})


@bp.route("/notices/<dbid:notice_id>/pdf")
def notice_pdf(notice_id: int):
    notice = services.get_notice(current_user, notice_id)
    return _pdf(printing.notice_pdf(notice), f"督办单{notice.number}.pdf")


@bp.route("/bulletin.pdf")
def bulletin():
    require_viewer()
    f, _, _ = page_filters()
    today = clock.today()
    month = request.args.get("month") or f"{today.year}-{today.month:02d}"
    return _pdf(printing.bulletin_pdf(current_user, month, f, today), f"督办通报{month}.pdf")
