"""One gate for text coming in.

A request whose query arguments, form fields or JSON strings hold a character no stored record
may hold (:data:`app.validation.FORBIDDEN_TEXT_RE`: C0 controls other than tab/LF/CR, DEL, the
characters XML 1.0 forbids) is refused before any view runs: 422 in the contract's error shape
for the API, a Chinese error page for the UI. Such a character in a sign-in name or a case title
used to end up in the audit log and the ledger, and every later .xlsx export failed on it.
Uploaded files are not text and are left to their importers.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import MultiDict

from app.errors import BadRequest, ValidationFailed
from app.validation import forbidden_text_fields

UI_MESSAGE = "提交的内容含有不可见的控制字符（常见于从其他系统复制的文本），请删除这些字符后重新提交。"


def init_app(app: Flask) -> None:
    app.before_request(refuse_forbidden_text)


def refuse_forbidden_text() -> None:
    is_api = request.path.startswith("/api/")
    found = {**_multidict_problems(request.args), **_multidict_problems(request.form)}
    if request.is_json or (is_api and request.content_length):
        found.update(forbidden_text_fields(_json_body()))
    if found:
        raise ValidationFailed(found, None if is_api else UI_MESSAGE)


def _multidict_problems(values: MultiDict) -> dict[str, str]:
    return forbidden_text_fields({key: items[0] if len(items) == 1 else items for key, items in values.lists()})


def _json_body() -> object:
    """The parsed JSON body, or None when it does not parse (the view answers that with 400).
    Parsed whatever the content type says, as the API's ``json_body`` reads it."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return None  # form fields, checked above; files are left to their importers
    try:
        return request.get_json(silent=True, force=True)
    except RecursionError:  # nesting deeper than the parser's stack; not a ValueError, so not silenced
        raise BadRequest("请求体不是有效的 JSON（嵌套过深）", code="malformed_json") from None
