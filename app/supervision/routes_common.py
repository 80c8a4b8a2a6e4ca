"""View helpers shared by supervision's route modules."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from app.errors import Forbidden, ValidationFailed
from app.supervision import filters as F
from app.supervision import permissions as perm
from app.supervision.queries import Filters


def require_viewer() -> None:
    if not perm.can_view_supervision(current_user):
        raise Forbidden("无权查看督办信息：仅系统管理员、信访部门工作人员和有权处理机关经办人可以查看")


def page_filters() -> tuple[Filters, dict[str, str], dict[str, str]]:
    """(filters, the arguments as given, errors): bad arguments are shown and ignored."""
    args = {k: request.args[k].strip() for k in ("from", "to", "region_code", "category") if request.args.get(k, "").strip()}
    try:
        return F.from_args(request.args), args, {}
    except ValidationFailed as err:
        return Filters(), {}, err.fields


def form_payload(*names: str) -> dict:
    return {n: request.form.get(n, "").strip() for n in names if request.form.get(n, "").strip() != ""}
