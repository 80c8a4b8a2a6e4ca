"""Attachment pages: upload (re-showing the case page with the reason when refused), download
and delete."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from app.cases import attachments, services
from app.cases.blueprint import bp
from app.cases.forms import AttachmentForm
from app.cases.routes_common import render_detail
from app.errors import Conflict, TooLarge, UnsupportedType, ValidationFailed


@bp.route("/<dbid:case_id>/attachments", methods=["POST"])
def upload_attachment(case_id: int):
    case = services.get_visible_case(current_user, case_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return render_detail(case, attachment_form=form, status=422)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = ["请选择要上传的文件"]
        return render_detail(case, attachment_form=form, status=422)
    try:
        row = attachments.add_attachment(current_user, case, upload.stream, upload.filename, form.description.data or "")
    except (TooLarge, UnsupportedType, ValidationFailed) as err:
        fields = getattr(err, "fields", None) or {}
        form.file.errors = [fields.get("file") or "；".join(fields.values()) or err.message]
        if "description" in fields:
            form.description.errors = [fields["description"]]
        return render_detail(case, attachment_form=form, status=err.status)
    except Conflict as err:
        flash(err.message, "warning")
        return redirect(url_for("cases.detail", case_id=case_id))
    flash(f"已上传附件《{row.filename}》。", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="attachments"))


@bp.route("/<dbid:case_id>/attachments/<dbid:attachment_id>")
def download_attachment(case_id: int, attachment_id: int):
    case = services.get_visible_case(current_user, case_id)
    return attachments.download_response(attachments.get_attachment(case, attachment_id))


@bp.route("/<dbid:case_id>/attachments/<dbid:attachment_id>/delete", methods=["POST"])
def delete_attachment(case_id: int, attachment_id: int):
    case = services.get_visible_case(current_user, case_id)
    row = attachments.get_attachment(case, attachment_id)
    name = row.filename
    try:
        attachments.delete_attachment(current_user, case, row)
    except Conflict as err:
        flash(err.message, "warning")
    else:
        flash(f"已删除附件《{name}》。", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="attachments"))
