"""Expert-pool pages: list, create, detail, edit and status changes.

Handlers stay thin — parse → check access → call the service → render — and map service
errors onto the form: per-field validation messages inline, a stale version or a duplicate
mobile number as a message showing the other record's current values. Declarations
(conflicts, unavailability) live in routes_declarations, roster import/export in routes_roster.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.forms import read_version
from app.errors import Conflict, Forbidden, ValidationFailed
from app.experts import serialize, services
from app.experts.blueprint import bp
from app.experts import routes_declarations, routes_roster  # noqa: F401  (register their routes)
from app.experts import permissions as perm
from app.experts.filters import filters_from_args
from app.experts.forms import ExpertForm
from app.experts.models import Expert
from app.experts.routes_common import PER_PAGE_CHOICES, managed_tiers, organizations, render_detail, require_pool_access, today
from app.extensions import db
from app.paging import parse_paging
from app.transactions import ui_action
from expert_pool.codes import EXPERT_STATUSES

FILTER_KEYS = ("tier", "region_code", "specialty", "status", "q")
FILTER_LABELS = {"tier": "层级", "region_code": "行政区划", "specialty": "专业领域", "status": "状态", "q": "关键字"}
STATUS_ACTIONS = {"suspended": "暂停", "active": "恢复", "retired": "退出"}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page of the pool needs a signed-in user (anonymous → the sign-in page)."""


