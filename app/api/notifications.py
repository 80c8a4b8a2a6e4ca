"""API: the signed-in user's notifications (通知中心)."""

from __future__ import annotations

from flask import jsonify, request

from app.api.core import api_route, current_api_user, page_args
from app.errors import ValidationFailed
from app.notifications import services
from app.notifications.serialize import notification_dict

TAG = "notifications"


@api_route("/notifications", ["GET"], "本人的通知（未读在前）", tag=TAG,
           query={"unread": "true：仅未读", "page": "页码", "per_page": "每页条数（≤100）"})
def list_notifications():
    user = current_api_user()
    page, per_page = page_args()
    unread = request.args.get("unread", "").lower()
    if unread not in ("", "true", "false", "1", "0"):
        raise ValidationFailed({"unread": "应为 true 或 false"})
    items, total = services.list_for(user, unread in ("true", "1"), page, per_page)
    return jsonify({"items": [notification_dict(n) for n in items], "total": total, "page": page,
                    "per_page": per_page, "unread": services.unread_count(user)})


@api_route("/notifications/<dbid:notification_id>/read", ["POST"], "标记为已读", tag=TAG)
def read_notification(notification_id: int):
    note = services.mark_read(current_api_user(), notification_id)
    return jsonify(notification_dict(note))


@api_route("/notifications/read-all", ["POST"], "全部标记为已读", tag=TAG)
def read_all_notifications():
    user = current_api_user()
    marked = services.mark_all_read(user)
    return jsonify({"marked": marked, "unread": services.unread_count(user)})
