from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import func, select

from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.auth import accounts, queries
from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.routing import parse_id
from expert_pool.codes import ROLES


@api_route("/users", ["POST"], "新增用户", body=accounts.UserIn, status=201, roles="admin", tag="users")
def create_user():
    user = accounts.create_user(current_api_user(), json_body())
    return jsonify(user.to_dict()), 201


@api_route("/users", ["GET"], "用户列表（按角色、用户名）", roles="admin", tag="users",
           query={"role": "角色", "organization_id": "所属单位", "active": "true / false", "q": "用户名或姓名关键字",
                  "page": "页码", "per_page": "每页条数"})
def list_users():
    if current_api_user().role != "admin":
        raise Forbidden("只有系统管理员可以查看用户列表")
    page, per_page = page_args()
    stmt = queries.list_query(_user_filters(request.args))
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).scalars()
    return page_response([u.to_dict() for u in rows], total, page, per_page)


def _user_filters(args) -> queries.UserFilters:
    """The admin page's filters, strictly: 422 naming a bad one."""
    errors: dict[str, str] = {}
    role = args.get("role") or None
    if role and role not in ROLES:
        errors["role"] = "未知的角色"
    raw_org = args.get("organization_id") or ""
    organization_id = parse_id(raw_org) if raw_org else None
    if raw_org and organization_id is None:
        errors["organization_id"] = "应为单位编号（正整数）"
    active = {"true": True, "false": False, "": None}.get((args.get("active") or "").lower(), "bad")
    if active == "bad":
        errors["active"] = "应为 true 或 false"
    if errors:
        raise ValidationFailed(errors)
    return queries.UserFilters(role=role, organization_id=organization_id, active=active,
                               q=(args.get("q") or "").strip() or None)


@api_route("/users/me", ["GET"], "当前用户", tag="users")
def current_user_info():
    return jsonify(current_api_user().to_dict())


@api_route("/users/<dbid:user_id>", ["GET"], "用户详情（管理员或本人）", tag="users")
def get_user(user_id: int):
    actor = current_api_user()
    if actor.role != "admin" and actor.id != user_id:
        raise NotFound("用户不存在")
    return jsonify(accounts.get_user(user_id).to_dict())


@api_route("/users/<dbid:user_id>", ["PATCH"], "修改用户（重置密码、停用等）", body=accounts.UserPatch, roles="admin", tag="users")
def update_user(user_id: int):
    actor = current_api_user()
    if actor.role != "admin":
        raise Forbidden("只有系统管理员可以管理用户")
    user = accounts.update_user(actor, accounts.get_user(user_id), json_body())
    return jsonify(user.to_dict())
