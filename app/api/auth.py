from __future__ import annotations

from flask import g, jsonify
from pydantic import BaseModel, ConfigDict, Field

from app.api.core import api_route, json_body
from app.auth.services import authenticate, issue_token, revoke_token
from app.timeutil import iso
from app.validation import parse


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=64)  # as the sign-in form: longer names cannot exist
    password: str = Field(max_length=128)


@api_route("/auth/token", ["POST"], "用用户名和密码换取 Bearer 令牌", body=TokenRequest, status=201, tag="auth")
def create_token():
    data = parse(TokenRequest, json_body())
    user = authenticate(data.username, data.password)
    token, row = issue_token(user)
    user_info = {"id": user.id, "username": user.username, "role": user.role, "organization_id": user.organization_id}
    return jsonify({"token": token, "expires_at": iso(row.expires_at), "user": user_info}), 201


@api_route("/auth/token", ["DELETE"], "注销当前令牌", status=204, tag="auth")
def delete_token():
    revoke_token(g.api_token)
    return "", 204
