"""API: the case ledger (台账) — register, list, read, edit, extend the deadline, close,
timeline, attachments and the .xlsx export (api.md, "Cases")."""

from __future__ import annotations

from flask import Response, jsonify, request

from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.cases import attachments, ledger, personal, queries, services, timeline
from app.cases.serialize import attachment_to_dict, case_to_dict
from app.cases.schemas import CaseIn, CasePatchIn, CloseIn
from app.supervision import services as extension_services
from app.supervision.schemas import ExtensionIn

TAG = "cases"
LIST_QUERY = {"status": "状态：registered / consulting / opinion_issued / closed", "category": "问题类别代码",
              "region_code": "行政区划代码（含下级）", "overdue": "true：已超过办理期限且未办结", "q": "标题、事项编号或信访人姓名关键字",
              "page": "页码", "per_page": "每页条数（≤100）"}
EDITORS = "admin, agency（承办单位为本单位）, officer（本辖区）"


def _optional_body() -> dict:
    return json_body() if request.get_data() else {}


@api_route("/cases", ["POST"], "登记信访事项", body=CaseIn, status=201, roles=EDITORS, tag=TAG)
def create_case():
    case = services.create_case(current_api_user(), json_body())
    return jsonify(case_to_dict(case)), 201


@api_route("/cases", ["GET"], "信访事项台账（本单位/本辖区可见的事项；信访人个人信息对非本案工作人员脱敏，完整查看记入审计日志）",
           query=LIST_QUERY, tag=TAG, writes=True)
def list_cases():
    page, per_page = page_args()
    user = current_api_user()
    stmt = queries.list_query(user, queries.filters_from_args(request.args))
    items, total = queries.paginate(stmt, page, per_page)
    return page_response([case_to_dict(c, attachments=False, petitioners=personal.shown_petitioners(user, c, "API 台账列表"))
                          for c in items], total, page, per_page)


@api_route("/cases/export", ["GET"], "导出信访事项台账（.xlsx，按筛选条件）", query={"format": "xlsx", **LIST_QUERY},
           roles="admin, agency, officer", tag=TAG, content_type=ledger.XLSX_MIMETYPE, writes=True)
def export_cases():
    export = ledger.export_ledger(current_api_user(), queries.filters_from_args(request.args),
                                  request.args.get("format", "xlsx"))
    return Response(export.content, mimetype=export.mimetype,
                    headers={"Content-Disposition": export.content_disposition})


@api_route("/cases/<dbid:case_id>", ["GET"], "信访事项详情（含信访人、附件、办理期限；信访人个人信息对专家脱敏，完整查看记入审计日志）",
           tag=TAG, writes=True)
def get_case(case_id: int):
    user = current_api_user()
    case = services.get_visible_case(user, case_id)
    return jsonify(case_to_dict(case, petitioners=personal.shown_petitioners(user, case, "API 事项详情")))


@api_route("/cases/<dbid:case_id>", ["PATCH"], "修改信访事项（须带读取时的 version；过期 → 409 stale_version）",
           body=CasePatchIn, roles=EDITORS, tag=TAG)
def update_case(case_id: int):
    user = current_api_user()
    case = services.get_visible_case(user, case_id)
    services.update_case(user, case, json_body())
    return jsonify(case_to_dict(case))


@api_route("/cases/<dbid:case_id>/extend", ["POST"],
           "申请延长办理期限（同 POST /cases/{id}/extensions：承办单位申请，辖区信访部门审批后期限才延长）",
           body=ExtensionIn, status=201, roles="agency（承办单位）", tag=TAG)
def extend_case(case_id: int):
    """The older name of the extension request (issue 10): it no longer moves the deadline itself."""
    row = extension_services.request_extension(current_api_user(), case_id, json_body())
    return jsonify(row.to_dict()), 201


@api_route("/cases/<dbid:case_id>/close", ["POST"], "办结信访事项", body=CloseIn, roles=EDITORS, tag=TAG)
def close_case(case_id: int):
    user = current_api_user()
    case = services.get_visible_case(user, case_id)
    services.close_case(user, case, _optional_body())
    return jsonify(case_to_dict(case))


@api_route("/cases/<dbid:case_id>/reopen", ["POST"], "撤销办结（恢复为已登记）", roles="admin", tag=TAG)
def reopen_case(case_id: int):
    user = current_api_user()
    case = services.get_visible_case(user, case_id)
    services.reopen_case(user, case)
    return jsonify(case_to_dict(case))


@api_route("/cases/<dbid:case_id>/timeline", ["GET"], "信访事项时间线（最新在前）", tag=TAG)
def case_timeline(case_id: int):
    case = services.get_visible_case(current_api_user(), case_id)
    return jsonify({"items": [item.to_dict() for item in timeline.timeline(case)]})


@api_route("/cases/<dbid:case_id>/attachments", ["GET"], "附件列表", tag=TAG)
def list_attachments(case_id: int):
    case = services.get_visible_case(current_api_user(), case_id)
    return jsonify({"items": [attachment_to_dict(a) for a in case.attachments]})


@api_route("/cases/<dbid:case_id>/attachments", ["POST"],
           "上传附件（multipart：file，description 可选；仅 PDF/DOCX/JPG/PNG，按内容识别）", status=201,
           roles=EDITORS, tag=TAG, file_upload=True)
def upload_attachment(case_id: int):
    user = current_api_user()
    case = services.get_visible_case(user, case_id)
    upload = request.files.get("file")
    row = attachments.add_attachment(user, case, upload.stream if upload else None,
                                     upload.filename if upload else "", request.form.get("description", ""))
    return jsonify(attachment_to_dict(row)), 201


@api_route("/cases/<dbid:case_id>/attachments/<dbid:attachment_id>", ["GET"], "下载附件", tag=TAG,
           content_type="application/octet-stream")
def download_attachment(case_id: int, attachment_id: int):
    case = services.get_visible_case(current_api_user(), case_id)
    return attachments.download_response(attachments.get_attachment(case, attachment_id))


@api_route("/cases/<dbid:case_id>/attachments/<dbid:attachment_id>", ["DELETE"], "删除附件", status=204,
           roles=EDITORS, tag=TAG)
def delete_attachment(case_id: int, attachment_id: int):
    user = current_api_user()
    case = services.get_visible_case(user, case_id)
    attachments.delete_attachment(user, case, attachments.get_attachment(case, attachment_id))
    return "", 204

