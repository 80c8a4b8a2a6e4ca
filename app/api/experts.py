from __future__ import annotations

from flask import Response, jsonify, request

from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.errors import ValidationFailed, error_body
from app.experts import roster, services
from app.experts.filters import filters_from_args
from app.experts.schemas import ConflictIn, ExpertIn, UnavailabilityIn
from app.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE

LIST_QUERY = {"tier": "层级", "region_code": "行政区划（含下级）", "specialty": "专业领域代码", "status": "状态",
              "q": "姓名或工作单位关键字", "page": "页码", "per_page": "每页条数（≤100）"}


@api_route("/experts", ["GET"], "专家列表（本辖区）", query=LIST_QUERY, roles="admin, officer", tag="experts")
def list_experts():
    page, per_page = page_args()
    stmt = services.list_query(current_api_user(), filters_from_args(request.args))
    items, total = services.paginate(stmt, page, per_page)
    return page_response([e.to_dict() for e in items], total, page, per_page)


@api_route("/experts", ["POST"], "新增专家", body=ExpertIn, status=201, roles="admin, officer（本级本辖区）", tag="experts")
def create_expert():
    expert = services.create_expert(current_api_user(), json_body())
    return jsonify(expert.to_dict()), 201


@api_route("/experts/<dbid:expert_id>", ["GET"], "专家详情", tag="experts")
def get_expert(expert_id: int):
    expert = services.get_visible(current_api_user(), expert_id)
    data = expert.to_dict()
    data["conflicts"] = [c.to_dict() for c in expert.conflicts]
    data["unavailability"] = [u.to_dict() for u in expert.unavailability]
    return jsonify(data)


@api_route("/experts/<dbid:expert_id>", ["PATCH"], "修改专家（含暂停、退出；可带 version 检测并发修改）",
           body=ExpertIn, roles="admin, officer（本级本辖区）", tag="experts")
def update_expert(expert_id: int):
    user = current_api_user()
    expert = services.get_visible(user, expert_id)
    services.update_expert(user, expert, json_body())
    return jsonify(expert.to_dict())


@api_route("/experts/import", ["POST"], "导入专家名册（.xlsx 或 .csv，multipart 字段 file）", status=200,
           roles="admin, officer", tag="experts", file_upload=True)
def import_experts():
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed({"file": "请上传名册文件（字段名 file）"})
    result = roster.import_roster(current_api_user(), upload.filename or "", upload.stream)
    if result.errors:  # a 422 answer: the transaction boundary rolls the whole file back
        body = {"created": 0, "updated": 0, "errors": result.errors_as_dicts(),
                **error_body("import_invalid", result.summary(), {"errors": result.errors_as_dicts()})}
        return jsonify(body), 422
    return jsonify({"created": result.created, "updated": result.updated, "errors": []})


@api_route("/experts/export", ["GET"], "导出专家名册", query={"format": "xlsx 或 csv", **LIST_QUERY},
           roles="admin, officer", tag="experts", content_type=(XLSX_MIMETYPE, CSV_MIMETYPE), writes=True)
def export_experts():
    fmt = request.args.get("format", "xlsx")
    export = roster.export_roster(current_api_user(), filters_from_args(request.args), fmt)
    return Response(export.content, mimetype=export.mimetype,
                    headers={"Content-Disposition": export.content_disposition})


@api_route("/experts/<dbid:expert_id>/conflicts", ["POST"], "申报回避（利益冲突）", body=ConflictIn, status=201, tag="experts")
def add_conflict(expert_id: int):
    user = current_api_user()
    expert = services.get_visible(user, expert_id)
    row = services.add_conflict(user, expert, json_body())
    return jsonify(row.to_dict()), 201


@api_route("/experts/<dbid:expert_id>/conflicts", ["GET"], "回避申报列表", tag="experts")
def list_conflicts(expert_id: int):
    expert = services.get_visible(current_api_user(), expert_id)
    return jsonify({"items": [c.to_dict() for c in expert.conflicts]})


@api_route("/experts/<dbid:expert_id>/conflicts/<dbid:conflict_id>", ["DELETE"], "撤回回避申报", status=204, tag="experts")
def delete_conflict(expert_id: int, conflict_id: int):
    user = current_api_user()
    services.delete_conflict(user, services.get_visible(user, expert_id), conflict_id)
    return "", 204


@api_route("/experts/<dbid:expert_id>/unavailability", ["POST"], "登记不可出席时段", body=UnavailabilityIn, status=201, tag="experts")
def add_unavailability(expert_id: int):
    user = current_api_user()
    expert = services.get_visible(user, expert_id)
    row = services.add_unavailability(user, expert, json_body())
    return jsonify(row.to_dict()), 201


@api_route("/experts/<dbid:expert_id>/unavailability", ["GET"], "不可出席时段列表", tag="experts")
def list_unavailability(expert_id: int):
    expert = services.get_visible(current_api_user(), expert_id)
    return jsonify({"items": [u.to_dict() for u in expert.unavailability]})


@api_route("/experts/<dbid:expert_id>/unavailability/<dbid:row_id>", ["DELETE"], "删除不可出席时段", status=204, tag="experts")
def delete_unavailability(expert_id: int, row_id: int):
    user = current_api_user()
    services.delete_unavailability(user, services.get_visible(user, expert_id), row_id)
    return "", 204
