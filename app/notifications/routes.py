"""Notification centre (通知中心): the signed-in user's notifications, unread first; mark one or
all read (CSRF-protected POST forms); the unread count for the navbar badge."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.notifications import services
from app.notifications.blueprint import bp
from app.paging import parse_paging
from app.transactions import ui_action

PER_PAGE = 20


@bp.app_context_processor
def unread_notifications() -> dict:
    """``unread_notification_count`` for base.html's bell (0 for anonymous visitors)."""
    if not getattr(current_user, "is_authenticated", False):
        return {"unread_notification_count": 0}
    return {"unread_notification_count": services.unread_count(current_user)}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in user."""


@bp.route("")
def index():
    page, _ = parse_paging(request.args, per_page=PER_PAGE)
    unread_only = request.args.get("unread") == "1"
    items, total = services.list_for(current_user, unread_only, page, PER_PAGE)
    return render_template("notifications/index.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           unread_only=unread_only, safe_link=services.safe_link)


@bp.route("/<dbid:notification_id>/read", methods=["POST"])
def mark_read(notification_id: int):
    def opened(note):
        target = services.safe_link(note.link) if request.form.get("open") == "1" else ""
        return redirect(target or url_for("notifications.index", **_list_args()))

    return ui_action(lambda: services.mark_read(current_user, notification_id), to=opened)


@bp.route("/<dbid:notification_id>/open")
def open_link(notification_id: int):
    """查看详情 is a real link (open in a new tab, copy, middle-click): following it marks one's own
    notification read, a harmless and idempotent change, and goes to its same-site target."""
    def follow(note):
        return redirect(services.safe_link(note.link) or url_for("notifications.index"))

    return ui_action(lambda: services.mark_read(current_user, notification_id), to=follow)


@bp.route("/read-all", methods=["POST"])
def mark_all_read():
    return ui_action(lambda: services.mark_all_read(current_user), to=lambda _: redirect(url_for("notifications.index")))


def _list_args() -> dict:
    args = {}
    if request.form.get("page", "").isdigit() and request.form["page"] != "1":
        args["page"] = request.form["page"]
    if request.form.get("unread") == "1":
        args["unread"] = "1"
    return args