@bp.route("")
def index():
    require_pool_access()
    page, per_page = parse_paging(request.args, per_page=PER_PAGE_CHOICES[0], choices=PER_PAGE_CHOICES)
    args = {k: request.args[k].strip() for k in FILTER_KEYS if request.args.get(k, "").strip()}
    filter_errors: dict[str, str] = {}
    items, total, status = [], 0, 200
    sort = services.EXPERT_SORT.parse(request.args)
    try:
        filters = filters_from_args(request.args)
    except ValidationFailed as err:
        filter_errors, status = err.fields, 422
    else:
        stmt = services.EXPERT_SORT.apply(services.list_query(current_user, filters), sort)
        items, total = services.paginate(stmt, page, per_page)
    list_args = dict(args, per_page=per_page) if per_page != PER_PAGE_CHOICES[0] else dict(args)
    pager_args = dict(list_args, **sort.args())
    return render_template(
        "experts/list.html", experts=items, total=total, page=page, per_page=per_page, args=args,
        pager_args=pager_args, sort=sort, list_args=list_args, filter_errors=filter_errors, filter_labels=FILTER_LABELS,
        per_page_choices=PER_PAGE_CHOICES, today=today(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
def create():
    require_pool_access()
    form = ExpertForm().setup(organizations(), managed_tiers(current_user))

    def page(status: int, general=(), duplicate=None):
        return render_template("experts/form.html", form=form, expert=None, general_errors=list(general),
                               duplicate=duplicate, stale=None, fixed_tier=managed_tiers(current_user) is not None), status

    if request.method == "GET":
        org = current_user.organization if current_user.role == "officer" else None
        if org is not None:
            form.tier.data = perm.managed_tier(current_user)
            form.region_code.data = org.region_code
        return page(200)
    if not form.validate_on_submit():
        return page(422)
    return ui_action(lambda: services.create_expert(current_user, form.to_payload()),
                     done=lambda expert: f"已新增专家 {expert.name}。",
                     to=lambda expert: redirect(url_for("experts.detail", expert_id=expert.id)),
                     on_invalid=lambda err: page(422, form.add_errors(err.fields)),
                     on_error={Forbidden: lambda err: _outside_region(form, err, page),
                               Conflict: lambda err: page(409, *_duplicate(form, err))})


@bp.route("/<dbid:expert_id>")
def detail(expert_id: int):
    return render_detail(services.get_visible(current_user, expert_id))


@bp.route("/<dbid:expert_id>/edit", methods=["GET", "POST"])
def edit(expert_id: int):
    expert = services.get_visible(current_user, expert_id)
    if not perm.can_manage_expert(current_user, expert):
        raise Forbidden("只能修改本级、本辖区专家库中的专家")
    orgs = organizations()
    tiers = managed_tiers(current_user)
    if request.method == "GET":
        form = ExpertForm(data=ExpertForm.data_from_expert(expert)).setup(orgs, tiers)
        return render_template("experts/form.html", form=form, expert=expert, general_errors=[], duplicate=None,
                               stale=None, fixed_tier=tiers is not None)
    form = ExpertForm().setup(orgs, tiers)

    def page(status: int, general=(), duplicate=None, stale=None, differs=frozenset()):
        return render_template("experts/form.html", form=form, expert=expert, general_errors=list(general),
                               duplicate=duplicate, stale=stale, differs=set(differs), fixed_tier=tiers is not None), status

    if not form.validate_on_submit():
        return page(422)
    payload = form.to_payload()
    payload["version"] = read_version(form.version)
    seen_version = expert.version

    def conflict(err: Conflict):
        if err.code != "stale_version":
            return page(409, *_duplicate(form, err, exclude_id=expert.id))
        # Keep the user's input; show what the other person saved; the next save
        # (made knowingly) is checked against the version now shown.
        form.version.data = str(err.details.get("current_version", ""))
        current = err.details.get("current", {})
        return page(409, stale=serialize.current_values(current, {o.id: o.name for o in orgs}),
                    differs=serialize.differing_fields(current, form.to_payload()))

    def saved(_) -> tuple[str, str]:
        if expert.version == seen_version:
            return "未作任何修改。", "info"
        return f"已保存对专家 {expert.name} 的修改。", "success"

    return ui_action(lambda: services.update_expert(current_user, expert, payload), done=saved,
                     to=lambda _: redirect(url_for("experts.detail", expert_id=expert.id)),
                     on_invalid=lambda err: page(422, form.add_errors(err.fields)),
                     on_error={Forbidden: lambda err: _outside_region(form, err, page), Conflict: conflict})


def _outside_region(form: ExpertForm, err: Forbidden, page):
    """A region outside this user's pool: the message at that field, ``page(403)``."""
    form.add_errors({"region_code": err.message})
    return page(403)


@bp.route("/<dbid:expert_id>/status", methods=["POST"])
def change_status(expert_id: int):
    expert = services.get_visible(current_user, expert_id)
    if not perm.can_manage_expert(current_user, expert):
        raise Forbidden("只能修改本级、本辖区专家库中的专家")
    target = request.form.get("status", "")
    if target not in EXPERT_STATUSES:
        flash("未知的专家状态。", "danger")
        return redirect(url_for("experts.detail", expert_id=expert.id))
    raw_version = request.form.get("version", "")
    version = int(raw_version) if raw_version.isdigit() else -1
    name = expert.name
    expert_page = url_for("experts.detail", expert_id=expert.id)

    def conflict(err: Conflict):
        flash("该专家信息已被他人修改，请核对最新信息后重试。" if err.code == "stale_version" else err.message, "warning")
        return redirect(expert_page)

    def incomplete(err: ValidationFailed):
        flash(f"无法{STATUS_ACTIONS[target]}：{'；'.join(err.fields.values()) or err.message}（请先编辑补全该专家信息）", "danger")
        return redirect(expert_page)

    return ui_action(lambda: services.set_status(current_user, expert, target, version),
                     done=f"已将专家 {name} 的状态改为“{EXPERT_STATUSES[target]}”。", to=lambda _: redirect(expert_page),
                     on_error={Conflict: conflict}, on_invalid=incomplete)


def _duplicate(form: ExpertForm, err: Conflict, exclude_id: int | None = None):
    """A Conflict other than a stale version (the mobile number is taken in that tier's pool):
    the message next to the phone field, and the existing record when this user may see it."""
    fields = err.details if isinstance(err.details, dict) else {}
    general = form.add_errors({k: v for k, v in fields.items() if isinstance(v, str)}) if fields else [err.message]
    stmt = select(Expert).where(Expert.tier == form.tier.data, Expert.phone == (form.phone.data or "").replace(" ", "").replace("-", ""))
    if exclude_id:
        stmt = stmt.where(Expert.id != exclude_id)
    other = db.session.execute(stmt).scalars().first()
    if other is not None and not perm.can_view_expert(current_user, other):
        other = None
    return general, other
