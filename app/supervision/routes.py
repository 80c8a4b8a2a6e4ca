"""Supervision pages: the dashboard with its charts and tables, the drill-down lists, and the
exports. Handlers stay thin — check access → call the queries or services → render. The case
supervision page, extension and notice actions are in routes_actions; the PDFs in routes_documents.
"""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user, login_required

from app import clock
from app.errors import NotFound, ValidationFailed
from app.paging import parse_paging
from app.supervision import dashboard, exports
from app.supervision import lists as L
from app.supervision import routes_actions, routes_documents  # noqa: F401  (register their routes)
from app.supervision.blueprint import bp
from app.supervision.routes_common import page_filters, require_viewer
from app.transactions import ui_action
from expert_pool.codes import CATEGORIES

DRILL_ARGS = ("status", "backlog", "overdue", "kind", "state", "tier", "feedback")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every supervision page needs a signed-in user (anonymous → the sign-in page)."""


@bp.route("/")
def index():
    require_viewer()
    f, args, errors = page_filters()
    charts = dashboard.build(current_user, f, args.get("region_code", ""), clock.today())
    return render_template("supervision/dashboard.html", charts=charts, args=args, filter_errors=errors,
                           categories=CATEGORIES, today=clock.today()), 422 if errors else 200


def _drill_args() -> dict[str, str]:
    return {k: request.args[k] for k in DRILL_ARGS if request.args.get(k)}


def _known(what: str) -> None:
    if what not in L.WHATS:
        raise NotFound("没有这种明细")


@bp.route("/list/<what>")
def drill(what: str):
    require_viewer()
    _known(what)
    f, args, errors = page_filters()
    page, per_page = parse_paging(request.args, per_page=50, choices=(50,))
    try:
        listing = L.listing(current_user, what, f, _seg_args(), clock.today(), page, per_page)
    except ValidationFailed as err:
        errors = {**errors, **err.fields}
        listing = None
    return render_template("supervision/list.html", listing=listing, what=what, args=args, link_args={**args, **_drill_args()},
                           filter_errors=errors, page=page, per_page=per_page), 422 if errors or listing is None else 200


def _seg_args() -> dict[str, str]:
    """What narrows the list beyond the filters: the clicked segment's status, kind, state …"""
    return {k: request.args[k] for k in DRILL_ARGS if request.args.get(k)}


@bp.route("/list/<what>/export")
def drill_export(what: str):
    require_viewer()
    _known(what)
    f, _, _ = page_filters()
    return ui_action(lambda: exports.export_list(current_user, what, f, _seg_args(), clock.today()),
                     to=lambda e: Response(e.content, mimetype=e.mimetype,
                                           headers={"Content-Disposition": e.content_disposition}))


@bp.route("/tables/<name>/export")
def table_export(name: str):
    require_viewer()
    f, args, _ = page_filters()
    return ui_action(lambda: exports.export_table(current_user, name, f, args.get("region_code", ""), clock.today()),
                     to=lambda e: Response(e.content, mimetype=e.mimetype,
                                           headers={"Content-Disposition": e.content_disposition}))
