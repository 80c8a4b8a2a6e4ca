"""用户管理: list with filters, create, edit (name, organization, enabled) and password reset —
through app.auth.accounts, so the UI and the API apply the same rules."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.admin.blueprint import bp
from app.admin.forms import PasswordResetForm, UserCreateForm, UserEditForm, UserFilterForm, password_policy_text, role_org_hint
from app.admin.routes_common import apply_errors, organization_choices, unlinked_expert_choices
from app.auth import accounts
from app.auth import queries as user_queries
from app.auth.models import User
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.paging import parse_paging
from app.transactions import ui_action
from expert_pool.codes import ROLES

PER_PAGE = 50


@bp.route("/users")
def users():
    form = UserFilterForm(request.args)
    form.organization_id.choices = organization_choices("全部单位")
    stmt = user_queries.list_query(user_queries.UserFilters(
        role=form.role.data if form.role.data in ROLES else None,
        organization_id=request.args.get("organization_id", type=int),
        active=(form.active.data == "1") if form.active.data in ("0", "1") else None,
        q=(form.q.data or "").strip() or None))
    sort = user_queries.USER_SORT.parse(request.args)
    stmt = user_queries.USER_SORT.apply(stmt, sort)
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    page, _ = parse_paging(request.args, per_page=PER_PAGE)
    rows = db.session.execute(
        stmt.options(selectinload(User.organization), selectinload(User.expert))
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).scalars().all()
    args = {k: v for k, v in request.args.items() if k not in ("page", "sort", "dir") and v}
    return render_template("admin/users.html", form=form, rows=rows, total=total, page=page, per_page=PER_PAGE, args=args,
                           sort=sort, pager_args=dict(args, **sort.args()))


@bp.route("/users/new", methods=["GET", "POST"])
def user_create():
    form = UserCreateForm()
    form.organization_id.choices = organization_choices("（无，系统管理员或专家可不选）")
    form.expert_id.choices = unlinked_expert_choices()

    def page(errors=(), status: int = 200):
        return render_template("admin/user_create.html", form=form, errors=list(errors), policy=password_policy_text(),
                               role_org_hint=role_org_hint()), status

    if form.validate_on_submit():
        return ui_action(lambda: accounts.create_user(current_user, form.payload()),
                         done=lambda user: f"已新增用户“{user.username}”（{user.role_label}）。",
                         to=lambda _: redirect(url_for("admin.users")),
                         on_error={(ValidationFailed, Conflict): lambda err: page(apply_errors(form, err), err.status)})
    return page(status=422 if form.is_submitted() else 200)


def _edit_forms(user: User, submitted: str | None):
    """The profile and password forms of the edit page; only the submitted one reads the request."""
    profile = UserEditForm(prefix="profile", formdata=None if submitted != "profile" else request.form)
    password = PasswordResetForm(prefix="pw", formdata=None if submitted != "password" else request.form)
    profile.organization_id.choices = organization_choices("（无）")
    if submitted != "profile":
        profile.display_name.data = user.display_name
        profile.email.data = user.email or ""
        profile.organization_id.data = str(user.organization_id) if user.organization_id else ""
        profile.is_active.data = user.is_active
    return profile, password


def _render_edit(user, profile, password, errors=None, status=200):
    return render_template("admin/user_edit.html", user=user, form=profile, pw_form=password, errors=errors or [],
                           policy=password_policy_text()), status


@bp.route("/users/<dbid:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = accounts.get_user(user_id)
    profile, password = _edit_forms(user, "profile" if request.method == "POST" else None)
    if request.method == "GET":
        return _render_edit(user, profile, password)
    if not profile.validate_on_submit():
        return _render_edit(user, profile, password, status=422)
    return ui_action(lambda: accounts.update_user(current_user, user, profile.payload()),
                     done=lambda _: f"已保存用户“{user.username}”。", to=lambda _: redirect(url_for("admin.users")),
                     on_error={(ValidationFailed, Conflict): lambda err: _render_edit(user, profile, password,
                                                                                      apply_errors(profile, err), err.status)})


@bp.route("/users/<dbid:user_id>/password", methods=["POST"])
def user_reset_password(user_id: int):
    user = accounts.get_user(user_id)
    profile, password = _edit_forms(user, "password")
    if not password.validate_on_submit():
        return _render_edit(user, profile, password, status=422)
    return ui_action(lambda: accounts.update_user(current_user, user, {"password": password.password.data}),
                     done=lambda _: f"已重置用户“{user.username}”的密码，请通过安全渠道告知本人。",
                     to=lambda _: redirect(url_for("admin.user_edit", user_id=user.id)),
                     on_error={(ValidationFailed, Conflict): lambda err: _render_edit(user, profile, password,
                                                                                      apply_errors(password, err), err.status)})
