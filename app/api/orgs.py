from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import func, select

from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.extensions import db
from app.orgs import services
from app.orgs.models import Organization
from app.orgs.schemas import OrganizationIn


@api_route("/organizations", ["POST"], "新增单位", body=OrganizationIn, status=201, roles="admin", tag="organizations")
def create_organization():
    org = services.create_organization(current_api_user(), json_body())
    return jsonify(org.to_dict()), 201


@api_route("/organizations", ["GET"], "单位列表", tag="organizations",
           query={"kind": "单位类型", "tier": "层级", "region_code": "行政区划（含下级）", "q": "名称关键字"})
def list_organizations():
    page, per_page = page_args()
    stmt = select(Organization)
    if request.args.get("kind"):
        stmt = stmt.where(Organization.kind == request.args["kind"])
    if request.args.get("tier"):
        stmt = stmt.where(Organization.tier == request.args["tier"])
    if request.args.get("region_code"):
        stmt = stmt.where(Organization.region_code.startswith(request.args["region_code"].rstrip("0")))
    if request.args.get("q"):
        stmt = stmt.where(Organization.name.like(f"%{request.args['q']}%"))
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = db.session.execute(stmt.order_by(Organization.region_code, Organization.id)
                              .limit(per_page).offset((page - 1) * per_page)).scalars()
    return page_response([o.to_dict() for o in rows], total, page, per_page)


@api_route("/organizations/<dbid:org_id>", ["GET"], "单位详情", tag="organizations")
def get_organization(org_id: int):
    return jsonify(services.get_organization(org_id).to_dict())


@api_route("/organizations/<dbid:org_id>", ["PATCH"], "修改单位", body=OrganizationIn, roles="admin", tag="organizations")
def update_organization(org_id: int):
    org = services.get_organization(org_id)
    services.update_organization(current_api_user(), org, json_body())
    return jsonify(org.to_dict())
