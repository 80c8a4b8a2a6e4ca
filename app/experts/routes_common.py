"""Helpers shared by the expert-pool page handlers (routes, routes_declarations, routes_roster)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.clock import today  # terms end on a local date; the expert pages import it from here
from app.errors import Forbidden
from app.experts import permissions as perm
from app.experts import serialize, services
from app.experts.forms import ConflictForm, UnavailabilityForm
from app.extensions import db
from app.cases.models import Case
from app.orgs.models import Organization
from expert_pool.codes import TIER_RANK

PER_PAGE_CHOICES = (20, 50, 100)


def organizations() -> list[Organization]:
    """Organizations offered in the employer / conflict selects, national first."""
    rows = db.session.execute(select(Organization).order_by(Organization.region_code, Organization.name)).scalars().all()
    return sorted(rows, key=lambda o: (TIER_RANK.get(o.tier, 9), o.region_code, o.name))


def require_pool_access() -> None:
    """The list, create, import and export pages: admins and petition-office officers only."""
    if not perm.can_list_pool(current_user):
        raise Forbidden("无权访问专家库：仅系统管理员和信访部门工作人员可管理专家库")


def managed_tiers(user) -> list[str] | None:
    """Tiers ``user`` may create experts in: None = any (admin), else the office's own."""
    tier = perm.managed_tier(user)
    return None if perm.is_admin(user) or tier is None else [tier]


def render_detail(expert, conflict_form: ConflictForm | None = None,
                  unavailability_form: UnavailabilityForm | None = None, status: int = 200,
                  form_errors: list[str] | None = None):
    """The detail page, optionally re-showing one declaration form (opened) with its errors;
    ``form_errors`` are that form's messages which belong to no single field."""
    orgs = organizations()
    open_panel = "conflict" if conflict_form is not None else ("unavailability" if unavailability_form is not None else None)
    conflict_form = (conflict_form or ConflictForm(formdata=None)).setup(orgs)
    unavailability_form = unavailability_form or UnavailabilityForm(formdata=None)
    return render_template(
        "experts/detail.html",
        expert=expert,
        can_manage=perm.can_manage_expert(current_user, expert),
        can_declare=perm.can_maintain_declarations(current_user, expert),
        conflict_form=conflict_form,
        unavailability_form=unavailability_form,
        form_errors=form_errors or [],
        open_panel=open_panel,
        history=serialize.history_items(services.history(expert)),
        org_names={o.id: o.name for o in orgs},
        case_numbers=_case_numbers(expert),
        today=today(),
    ), status


def _case_numbers(expert) -> dict[int, str]:
    """Ledger numbers of the cases named in the expert's declarations (people know the number)."""
    ids = {c.case_id for c in expert.conflicts if c.case_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Case.id, Case.case_number).where(Case.id.in_(ids))).all())
