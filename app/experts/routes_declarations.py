"""An expert's own declarations on the detail page: conflicts of interest (回避申报) and
periods of unavailability (不可出席时段). The expert themself and the managers of their pool
maintain them; the services enforce who may."""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user

from app.errors import Forbidden
from app.experts import services
from app.experts.blueprint import bp
from app.experts import permissions as perm
from app.experts.forms import ConflictForm, UnavailabilityForm
from app.experts.routes_common import organizations, render_detail
from app.transactions import ui_action


def _load(expert_id: int):
    """The expert if visible (else 404) and if this user maintains their declarations (else 403)."""
    expert = services.get_visible(current_user, expert_id)
    if not perm.can_maintain_declarations(current_user, expert):
        raise Forbidden("只能维护本人或本级、本辖区专家的回避申报和不可出席时段")
    return expert


def _back(expert_id: int, anchor: str):
    return redirect(url_for("experts.detail", expert_id=expert_id, _anchor=anchor))


def _declare(expert_id: int, form, form_key: str, action, done: str, anchor: str):
    """Submit a declaration form to ``action(user, expert, payload)``; field errors shown on the
    expert's page (422), success flashed and back to the section."""
    expert = _load(expert_id)
    if not form.validate_on_submit():
        return render_detail(expert, status=422, **{form_key: form})
    return ui_action(lambda: action(current_user, expert, form.to_payload()), done=done,
                     to=lambda _: _back(expert_id, anchor),
                     on_invalid=lambda err: render_detail(expert, status=422, form_errors=form.add_errors(err.fields),
                                                          **{form_key: form}))


def _remove(expert_id: int, action, row_id: int, done: str, anchor: str):
    """Withdraw or delete one declaration with ``action(user, expert, row_id)``; back to the section."""
    expert = _load(expert_id)
    return ui_action(lambda: action(current_user, expert, row_id), done=done, to=lambda _: _back(expert_id, anchor))


@bp.route("/<dbid:expert_id>/conflicts", methods=["POST"])
def add_conflict(expert_id: int):
    return _declare(expert_id, ConflictForm().setup(organizations()), "conflict_form", services.add_conflict,
                    "已登记回避申报。", "conflicts")


@bp.route("/<dbid:expert_id>/conflicts/<dbid:conflict_id>/withdraw", methods=["POST"])
def withdraw_conflict(expert_id: int, conflict_id: int):
    return _remove(expert_id, services.delete_conflict, conflict_id, "已撤回该回避申报。", "conflicts")


@bp.route("/<dbid:expert_id>/unavailability", methods=["POST"])
def add_unavailability(expert_id: int):
    return _declare(expert_id, UnavailabilityForm(), "unavailability_form", services.add_unavailability,
                    "已登记不可出席时段。", "unavailability")


@bp.route("/<dbid:expert_id>/unavailability/<dbid:row_id>/delete", methods=["POST"])
def delete_unavailability(expert_id: int, row_id: int):
    return _remove(expert_id, services.delete_unavailability, row_id, "已删除该不可出席时段。", "unavailability")
