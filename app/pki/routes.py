"""签章管理: every petition office's signing certificate and seal; seal upload and certificate
rotation (through app.pki.services, one transaction each)."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.orgs.models import Organization
from app.pki import crypto, services, store
from app.pki.blueprint import bp
from app.pki.forms import SealUploadForm
from app.pki.seal import MAX_BYTES
from app.transactions import ui_action


def _offices() -> list[Organization]:
    return list(db.session.execute(select(Organization).where(Organization.kind == "petition_office")
                                   .order_by(Organization.region_code, Organization.id)).scalars())


def _page(form: SealUploadForm | None = None, target: int | None = None, status: int = 200):
    root = store.root_cert()
    offices = _offices()
    return render_template("pki/index.html", offices=offices, form=form or SealUploadForm(), target=target,
                           root=root, root_fp=crypto.fingerprint(root) if root else None,
                           certs={o.id: services.active_certificate(o.id) for o in offices},
                           seals={o.id: services.active_seal(o.id) for o in offices},
                           history=services.certificates()), status


@bp.route("")
def index():
    return _page()


@bp.route("/offices/<dbid:org_id>/seal", methods=["POST"])
def upload_seal(org_id: int):
    office = services.get_office(org_id)
    form = SealUploadForm()
    if not form.validate_on_submit():
        return _page(form, office.id, 422)

    def invalid(err: ValidationFailed):
        form.file.errors = [*form.file.errors, *err.fields.values()] if err.fields else [err.message]
        return _page(form, office.id, 422)

    data = form.file.data.read(MAX_BYTES + 1)
    return ui_action(lambda: services.upload_seal(current_user, office, data), done=f"已上传{office.name}的印章。",
                     to=lambda _: redirect(url_for("pki.index")), on_invalid=invalid)


@bp.route("/offices/<dbid:org_id>/seal.png")
def seal_image(org_id: int):
    seal = services.active_seal(services.get_office(org_id).id)
    if seal is None:
        abort(404)
    response = Response(seal.data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/offices/<dbid:org_id>/rotate", methods=["POST"])
def rotate(org_id: int):
    office = services.get_office(org_id)
    return ui_action(lambda: services.rotate(office), done=lambda c: f"已轮换{office.name}的签章证书（新序列号 {c.serial[:16]}）。",
                     to=lambda _: redirect(url_for("pki.index")), back=lambda: redirect(url_for("pki.index")))
