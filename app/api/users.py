from __future__ import annotations

from flask import jsonify
from sqlalchemy import func, select

from app.api.core import api_route, current_api_user, json_body, page_args, page_response
from app.auth import accounts
from app.auth.models import User
from app.errors import Forbidden, NotFound
from app.extensions import db


@api_route("/users", ["POST"], "新增用户", body=accounts.UserIn, status=201, roles="admin", tag="users")
def create_user():
    user = accounts.create_user(current_api_user(), json_body())
    return jsonify(user.to_dict()), 201


@api_route("/users", ["GET"], "用户列表", roles="admin", tag="users")
def list_users():
    if current_api_user().role != "admin":
        raise Forbidden("只有系统管理员可以查看用户列表")
    page, per_page = page_args()
    total = db.session.execute(select(func.count(User.id))).scalar_one()
    rows = db.session.execute(select(User).order_by(User.id).limit(per_page).offset((page - 1) * per_page)).scalars()
    return page_response([u.to_dict() for u in rows], total, page, per_page)


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
