"""Ledger pages: list with filters and export, register, edit, detail, deadline extension and
closure. Handlers stay thin — load → check access → call the service → render — and put the
services' per-field messages back on the forms. Attachments are in routes_attachments.
"""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.cases import deadlines, ledger, personal, queries, services
from app.cases.blueprint import bp
from app.cases import routes_attachments  # noqa: F401  (registers its routes)
from app.cases import permissions as perm
from app.cases.forms import CaseForm, ExtendForm
from app.cases.models import CASE_STATUSES
from app.cases.schemas import FIELD_LABELS
from app.cases.routes_common import render_detail
from app.cases.timeline import display
from app.forms import read_version
from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.orgs.models import Organization
from app.paging import parse_paging
from app.supervision import services as extension_services
from app.transactions import ui_action
from expert_pool.codes import TIER_RANK

PER_PAGE_CHOICES = (20, 50, 100)
FILTER_LABELS = {"status": "状态", "category": "问题类别", "region_code": "行政区划", "overdue": "超期", "q": "关键字"}
STALE_FIELDS = ("title", "category", "region_code", "handling_org_id", "lead_org_id", "cooperating_org_ids",
                "first_petition_date", "accepted_on", "repeat_letters", "repeat_visits", "repeat_online", "cross_flags",
                "responsible_leader", "is_backlog")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every ledger page needs a signed-in user (anonymous → the sign-in page)."""


def _organizations() -> list[Organization]:
    rows = db.session.execute(select(Organization)).scalars().all()
    return sorted(rows, key=lambda o: (TIER_RANK.get(o.tier, 9), o.region_code, o.name))


def _handling_orgs(user, orgs: list[Organization]) -> list[Organization]:
    """Handling agencies ``user`` may register cases for."""
    return [o for o in orgs if o.kind == "handling_agency" and perm.can_register_for(user, o)]


@bp.route("")
def index():
    page, per_page = parse_paging(request.args, per_page=PER_PAGE_CHOICES[0], choices=PER_PAGE_CHOICES)
    args = {k: request.args[k].strip() for k in FILTER_LABELS if request.args.get(k, "").strip()}
    filter_errors: dict[str, str] = {}
    items, total, status = [], 0, 200
    sort = queries.CASE_SORT.parse(request.args)
    try:
        filters = queries.filters_from_args(request.args)
    except ValidationFailed as err:
        filter_errors, status = err.fields, 422
    else:
        stmt = queries.CASE_SORT.apply(queries.list_query(current_user, filters), sort)
        items, total = queries.paginate(stmt, page, per_page)
    list_args = dict(args, per_page=per_page) if per_page != PER_PAGE_CHOICES[0] else dict(args)
    pager_args = dict(list_args, **sort.args())
    return render_template(
        "cases/list.html", cases=items, total=total, page=page, per_page=per_page, args=args, pager_args=pager_args,
        sort=sort, list_args=list_args,
        filter_errors=filter_errors, filter_labels=FILTER_LABELS, per_page_choices=PER_PAGE_CHOICES,
        statuses=CASE_STATUSES, can_register=perm.can_register_cases(current_user),
        can_export=perm.can_export_ledger(current_user), deadlines=deadlines,
    ), status


@bp.route("/export")
def export():
    # The export writes its audit entry: committed like any other action.
    return ui_action(
        lambda: ledger.export_ledger(current_user, queries.filters_from_args(request.args), request.args.get("format", "xlsx")),
        to=lambda result: Response(result.content, mimetype=result.mimetype,
                                   headers={"Content-Disposition": result.content_disposition}))


def _render_form(form: CaseForm, case=None, general=(), stale=None, status: int = 200):
    form.pad_rows()
    return render_template("cases/form.html", form=form, case=case, general_errors=list(general), stale=stale,
                           blank_rows_hint=True), status


@bp.route("/new", methods=["GET", "POST"])
def create():
    if not perm.can_register_cases(current_user):
        raise Forbidden("无权登记信访事项：仅系统管理员、信访部门工作人员和有权处理机关经办人可以登记")
    orgs = _organizations()
    form = CaseForm().setup(_handling_orgs(current_user, orgs), orgs)
    if request.method == "GET":
        org = current_user.organization
        if org is not None:
            form.region_code.data = org.region_code
            if org.kind == "handling_agency":
                form.handling_org_id.data = str(org.id)
        return _render_form(form)
    if not form.validate_on_submit():
        return _render_form(form, status=422)
    return ui_action(lambda: services.create_case(current_user, form.to_payload()),
                     done=lambda case: f"已登记信访事项 {case.case_number}。",
                     to=lambda case: redirect(url_for("cases.detail", case_id=case.id)),
                     on_invalid=lambda err: _render_form(form, general=form.add_errors(err.fields), status=422),
                     on_error={Forbidden: lambda err: _not_yours(form, err)})


@bp.route("/<dbid:case_id>/edit", methods=["GET", "POST"])
def edit(case_id: int):
    case = services.get_visible_case(current_user, case_id)
    if not perm.can_edit_case(current_user, case):
        raise Forbidden("无权修改该信访事项")
    if case.status == services.CLOSED:
        raise Conflict("信访事项已办结，不能修改")
    orgs = _organizations()
    handling = _handling_orgs(current_user, orgs)
    if case.handling_org is not None and case.handling_org not in handling:
        handling.insert(0, case.handling_org)
    if request.method == "GET":
        return _render_form(CaseForm(data=CaseForm.data_from_case(case)).setup(handling, orgs), case)
    form = CaseForm().setup(handling, orgs)
    if not form.validate_on_submit():
        return _render_form(form, case, status=422)
    payload = form.to_payload()
    payload["version"] = read_version(form.version)
    seen = case.version

    def conflict(err: Conflict):
        if err.code != "stale_version":
            return _render_form(form, case, general=[err.message], status=409)
        # Keep the user's input, show what the other person saved; the next save is knowingly
        # made over the version now shown.
        form.version.data = str(err.details.get("current_version", ""))
        return _render_form(form, case, stale=_current_values(err.details.get("current", {})), status=409)

    return ui_action(lambda: services.update_case(current_user, case, payload),
                     done=lambda _: ("已保存修改。", "success") if case.version != seen else ("未作任何修改。", "info"),
                     to=lambda _: redirect(url_for("cases.detail", case_id=case.id)),
                     on_invalid=lambda err: _render_form(form, case, general=form.add_errors(err.fields), status=422),
                     on_error={Forbidden: lambda err: _not_yours(form, err, case), Conflict: conflict})


def _not_yours(form: CaseForm, err: Forbidden, case=None):
    """A handling organization outside this user's reach: the message at that field (403)."""
    form.add_errors({"handling_org_id": err.message})
    return _render_form(form, case, status=403)


