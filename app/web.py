"""Web-wide wiring: the user loader, error pages, security headers and template helpers."""

from __future__ import annotations

import contextlib
import errno
import sqlite3

from flask import Flask, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app import input_guard
from app.auth.sessions import user_for_session  # the cookie counts only while its session lives
from app.errors import AppError, Conflict, StorageFull, Unavailable, ValidationFailed, error_body
from app.extensions import db, login_manager
from app.ops import error_page
from app.timeutil import local
from app import region_picker
from expert_pool import codes, regions

ERROR_TITLES = {
    400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 405: "不支持的请求方式",
    409: "操作冲突", 413: "上传文件过大", 415: "不支持的文件类型", 422: "数据校验未通过", 429: "操作过于频繁",
    500: "系统错误", 503: "服务暂不可用", 507: "存储空间不足",
}

# Every asset is served by this server; nothing may load from another host.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def _database_unavailable(err: Exception) -> bool:
    """Connection lost or refused, or SQLite locked/busy — not a bug in a statement."""
    if isinstance(err, InterfaceError) or getattr(err, "connection_invalidated", False):
        return True
    if isinstance(err, OperationalError) and db.engine.dialect.name == "postgresql":
        return True  # psycopg's OperationalError: connection refused, terminated, server shutting down
    text = str(getattr(err, "orig", err)).lower()
    return any(word in text for word in ("database is locked", "database is busy", "unable to open", "disk i/o"))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    input_guard.init_app(app)  # refuses control characters in any form field, query arg or JSON string

    @login_manager.user_loader
    def load_user(user_id: str):
        return user_for_session(user_id)

    @app.errorhandler(AppError)
    def handle_app_error(err: AppError):
        db.session.rollback()
        if _wants_json():
            return jsonify(err.to_dict()), err.status
        return render_template("errors/error.html", status=err.status, title=ERROR_TITLES.get(err.status, "出错了"),
                               message=err.message), err.status

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(err: IntegrityError):
        # A unique or foreign-key constraint caught what two simultaneous requests raced for
        # (e.g. the same roster imported twice at once): the state changed, not the input.
        app.logger.warning("integrity error: %s", err.orig)
        return handle_app_error(Conflict("数据已被同时进行的其他操作修改，请刷新后重试", code="concurrent_update"))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(sqlite3.OperationalError)  # raised unwrapped by locking's BEGIN IMMEDIATE
    def handle_database_down(err: Exception):
        # The database went away (restarted, connections terminated) or stayed locked past the
        # busy timeout: the request's transaction is lost, nothing of it was confirmed. Say so
        # with a 503; the pool's pre-ping reconnects for the next request.
        if not _database_unavailable(err):
            return handle_unexpected(err)
        app.logger.warning("database unavailable: %s", getattr(err, "orig", err))
        with contextlib.suppress(Exception):
            db.session.rollback()
        # The page must not touch the database again: the signed-in user (expired by the
        # rollback) would be reloaded by the layout. Show it as to a visitor.
        g._login_user = login_manager.anonymous_user()
        return handle_app_error(Unavailable("数据库暂时不可用，本次操作未保存，请稍后重试", code="database_unavailable"))

    @app.errorhandler(OSError)
    def handle_os_error(err: OSError):
        # A full disk (or quota) while storing an upload: the service removed what it had written.
        if err.errno not in (errno.ENOSPC, errno.EDQUOT):
            return handle_unexpected(err)
        app.logger.error("storage full: %s", err)
        return handle_app_error(StorageFull())

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def handle_out_of_range(err: Exception):
        # A number beyond what the database column holds (PostgreSQL's int4, SQLite's int64).
        return handle_app_error(ValidationFailed(message="数值超出允许范围", code="out_of_range"))

    @app.errorhandler(CSRFError)
    def handle_csrf(err):
        flash("页面已过期或表单校验失败，请重新提交。", "danger")
        return redirect(request.referrer or url_for("main.index"))

    @app.errorhandler(RequestEntityTooLarge)
    def handle_too_large(err):
        mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message = f"上传文件超过 {mb} MB 上限"
        if _wants_json():
            return jsonify(error_body("too_large", message, {"max_mb": mb})), 413
        return render_template("errors/error.html", status=413, title=ERROR_TITLES[413], message=message), 413

    @app.errorhandler(HTTPException)
    def handle_http(err: HTTPException):
        if _wants_json():
            code = {404: "not_found", 405: "method_not_allowed"}.get(err.code, "http_error")
            return jsonify(error_body(code, ERROR_TITLES.get(err.code, err.name))), err.code
        return render_template("errors/error.html", status=err.code, title=ERROR_TITLES.get(err.code, err.name),
                               message=""), err.code

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        if _wants_json():
            return jsonify(error_body("internal_error", "系统内部错误，请联系管理员")), 500
        message = "系统内部错误，请联系管理员"
        try:
            return render_template("errors/error.html", status=500, title=ERROR_TITLES[500], message=message), 500
        except Exception:  # the layout failed too (it loads the user: the database may be down)
            app.logger.exception("error page not rendered")
            return error_page.bare(500, ERROR_TITLES[500], message), 500

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/api/") or request.endpoint not in (None, "static", "bootstrap.static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def inject_codes():
        return {"codes": codes, "regions": regions, "region_picker": region_picker}

    @app.template_filter("localtime")
    def localtime(value, fmt: str = "%Y-%m-%d %H:%M"):
        return local(value).strftime(fmt) if value else ""
