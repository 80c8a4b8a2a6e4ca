"""Plumbing shared by every API module: authentication, body parsing, pagination, errors and
the route registry the OpenAPI document is generated from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import g, jsonify, request
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.api.blueprint import bp
from app.auth.services import user_for_token
from app.errors import AppError, BadRequest, TooLarge, Unauthorized, error_body
from app.extensions import db
from app.paging import parse_paging
from app.transactions import api_transaction

PUBLIC_ENDPOINTS = {"api.create_token", "api.openapi_document", "api.verify_pdf"}  # no bearer token


@dataclass
class RouteDoc:
    summary: str
    body: type[BaseModel] | None = None
    query: dict[str, str] = field(default_factory=dict)  # name → description
    status: int = 200
    roles: str = ""
    tag: str = ""
    file_upload: bool = False
    content_type: str | tuple[str, ...] = "application/json"  # several when a parameter chooses


def api_route(rule: str, methods: list[str], summary: str, *, writes: bool | None = None, **doc) -> Callable:
    """Register an API view and its documentation (used to build /api/v1/openapi.json).

    The view runs in the API's transaction boundary (``app.transactions.api_transaction``): it
    never commits itself. ``writes=True`` marks a GET that records something (an export's
    audit entry) and so commits too."""

    def decorator(view: Callable) -> Callable:
        docs = getattr(view, "_api_docs", {})
        for method in methods:
            docs[method] = RouteDoc(summary=summary, **doc)
        view._api_docs = docs
        bp.add_url_rule(rule, view_func=api_transaction(view, writes=writes), methods=methods)
        return view

    return decorator


@bp.before_request
def authenticate_bearer() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("缺少 Bearer 令牌")
    found = user_for_token(token.strip())
    if found is None:
        raise Unauthorized("令牌无效、已过期或已注销", code="invalid_token")
    g.api_user, g.api_token = found


def current_api_user():
    return g.api_user


def json_body() -> dict:
    """The request's JSON object; 400 for malformed JSON or a non-object body."""
    data = request.get_json(silent=True, force=True)
    if data is None:
        if not request.get_data():
            raise BadRequest("请求体为空，应为 JSON 对象", code="malformed_json")
        raise BadRequest("请求体不是有效的 JSON", code="malformed_json")
    if not isinstance(data, dict):
        raise BadRequest("请求体应为 JSON 对象", code="malformed_json")
    return data


def page_args() -> tuple[int, int]:
    return parse_paging(request.args, strict=True)


def page_response(items: list[dict], total: int, page: int, per_page: int):
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})


def error_response(err: AppError):
    db.session.rollback()
    return jsonify(err.to_dict()), err.status


@bp.errorhandler(AppError)
def handle_app_error(err: AppError):
    return error_response(err)


@bp.errorhandler(RequestEntityTooLarge)
def handle_too_large(err):
    return error_response(TooLarge("上传文件超过大小上限"))


@bp.errorhandler(HTTPException)
def handle_http_error(err: HTTPException):
    codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 415: "unsupported_media_type"}
    messages = {404: "接口不存在", 405: "不支持该请求方法", 400: "请求格式错误"}
    db.session.rollback()
    return jsonify(error_body(codes.get(err.code, "http_error"), messages.get(err.code, err.description or ""))), err.code
