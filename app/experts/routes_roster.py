"""Roster (专家名册) pages: upload for import, template download, export of the filtered list."""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import TooLarge, UnsupportedType, ValidationFailed
from app.experts import roster
from app.experts.blueprint import bp
from app.experts.filters import filters_from_args
from app.experts.forms import ImportForm
from app.experts.routes_common import require_pool_access
from app.transactions import ui_action
from expert_pool.codes import EXPERT_STATUSES, POOL_TIERS, SPECIALTIES

COLUMN_NOTES = {
    "name": "必填",
    "tier": "必填：" + "、".join(POOL_TIERS.values()) + "（也可写“国家级/省级/市级”）",
    "region_code": "必填：6 位 GB/T 2260 代码，须与层级一致（国家 000000，省 后四位为 0，市 后两位为 0）",
    "employer": "必填",
    "title": "可空",
    "specialties": "必填，可填多个，用顿号“、”分隔，须为下列名称之一",
    "phone": "必填：11 位手机号码",
    "email": "可空",
    "status": "可空（默认在库）：" + "、".join(EXPERT_STATUSES.values()),
    "term_end": "可空：日期，如 2028-12-31",
    "max_open_consultations": "可空（默认 3）：1–20 的整数",
}


def _send(export: roster.Export) -> Response:
    return Response(export.content, mimetype=export.mimetype,
                    headers={"Content-Disposition": export.content_disposition})


COLUMN_ORDER = {header: i for i, (header, _) in enumerate(roster.COLUMNS)}


def _render(form: ImportForm, status: int = 200, result: roster.ImportResult | None = None, filename: str = ""):
    errors = sorted(result.errors, key=lambda e: (e.row, COLUMN_ORDER.get(e.field, -1))) if result else []
    return render_template(
        "experts/import.html", form=form, errors=errors, filename=filename,
        columns=[(header, COLUMN_NOTES.get(name, "")) for header, name in roster.COLUMNS],
        match_key=roster.MATCH_KEY_TEXT, specialty_labels=list(SPECIALTIES.values()),
        max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024), max_rows=roster.MAX_ROWS,
    ), status


@bp.route("/import", methods=["GET", "POST"])
def import_roster():
    require_pool_access()
    form = ImportForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _render(form, 200 if request.method == "GET" else 422)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.add_errors({"file": "请选择要上传的名册文件（.xlsx 或 .csv）"})
        return _render(form, 422)
    filename = roster.clean_filename(upload.filename)

    def run():
        result = roster.import_roster(current_user, filename, upload.stream)
        if result.errors:  # all or nothing: one bad row and the whole file is refused (rolled back)
            raise _RowsRefused(result)
        return result

    def file_refused(err: UnsupportedType | TooLarge | ValidationFailed):  # the file as a whole is refused
        fields = getattr(err, "fields", None) or {}
        form.add_errors({"file": fields.get("file") or "；".join(fields.values()) or err.message})
        return _render(form, err.status, filename=filename)

    return ui_action(run, done=lambda result: result.summary(), to=lambda _: redirect(url_for("experts.import_roster")),
                     on_error={_RowsRefused: lambda err: _render(form, 422, result=err.result, filename=filename),
                               (UnsupportedType, TooLarge, ValidationFailed): file_refused})


class _RowsRefused(ValidationFailed):
    """Some rows of the roster are wrong: nothing is written, the rows' messages are shown."""

    def __init__(self, result):
        super().__init__(message=result.summary())
        self.result = result


@bp.route("/import/template")
def import_template():
    require_pool_access()
    return _send(roster.template_bytes())


@bp.route("/export")
def export():
    require_pool_access()
    try:
        filters = filters_from_args(request.args)
    except ValidationFailed as err:
        raise ValidationFailed(err.fields, "导出条件有误：" + "；".join(err.fields.values())) from None
    fmt = request.args.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise ValidationFailed({"format": "导出格式应为 xlsx 或 csv"}, "导出格式应为 xlsx 或 csv")
    # The export writes its audit entry: committed like any other action.
    return ui_action(lambda: roster.export_roster(current_user, filters, fmt), to=_send)
