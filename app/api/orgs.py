from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import func, select

from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.extensions import db
from app.orgs import queries, services
from app.orgs.schemas import OrganizationIn


@api_route("/organizations", ["POST"], "新增单位", body=OrganizationIn, status=201, roles="admin", tag="organizations")
def create_organization():
    org = services.create_organization(current_api_user(), json_body())
    return jsonify(org.to_dict()), 201


@api_route("/organizations", ["GET"], "单位列表", tag="organizations",
           query={"kind": "单位类型", "tier": "层级", "region_code": "行政区划（含下级）", "q": "名称关键字或行政区划代码开头"})
def list_organizations():
    page, per_page = page_args()
    stmt = queries.list_query(queries.OrganizationFilters(
        **{name: request.args.get(name, "").strip() or None for name in ("kind", "tier", "region_code", "q")}))
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).scalars()
    return page_response([o.to_dict() for o in rows], total, page, per_page)


@api_route("/organizations/<dbid:org_id>", ["GET"], "单位详情", tag="organizations")
def get_organization(org_id: int):
    return jsonify(services.get_organization(org_id).to_dict())


@api_route("/organizations/<dbid:org_id>", ["PATCH"], "修改单位", body=OrganizationIn, roles="admin", tag="organizations")
def update_organization(org_id: int):
    org = services.get_organization(org_id)
    services.update_organization(current_api_user(), org, json_body())
    return jsonify(org.to_dict())
