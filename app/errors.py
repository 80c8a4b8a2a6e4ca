"""Errors raised by services and mapped to HTTP by the web layer.

API responses use the contract's shape ``{"error": {"code", "message", "details"}}``; the UI
shows ``message`` (always Chinese) to the user.
"""

from __future__ import annotations

from app.field_labels import describe


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    """The API's one error shape; every JSON error (services', HTTP's, the app's) is built here."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


class AppError(Exception):
    status = 400
    code = "bad_request"
    message = "请求无效"

    def __init__(self, message: str | None = None, *, code: str | None = None, details: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        if code:
            self.code = code
        self.details = details or {}

    def to_dict(self) -> dict:
        return error_body(self.code, self.message, self.details)


class BadRequest(AppError):
    status, code, message = 400, "bad_request", "请求格式错误"


class Unauthorized(AppError):
    status, code, message = 401, "unauthorized", "未登录或令牌无效"


class Forbidden(AppError):
    status, code, message = 403, "forbidden", "无权执行此操作"


class NotFound(AppError):
    status, code, message = 404, "not_found", "对象不存在"


class Conflict(AppError):
    status, code, message = 409, "conflict", "状态冲突"


class TooLarge(AppError):
    status, code, message = 413, "too_large", "上传文件过大"


class Unavailable(AppError):
    """503: a part the request needs is down (the search index, the database); it says which."""

    status, code, message = 503, "service_unavailable", "服务暂不可用，请稍后再试"


class StorageFull(AppError):
    """507: the server's storage is full; nothing of the upload was kept."""

    status, code, message = 507, "storage_full", "服务器存储空间不足，文件未保存，请联系系统管理员后重试"


class UnsupportedType(AppError):
    status, code, message = 415, "unsupported_media_type", "不支持的文件类型"


class ValidationFailed(AppError):
    """422; ``details`` maps each bad field to a Chinese message."""

    status, code, message = 422, "validation_error", "数据校验未通过"

    def __init__(self, fields: dict[str, str] | None = None, message: str | None = None, *,
                 code: str | None = None, details: dict | None = None):
        fields = fields or {}
        if message is None and fields:
            message = "数据校验未通过：" + describe(fields)
        super().__init__(message, code=code, details=details if details is not None else dict(fields))
        self.fields = fields


class RateLimited(AppError):
    status, code, message = 429, "rate_limited", "尝试次数过多，请稍后再试"
