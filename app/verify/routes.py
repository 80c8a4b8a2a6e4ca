"""验真 pages, open to everyone (no sign-in): the page a QR code opens, and the upload form.
Every request counts against the address's limit (``VERIFY_RATE_PER_MINUTE``)."""

from __future__ import annotations

from flask import render_template, request

from app.verify import services
from app.verify.blueprint import bp
from app.verify.forms import VerifyUploadForm
from app.verify.routes_common import limit, read_pdf


@bp.route("", methods=["GET", "POST"])
def upload():
    limit()
    form = VerifyUploadForm()
    verdict = None
    if form.validate_on_submit():
        verdict = services.verify_pdf(read_pdf(request.files["file"]))
    status = 422 if form.is_submitted() and verdict is None else 200
    return render_template("verify/upload.html", form=form, verdict=verdict), status


@bp.route("/<code>")
def code_page(code: str):
    limit()
    record = services.lookup(code)
    return render_template("verify/code.html", record=record, code=code[:40]), 200 if record else 404
