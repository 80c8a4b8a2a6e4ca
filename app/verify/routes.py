"""验真 pages, open to everyone (no sign-in): the page a QR code opens, and the upload form.
Every request counts against the address's limit (``VERIFY_RATE_PER_MINUTE``)."""

from __future__ import annotations

from flask import render_template, request

from app.errors import TooLarge
from app.verify import services
from app.verify.blueprint import bp
from app.verify.forms import VerifyUploadForm
from app.verify.routes_common import MAX_PDF_BYTES, limit


@bp.route("", methods=["GET", "POST"])
def upload():
    limit()
    form = VerifyUploadForm()
    verdict = None
    if form.validate_on_submit():
        data = request.files["file"].read(MAX_PDF_BYTES + 1)
        if len(data) > MAX_PDF_BYTES:
            raise TooLarge(f"文件超过 {MAX_PDF_BYTES // 1024 // 1024} MB")
        verdict = services.verify_pdf(data)
    status = 422 if form.is_submitted() and verdict is None else 200
    return render_template("verify/upload.html", form=form, verdict=verdict), status


@bp.route("/<code>")
def code_page(code: str):
    limit()
    record = services.lookup(code)
    return render_template("verify/code.html", record=record, code=code[:40]), 200 if record else 404
