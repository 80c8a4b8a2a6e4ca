"""The document fonts report (admins): which font prints each role of the opinion — the
official one when the office installed it, else which open fallback."""

from __future__ import annotations

from flask import current_app, render_template

from app.admin.blueprint import bp
from app.documents.fonts import font_report


@bp.route("/fonts")
def fonts():
    rows = font_report(current_app.config.get("DOCUMENT_FONTS_DIR") or None)
    return render_template("admin/fonts.html", rows=rows, all_official=all(r.official for r in rows))
