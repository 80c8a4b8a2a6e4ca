"""单位管理: list (as a tree), create, edit — through app.orgs.services."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.admin import bp
from app.admin.forms import OrganizationForm
from app.admin.util import apply_errors, organization_choices, organization_tree
from app.auth.models import User
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.orgs import queries as org_queries
from app.orgs import services
from app.orgs.models import Organization
from expert_pool.codes import ORG_KINDS, ORG_TIERS


@bp.route("/organizations")
def organizations():
    kind = request.args.get("kind", "")
    tier = request.args.get("tier", "")
    q = request.args.get("q", "").strip()
    filters = org_queries.OrganizationFilters(kind=kind if kind in ORG_KINDS else None,
                                              tier=tier if tier in ORG_TIERS else None, q=q or None)
    orgs = list(db.session.execute(org_queries.list_query(filters)).scalars())
    filtered = bool(kind or tier or q)
    rows = [(o, 0) for o in orgs] if filtered else organization_tree(orgs)
    user_counts = dict(db.session.execute(
        select(User.organization_id, func.count()).where(User.organization_id.is_not(None)).group_by(User.organization_id)
    ).all())
    names = dict(db.session.execute(select(Organization.id, Organization.name)).all())
    return render_template("admin/organizations.html", rows=rows, names=names, user_counts=user_counts,
                           filtered=filtered, args={"kind": kind, "tier": tier, "q": q},
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
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            org = services.create_organization(current_user, form.payload())
            db.session.commit()
        except (ValidationFailed, Conflict) as err:
            db.session.rollback()
            errors, status = apply_errors(form, err), err.status
        else:
            flash(f"已新增单位“{org.name}”。", "success")
            return redirect(url_for("admin.organizations"))
    elif form.is_submitted():
        status = 422
    return render_template("admin/organization_form.html", form=form, org=None, errors=errors), status


@bp.route("/organizations/<dbid:org_id>/edit", methods=["GET", "POST"])
def organization_edit(org_id: int):
    org = services.get_organization(org_id)
    form = OrganizationForm(obj=None if request.method == "POST" else org)
    form.parent_id.choices = organization_choices("（无上级单位）", exclude_id=org.id)
    if request.method == "GET":
        form.parent_id.data = str(org.parent_id) if org.parent_id else ""
        form.doc_prefix.data = org.doc_prefix or ""
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            services.update_organization(current_user, org, form.payload())
            db.session.commit()
        except (ValidationFailed, Conflict) as err:
            db.session.rollback()
            errors, status = apply_errors(form, err), err.status
        else:
            flash(f"已保存单位“{org.name}”。", "success")
            return redirect(url_for("admin.organizations"))
    elif form.is_submitted():
        status = 422
    children = list(db.session.execute(select(Organization).where(Organization.parent_id == org.id)
                                       .order_by(Organization.region_code, Organization.id)).scalars())
    return render_template("admin/organization_form.html", form=form, org=org, errors=errors, children=children), status
