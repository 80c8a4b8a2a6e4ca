"""View helpers shared by the ledger's route modules: the case page (re-shown with a form's errors)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.cases import permissions as perm
from app.cases import deadlines, personal
from app.cases.attachments import ALLOWED_TEXT, max_mb
from app.cases.blueprint import bp
from app.cases.forms import AttachmentForm, ExtendForm
from app.cases.timeline import timeline
from app.extensions import db
from app.supervision import permissions as extension_perm
from app.supervision.models import ExtensionRequest
from expert_pool.deadlines import UNITS


@bp.context_processor
def deadline_rules() -> dict:
    """The handling and extension rules in force, for the ledger's pages to name them
    ("受理之日起 60 日", "不超过 30 日"); an extension counts in the handling rule's unit."""
    handling = deadlines.handling_rule()
    return {"handling_rule": handling, "extension_rule": deadlines.extension_rule(), "handling_unit": UNITS[handling.unit]}


def render_detail(case, extend_form: ExtendForm | None = None, attachment_form: AttachmentForm | None = None,
                  status: int = 200, petitioners: list[dict] | None = None):
    """The case page, optionally re-showing the extension or upload form with its errors.
    ``petitioners`` as the reader may see them (the page view audits a full view); a form
    re-shown with errors shows them masked unless given."""
    if petitioners is None:
        petitioners = [personal.petitioner_dict(p, False) for p in case.petitioners]
    can_edit = perm.can_edit_case(current_user, case)
    is_open = case.status != deadlines.CLOSED
    orgs = {o.id: o.name for o in case.cooperating_orgs}
    pending = db.session.execute(select(ExtensionRequest).where(
        ExtensionRequest.case_id == case.id, ExtensionRequest.status == "pending")).scalars().first()
    return render_template(
        "cases/detail.html", case=case, petitioners=petitioners, orgs=orgs, can_edit=can_edit and is_open,
        can_extend=extension_perm.can_request_extension(current_user, case) and deadlines.can_extend(case)
        and pending is None, pending_extension=pending, can_close=can_edit and is_open,
        can_reopen=perm.can_reopen(current_user) and not is_open,
        can_attach=perm.can_manage_attachments(current_user, case) and is_open,
        extend_form=extend_form or ExtendForm(formdata=None), attachment_form=attachment_form or AttachmentForm(formdata=None),
        extended_days=deadlines.extended_days(case), overdue=deadlines.is_overdue(case), days_left=deadlines.days_left(case),
        timeline=timeline(case), allowed_types=ALLOWED_TEXT, max_mb=max_mb(),
    ), status
