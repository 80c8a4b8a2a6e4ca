"""Who may do what in supervision, as small predicates (the object must be visible first: the
services answer 404 for what the user may not see, then 403 for what the role may not do).

- extension request: the case's handling agency (its agency users); admin.
- extension decision, supervision notice: officers whose jurisdiction covers the case; admin.
- notice reply: the agency the notice is addressed to; admin.
- dashboards, lists and exports: admin, officers (their jurisdiction), agencies (their own cases).
"""

from __future__ import annotations

from app.auth.jurisdiction import is_admin, officer_jurisdiction


def _role(user) -> str | None:
    return getattr(user, "role", None)


def can_request_extension(user, case) -> bool:
    if is_admin(user):
        return True
    return _role(user) == "agency" and user.organization_id is not None and user.organization_id == case.handling_org_id


def can_supervise_case(user, case) -> bool:
    if is_admin(user):
        return True
    jur = officer_jurisdiction(user)
    return jur is not None and jur.covers(case.region_code)


def can_reply_notice(user, notice) -> bool:
    if is_admin(user):
        return True
    return _role(user) == "agency" and user.organization_id is not None and user.organization_id == notice.agency_id


def can_view_supervision(user) -> bool:
    if is_admin(user):
        return True
    if _role(user) == "agency":
        return user.organization_id is not None
    return officer_jurisdiction(user) is not None


def can_run_bulletin(user) -> bool:
    """The monthly bulletin is the petition office's document."""
    return is_admin(user) or officer_jurisdiction(user) is not None
