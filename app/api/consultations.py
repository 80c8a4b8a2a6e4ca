"""API: consultation requests, the verifiable panel draw, escalation, invitations, ratings."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.consultations import panel, queries, services
from app.consultations.models import ExpertRating
from app.consultations.schemas import ConsultationIn, InvitationResponse, PanelRequest, RatingIn, ReasonIn, ReservesRequest
from app.consultations.serialize import consultation_dict, draw_dict, panel_dict
from app.errors import NotFound
from app.extensions import db
from app.timeutil import iso

TAG = "consultations"


def _optional_body() -> dict:
    return json_body() if request.get_data() else {}


@api_route("/cases/<dbid:case_id>/consultations", ["POST"], "为信访事项申请法律审查会商", body=ConsultationIn, status=201,
           roles="agency（本单位事项）, officer（本辖区）", tag=TAG)
def create_consultation(case_id: int):
    user = current_api_user()
    case = services.get_case_for_request(user, case_id)
    c = services.create(user, case, json_body())
    return jsonify(consultation_dict(c)), 201


@api_route("/consultations", ["GET"], "会商列表（本人可见；待受理、紧急的在前，新的在前）", tag=TAG,
           query={"status": "状态", "queue": "true：仅本单位承办的", "case_id": "信访事项", "page": "页码", "per_page": "每页条数"})
def list_consultations():
    user = current_api_user()
    page, per_page = page_args()
    filters = queries.filters_from_api_args(request.args)
    rows, total = queries.paginate(queries.list_query(user, filters), page, per_page)
    return page_response([consultation_dict(c, include_panel=False) for c in rows], total, page, per_page)


@api_route("/consultations/<dbid:consultation_id>", ["GET"], "会商详情（含专家组、会议）", tag=TAG)
def get_consultation(consultation_id: int):
    return jsonify(consultation_dict(services.get_visible(current_api_user(), consultation_id)))


@api_route("/consultations/<dbid:consultation_id>", ["PATCH"], "修改会商申请（退回补正后修改即重新提交）", body=ConsultationIn,
           roles="agency, officer", tag=TAG)
def amend_consultation(consultation_id: int):
    user = current_api_user()
    c = services.amend(user, services.get_visible(user, consultation_id, for_update=True), json_body())
    return jsonify(consultation_dict(c))


def _transition(consultation_id: int, action, with_body: bool = True):
    user = current_api_user()
    c = services.get_visible(user, consultation_id, for_update=True)
    result = action(user, c, json_body()) if with_body else action(user, c)
    return result, c


@api_route("/consultations/<dbid:consultation_id>/return", ["POST"], "退回补正", body=ReasonIn, roles="officer（承办单位）", tag=TAG)
def return_consultation(consultation_id: int):
    _, c = _transition(consultation_id, services.return_for_completion)
    return jsonify(consultation_dict(c))


@api_route("/consultations/<dbid:consultation_id>/accept", ["POST"], "受理会商申请", roles="officer（承办单位）", tag=TAG)
def accept_consultation(consultation_id: int):
    _, c = _transition(consultation_id, services.accept, with_body=False)
    return jsonify(consultation_dict(c))


@api_route("/consultations/<dbid:consultation_id>/withdraw", ["POST"], "撤回会商申请", body=ReasonIn, roles="agency", tag=TAG)
def withdraw_consultation(consultation_id: int):
    _, c = _transition(consultation_id, services.withdraw)
    return jsonify(consultation_dict(c))


@api_route("/consultations/<dbid:consultation_id>/close", ["POST"], "会商办结", body=ReasonIn, roles="officer（承办单位）", tag=TAG)
def close_consultation(consultation_id: int):
    _, c = _transition(consultation_id, services.close)
    return jsonify(consultation_dict(c))


@api_route("/consultations/<dbid:consultation_id>/escalate", ["POST"], "申请上级专家库援助", body=ReasonIn, status=201,
           roles="officer（承办单位）", tag=TAG)
def escalate_consultation(consultation_id: int):
    esc, c = _transition(consultation_id, services.escalate)
    body = consultation_dict(c)
    body["escalation"] = {"id": esc.id, "from_office_id": esc.from_office_id, "to_office_id": esc.to_office_id,
                          "from_tier": esc.from_tier, "to_tier": esc.to_tier, "reason": esc.reason,
                          "created_at": iso(esc.created_at)}
    return jsonify(body), 201


@api_route("/consultations/<dbid:consultation_id>/panel", ["POST"], "随机抽取专家组（可复核）", body=PanelRequest, status=201,
           roles="officer（承办单位）", tag=TAG)
def draw_panel(consultation_id: int):
    user = current_api_user()
    c = services.get_visible(user, consultation_id, for_update=True)
    panel.draw(user, c, _optional_body())
    return jsonify(panel_dict(c)), 201


@api_route("/consultations/<dbid:consultation_id>/panel", ["GET"], "专家组", tag=TAG)
def get_panel(consultation_id: int):
    c = services.get_visible(current_api_user(), consultation_id)
    data = panel_dict(c)
    if data is None:
        raise NotFound("该会商尚未抽取专家组")
    return jsonify(data)


@api_route("/consultations/<dbid:consultation_id>/panel/verify", ["GET"], "复核抽取结果：按记录的种子和候选名单重算", tag=TAG)
def verify_panel(consultation_id: int):
    c = services.get_visible(current_api_user(), consultation_id)
    return jsonify(panel.verify(c))


@api_route("/consultations/<dbid:consultation_id>/panel/reserves", ["POST"], "候补用尽时追加抽取候补专家（新的可复核抽取）",
           body=ReservesRequest, status=201, roles="officer（承办单位）", tag=TAG)
def draw_reserves(consultation_id: int):
    user = current_api_user()
    c = services.get_visible(user, consultation_id, for_update=True)
    record = panel.draw_more_reserves(user, c, _optional_body())
    body = panel_dict(c)
    body["new_draw"] = draw_dict(record)
    return jsonify(body), 201


@api_route("/consultations/<dbid:consultation_id>/invitations/<dbid:expert_id>", ["POST"], "专家接受或谢绝会商邀请",
           body=InvitationResponse, roles="该专家本人, officer（承办单位）", tag=TAG)
def respond_invitation(consultation_id: int, expert_id: int):
    user = current_api_user()
    c = services.get_visible(user, consultation_id, for_update=True)
    panel.respond(user, c, expert_id, json_body())
    return jsonify(panel_dict(c))


@api_route("/consultations/<dbid:consultation_id>/ratings", ["POST"], "评价专家组成员（0–100 分）", body=RatingIn, status=201,
           roles="officer（承办单位）", tag=TAG)
def rate_expert(consultation_id: int):
    user = current_api_user()
    c = services.get_visible(user, consultation_id)
    rating = services.rate(user, c, json_body())
    return jsonify({"id": rating.id, "consultation_id": c.id, "expert_id": rating.expert_id, "score": rating.score,
                    "comment": rating.comment}), 201


@api_route("/consultations/<dbid:consultation_id>/ratings", ["GET"], "本次会商的专家评价", tag=TAG)
def list_ratings(consultation_id: int):
    c = services.get_visible(current_api_user(), consultation_id)
    rows = db.session.execute(select(ExpertRating).where(ExpertRating.consultation_id == c.id)).scalars()
    return jsonify({"items": [{"expert_id": r.expert_id, "score": r.score, "comment": r.comment} for r in rows]})
