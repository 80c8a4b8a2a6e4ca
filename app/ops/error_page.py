"""The last-resort error page: plain HTML without the site's layout, for when the layout itself
cannot be rendered (it reads the signed-in user, so a database that is down breaks it too). It
still names the request id, so the user can quote it."""

from __future__ import annotations

from markupsafe import escape

from app.ops import request_id


def bare(status: int, title: str, message: str) -> str:
    rid = request_id.current() or ""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>"
        f"<h1>{status} {escape(title)}</h1><p>{escape(message)}</p>"
        f"<p>请求编号：<code>{escape(rid)}</code>（联系管理员时请提供此编号）</p>"
        "</body></html>"
    )
