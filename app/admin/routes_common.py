"""Helpers shared by the admin pages: service errors onto forms, select choices, the org tree."""

from __future__ import annotations

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.auth.models import User
from app.errors import AppError, Conflict, ValidationFailed
from app.experts.models import Expert
from app.extensions import db
from app.orgs.models import Organization
from expert_pool import regions
from expert_pool.codes import ORG_KINDS, POOL_TIERS


def apply_errors(form, err: AppError) -> list[str]:
    """Put a service error's per-field messages on the matching form fields; return the
    messages that belong to no field (shown above the form) plus the overall message."""
    fields = err.fields if isinstance(err, ValidationFailed) else (err.details or {})
    general: list[str] = []
    for name, message in fields.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            general.append(f"{name}：{message}" if name != "_" else message)
    if isinstance(err, Conflict) or not fields:
        general.insert(0, err.message)
    elif not general:
        general.append("保存失败：请更正下方标红的项目。")
    return general


def organization_choices(blank: str | None = "（无）", exclude_id: int | None = None) -> list[SelectChoice]:
    """Organizations grouped by kind (rendered as <optgroup>), optionally with a blank first."""
    rows = db.session.execute(
        select(Organization.id, Organization.name, Organization.kind).order_by(Organization.region_code, Organization.id)
    ).all()
    choices = [SelectChoice("", blank)] if blank is not None else []
    for kind, label in ORG_KINDS.items():
        choices += [SelectChoice(str(r.id), r.name, optgroup=label) for r in rows if r.kind == kind and r.id != exclude_id]
    return choices


def unlinked_expert_choices() -> list[SelectChoice]:
    """Experts without an account, grouped by pool, for linking a new expert login."""
    taken = select(User.expert_id).where(User.expert_id.is_not(None))
    rows = db.session.execute(
        select(Expert.id, Expert.name, Expert.tier, Expert.region_code, Expert.employer)
        .where(Expert.id.not_in(taken))
        .order_by(Expert.tier, Expert.region_code, Expert.name, Expert.id)
    ).all()
    choices = [SelectChoice("", "（非专家账号无需选择）")]
    for tier, label in POOL_TIERS.items():
        choices += [SelectChoice(str(r.id), f"{r.name} · {regions.name(r.region_code)} · {r.employer}", optgroup=f"{label}级专家库")
                    for r in rows if r.tier == tier]
    return choices


def organization_tree(orgs: list[Organization]) -> list[tuple[Organization, int]]:
    """Depth-first order with depth, children under their parent; orphans (parent missing from
    ``orgs``) start new roots so filtered lists still show every row."""
    by_id = {o.id: o for o in orgs}
    children: dict[int | None, list[Organization]] = {}
    for org in orgs:
        parent = org.parent_id if org.parent_id in by_id else None
        children.setdefault(parent, []).append(org)
    out: list[tuple[Organization, int]] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for org in children.get(parent_id, []):
            if org.id in seen:
                continue
            seen.add(org.id)
            out.append((org, depth))
            walk(org.id, depth + 1)

    walk(None, 0)
    # Anything left (a cycle in bad data) is still listed.
    out.extend((o, 0) for o in orgs if o.id not in seen)
    return out
