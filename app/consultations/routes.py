"""Consultation pages: the list (an officer's staffing queue first), the request form, the
detail page and the requester's amendment.

Handlers stay thin — load through ``services.get_visible`` (404) → call the service, which
checks who may act (403) → commit and redirect with a flash, or re-render the form with the
service's per-field messages. State-changing actions on the detail page are in
routes_actions (requests) and routes_panel (draw, reserves, verification, invitations).
"""

from __future__ import annotations


from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.consultations import queries, services
from app.consultations.blueprint import bp
from app.consultations import routes_actions, routes_panel  # noqa: F401  (register their routes)
from app.consultations import permissions as perm
from app.consultations.forms import URGENCY_LABELS, RequestForm
from app.consultations.models import CONSULTATION_STATUSES, Consultation, PanelMember
from app.consultations.routes_common import case_url, cases_url, load, render_detail
from app.forms import read_version
from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.paging import parse_paging
from app.routing import parse_id
from app.transactions import ui_action

PER_PAGE = 20


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every consultation page needs a signed-in user (anonymous → the sign-in page)."""


@bp.app_template_global("consultations_for_case")
def consultations_for_case(case) -> list[Consultation]:
    """The case's consultations the current user may see (for the case page's section)."""
    if not current_user.is_authenticated:
        return []
    return [c for c in case.consultations if perm.can_view_consultation(current_user, c)]


@bp.app_template_global("can_request_consultation")
def can_request_consultation(case) -> bool:
    return current_user.is_authenticated and case.status != "closed" and perm.can_request_for_case(current_user, case)


@bp.app_template_global("urgency_label")
def urgency_label(code: str) -> str:
    return URGENCY_LABELS.get(code, code)


@bp.route("")
def index():
    user = current_user
    shown = queries.filters_from_page_args(request.args, user)
    page, _ = parse_paging(request.args, per_page=PER_PAGE)
    sort = queries.CONSULTATION_SORT.parse(request.args)
    rows, total = queries.paginate(queries.CONSULTATION_SORT.apply(queries.list_query(user, shown.filters), sort),
                                   page, PER_PAGE)
    tab_counts = queries.tab_counts(user, shown.filters) if shown.tab else {}
    mine = {}
    if user.role == "expert" and user.expert_id and rows:
        mine = {m.consultation_id: m for m in db.session.execute(select(PanelMember).where(
            PanelMember.expert_id == user.expert_id, PanelMember.consultation_id.in_([c.id for c in rows]))).scalars()}
    return render_template(
        "consultations/list.html", items=rows, total=total, page=page, per_page=PER_PAGE, tab=shown.tab, tabs=queries.TABS,
        tab_counts=tab_counts, status=shown.filters.status, status_error=shown.status_error, args=shown.args, mine=mine,
        sort=sort, pager_args=dict(shown.args, **sort.args()),
        statuses=CONSULTATION_STATUSES, cases_link=cases_url(),
    )


def _general_errors(form: RequestForm, err: ValidationFailed) -> list[str]:
    return form.add_errors(err.fields) if err.fields else [err.message]


@bp.route("/new", methods=["GET", "POST"])
def create():
    case_id = request.values.get("case_id", "").strip()
    if not case_id:
        flash("请在信访事项页面点击“申请会商”，为该事项申请法律审查会商。", "info")
        return redirect(cases_url())
    if parse_id(case_id) is None:
        abort(404)
    case = services.get_case_for_request(current_user, parse_id(case_id))
    if not perm.can_request_for_case(current_user, case):
        raise Forbidden("只能为本单位或本辖区的信访事项申请会商")
    if request.method == "GET":
        return render_template("consultations/form.html", form=RequestForm(formdata=None), case=case,
                               consultation=None, general_errors=[], case_link=case_url(case))
    form = RequestForm()

    def refused(general: list[str], status: int):
        return render_template("consultations/form.html", form=form, case=case, consultation=None,
                               general_errors=general, case_link=case_url(case)), status

    return ui_action(lambda: services.create(current_user, case, form.to_payload()),
                     done=lambda c: f"已提交会商申请，由{c.office.name}受理。",
                     to=lambda c: redirect(url_for("consultations.detail", consultation_id=c.id)),
                     on_invalid=lambda err: refused(_general_errors(form, err), 422),
                     on_error={Conflict: lambda err: refused([err.message], 409)})


@bp.route("/<dbid:consultation_id>")
def detail(consultation_id: int):
    return render_detail(load(consultation_id))


@bp.route("/<dbid:consultation_id>/edit", methods=["GET", "POST"])
def edit(consultation_id: int):
    """修改会商申请; a returned request is resubmitted (补正后重新提交) by saving."""
    c = load(consultation_id, for_update=request.method == "POST")
    if not perm.can_amend(current_user, c):
        raise Forbidden("只有申请单位可以修改会商申请")
    if request.method == "GET":
        if c.status not in ("returned", "submitted"):
            flash(f"会商当前状态为“{c.status_label}”，不能再修改申请。", "warning")
            return redirect(url_for("consultations.detail", consultation_id=c.id))
        form = RequestForm(formdata=None, data=RequestForm.data_from(c))
        return render_template("consultations/form.html", form=form, case=c.case, consultation=c,
                               general_errors=[], case_link=case_url(c.case))
    form = RequestForm()
    payload = form.to_payload()
    payload["version"] = read_version(form.version)
    was_returned = c.status == "returned"

    def refused(general: list[str], status: int):
        return render_template("consultations/form.html", form=form, case=c.case, consultation=c,
                               general_errors=general, case_link=case_url(c.case)), status

    def conflict(err: Conflict):
        if err.code != "stale_version":
            return refused([err.message], 409)
        form.version.data = str(err.details.get("current_version", ""))
        return refused([err.message + "（已显示您填写的内容；确认无误后可再次提交）"], 409)

    return ui_action(lambda: services.amend(current_user, c, payload),
                     done="已补正并重新提交会商申请。" if was_returned else "已保存对会商申请的修改。",
                     to=lambda _: redirect(url_for("consultations.detail", consultation_id=c.id)),
                     on_invalid=lambda err: refused(_general_errors(form, err), 422), on_error={Conflict: conflict})

