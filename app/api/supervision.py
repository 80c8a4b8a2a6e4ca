"""API: supervision (督办) — deadlines, extension requests and decisions, supervision notices and
replies, the statistics overview (api.md, "Supervision")."""

from __future__ import annotations

from flask import jsonify, request

from app import clock
from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.errors import Forbidden, ValidationFailed
from app.supervision import filters as F
from app.supervision import permissions as perm
from app.supervision import queries as Q
from app.supervision import services, stats
from app.supervision.schemas import DecisionIn, ExtensionIn, NoticeIn, ReplyIn

TAG = "supervision"
DEADLINE_QUERY = {"scope": "case / consultation / notice（默认全部）", "state": "due_soon / overdue / escalated（默认全部未到期与已超期）",
                  "region_code": "行政区划代码（含下级）", "category": "问题类别代码", "page": "页码", "per_page": "每页条数（≤100）"}
STATS_QUERY = {"from": "登记/申请日期起（YYYY-MM-DD）", "to": "登记/申请日期止", "region_code": "行政区划代码（含下级）",
               "category": "问题类别代码"}


def _viewer():
    user = current_api_user()
    if not perm.can_view_supervision(user):
        raise Forbidden("无权查看督办信息")
    return user


@api_route("/deadlines", ["GET"], "期限事项（即将到期、已超期），仅限本单位/本辖区", query=DEADLINE_QUERY, tag=TAG)
def list_deadlines():
    user = _viewer()
    page, per_page = page_args()
    scope, state = request.args.get("scope") or None, request.args.get("state") or None
    errors = {}
    if scope is not None and scope not in Q.SCOPES:
        errors["scope"] = "应为 case、consultation 或 notice"
    if state is not None and state not in Q.STATES:
        errors["state"] = "应为 due_soon、overdue 或 escalated"
    if errors:
        raise ValidationFailed(errors)
    items, total = Q.list_items(user, Q.kinds_for(scope), state, clock.today(), F.from_args(request.args), page, per_page)
    return page_response([i.to_dict() for i in items], total, page, per_page)


@api_route("/cases/<dbid:case_id>/extensions", ["POST"], "申请延长办理期限（承办单位）", body=ExtensionIn, status=201,
           roles="agency（承办单位）", tag=TAG)
def request_extension(case_id: int):
    row = services.request_extension(current_api_user(), case_id, json_body())
    return jsonify(row.to_dict()), 201


@api_route("/extensions/<dbid:extension_id>/decision", ["POST"], "审批延期申请（辖区信访部门）", body=DecisionIn,
           roles="officer（辖区）", tag=TAG)
def decide_extension(extension_id: int):
    row = services.decide_extension(current_api_user(), extension_id, json_body())
    return jsonify(row.to_dict() | {"case_due_on": row.case.due_date.isoformat() if row.case.due_date else None})


@api_route("/cases/<dbid:case_id>/supervision-notices", ["POST"], "发出督办单（辖区信访部门）", body=NoticeIn, status=201,
           roles="officer（辖区）", tag=TAG)
def issue_notice(case_id: int):
    notice = services.issue_notice(current_api_user(), case_id, json_body())
    return jsonify(notice.to_dict()), 201


@api_route("/supervision-notices/<dbid:notice_id>", ["GET"], "督办单详情", tag=TAG)
def get_notice(notice_id: int):
    return jsonify(services.get_notice(current_api_user(), notice_id).to_dict())


@api_route("/supervision-notices/<dbid:notice_id>/reply", ["POST"], "回复督办单（被督办的承办单位）", body=ReplyIn, status=201,
           roles="agency（被督办单位）", tag=TAG)
def reply_notice(notice_id: int):
    notice = services.reply_notice(current_api_user(), notice_id, json_body())
    return jsonify(notice.to_dict()), 201


@api_route("/stats/overview", ["GET"], "督办统计概览（仅本单位/本辖区）", query=STATS_QUERY, tag=TAG)
def stats_overview():
    user = _viewer()
    return jsonify(stats.overview(user, F.from_args(request.args), clock.today()))
