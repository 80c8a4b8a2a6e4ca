"""单位管理: list (as a tree), create, edit — through app.orgs.services."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.admin.blueprint import bp
from app.admin.forms import OrganizationForm
from app.admin.routes_common import apply_errors, organization_choices, organization_tree
from app.auth.models import User
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.orgs import queries as org_queries
from app.orgs import services
from app.orgs.models import Organization
from app.transactions import ui_action
from expert_pool.codes import ORG_KINDS, ORG_TIERS


@bp.route("/organizations")
def organizations():
    kind = request.args.get("kind", "")
    tier = request.args.get("tier", "")
    q = request.args.get("q", "").strip()
    filters = org_queries.OrganizationFilters(kind=kind if kind in ORG_KINDS else None,
                                              tier=tier if tier in ORG_TIERS else None, q=q or None)
    sort = org_queries.ORG_SORT.parse(request.args)
    orgs = list(db.session.execute(org_queries.ORG_SORT.apply(org_queries.list_query(filters), sort)).scalars())
    filtered = bool(kind or tier or q)
    # The tree needs the default order; a chosen column lists the units flat in that order.
    rows = [(o, 0) for o in orgs] if filtered or not sort.is_default else organization_tree(orgs)
    user_counts = dict(db.session.execute(
        select(User.organization_id, func.count()).where(User.organization_id.is_not(None)).group_by(User.organization_id)
    ).all())
    names = dict(db.session.execute(select(Organization.id, Organization.name)).all())
    return render_template("admin/organizations.html", rows=rows, names=names, user_counts=user_counts,
                           filtered=filtered, args={k: v for k, v in {"kind": kind, "tier": tier, "q": q}.items() if v},
                           sort=sort,
                           total=db.session.execute(select(func.count(Organization.id))).scalar_one())


@bp.route("/organizations/new", methods=["GET", "POST"])
def organization_create():
    form = OrganizationForm()
    form.parent_id.choices = organization_choices("（无上级单位）")
    if request.method == "GET" and request.args.get("parent_id"):
        parent = db.session.get(Organization, request.args.get("parent_id", type=int) or 0)
        if parent is not None:
            form.parent_id.data = str(parent.id)
            form.region_code.data = parent.region_code

    def page(errors=(), status: int = 200):
        return render_template("admin/organization_form.html", form=form, org=None, errors=list(errors)), status

    if form.validate_on_submit():
        return ui_action(lambda: services.create_organization(current_user, form.payload()),
                         done=lambda org: f"已新增单位“{org.name}”。", to=lambda _: redirect(url_for("admin.organizations")),
                         on_error={(ValidationFailed, Conflict): lambda err: page(apply_errors(form, err), err.status)})
    return page(status=422 if form.is_submitted() else 200)


@bp.route("/organizations/<dbid:org_id>/edit", methods=["GET", "POST"])
def organization_edit(org_id: int):
    org = services.get_organization(org_id)
    form = OrganizationForm(obj=None if request.method == "POST" else org)
    form.parent_id.choices = organization_choices("（无上级单位）", exclude_id=org.id)
    if request.method == "GET":
        form.parent_id.data = str(org.parent_id) if org.parent_id else ""
        form.doc_prefix.data = org.doc_prefix or ""
        form.issuer_mark.data = org.issuer_mark or ""

    def page(errors=(), status: int = 200):
        children = list(db.session.execute(select(Organization).where(Organization.parent_id == org.id)
                                           .order_by(Organization.region_code, Organization.id)).scalars())
        return render_template("admin/organization_form.html", form=form, org=org, errors=list(errors),
                               children=children), status

    if form.validate_on_submit():
        return ui_action(lambda: services.update_organization(current_user, org, form.payload()),
                         done=lambda _: f"已保存单位“{org.name}”。", to=lambda _: redirect(url_for("admin.organizations")),
                         on_error={(ValidationFailed, Conflict): lambda err: page(apply_errors(form, err), err.status)})
    return page(status=422 if form.is_submitted() else 200)