def _current_values(current: dict) -> list[tuple[str, str]]:
    ids = [current.get("handling_org_id"), current.get("lead_org_id"), *(current.get("cooperating_org_ids") or [])]
    ids = [i for i in ids if isinstance(i, int)]
    names = dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all()) if ids else {}
    rows = [(FIELD_LABELS[k], display(k, current.get(k), names)) for k in STALE_FIELDS]
    rows.append(("信访人", "、".join(p.get("name", "") for p in current.get("petitioners") or [])))
    return rows


@bp.route("/<dbid:case_id>")
def detail(case_id: int):
    """The case page; the case's staff see petitioners in full, and that view is audited
    (committed like an action), experts see them masked."""
    case = services.get_visible_case(current_user, case_id)
    return ui_action(lambda: personal.shown_petitioners(current_user, case, "事项页面"),
                     to=lambda rows: render_detail(case, petitioners=rows))


@bp.route("/<dbid:case_id>/extend", methods=["POST"])
def extend(case_id: int):
    """The case page's extension form files an extension request (issue 10): the handling agency
    asks, the petition office decides on the case's 督办 page, and only an approval moves the
    deadline — the same flow as ``POST /supervision/cases/<id>/extensions``."""
    case = services.get_visible_case(current_user, case_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        return render_detail(case, extend_form=form, status=422)

    def invalid(err: ValidationFailed):
        for name, message in err.fields.items():
            target = getattr(form, name, None)
            if target is not None:
                target.errors = [*target.errors, message]
        return render_detail(case, extend_form=form, status=422)

    payload = {"days": (form.days.data or "").strip() or None, "reason": form.reason.data or ""}
    return ui_action(lambda: extension_services.request_extension(current_user, case_id, payload),
                     done="延期申请已提交，等待信访部门审批；批准后办理期限才会延长。",
                     back=lambda: redirect(url_for("cases.detail", case_id=case_id)), on_invalid=invalid)


@bp.route("/<dbid:case_id>/close", methods=["POST"])
def close(case_id: int):
    case = services.get_visible_case(current_user, case_id)
    return ui_action(lambda: services.close_case(current_user, case, {"note": (request.form.get("note") or "").strip()[:500]}),
                     done="信访事项已办结。", back=lambda: redirect(url_for("cases.detail", case_id=case_id)))


@bp.route("/<dbid:case_id>/reopen", methods=["POST"])
def reopen(case_id: int):
    case = services.get_visible_case(current_user, case_id)
    return ui_action(lambda: services.reopen_case(current_user, case), done="已撤销办结，事项恢复为“已登记”。",
                     back=lambda: redirect(url_for("cases.detail", case_id=case_id)))

