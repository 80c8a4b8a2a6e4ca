"""Opinion pages: start a draft from a consultation, the editor (or the read-only document with
the signing, issuing and feedback panels) and saving a new version.

Handlers stay thin: load through ``services.get_visible`` (404 when the user may not see it) →
the service checks who may act (403) and validates → commit and redirect with a flash (PRG), or
re-render the page with the service's messages at the fields. A stale save re-renders the
editor with the user's own text kept and the other person's version beside it.
Actions (comments, signing, dissent, issuing, correction, feedback) are in ``routes_actions``;
files, preview and version history in ``routes_files``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.consultations import services as consultation_services
from app.errors import Conflict, ValidationFailed
from app.opinions import services
from app.opinions.blueprint import bp
from app.opinions import routes_actions, routes_files  # noqa: F401  (register their routes)
from app.opinions import content as C
from app.opinions import permissions as perm
from app.opinions.diff import _as_text
from app.opinions.forms import ActionForm, OpinionForm
from app.opinions.routes_common import back, load, render_detail
from app.transactions import ui_action


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every opinion page needs a signed-in user (anonymous → the sign-in page)."""


@bp.app_template_global("can_draft_opinion")
def can_draft_opinion(consultation) -> bool:
    """Whether to show “起草意见书” on the consultation page (POST to ``opinions.create``)."""
    if not current_user.is_authenticated or consultation.status not in services.DRAFTABLE_STATES:
        return False
    if any(o.status in ("draft", "issued") for o in consultation.opinions):
        return False
    return perm.can_draft(current_user, consultation)


COPYABLE = ("title", "addressee", *C.TEXT_SECTIONS, "legal_basis", "dissent", "cc")


def conflict_view(err: Conflict, submitted: dict) -> dict:
    """The other person's version next to the user's text, section by section."""
    details = err.details
    current = details.get("current", {})
    rows = []
    for name in details.get("changed_sections", []):
        if name not in C.LABELS:
            continue
        rows.append({"name": name, "label": C.LABELS[name], "mine": _as_text(name, submitted.get(name)),
                     "theirs": _as_text(name, current.get(name)), "copyable": name in COPYABLE})
    return {"message": err.message, "rows": rows, "version": details.get("current_version"),
            "updated_by": details.get("updated_by")}


@bp.route("/new")
def new():
    """Entry point the consultation page may link to: GET /opinions/new?consultation_id=N shows
    what will be pre-filled and a button that POSTs to ``opinions.create``; when the consultation
    already has a draft or an issued opinion, it goes there instead."""
    raw = request.args.get("consultation_id", "")
    if not raw.isdigit():
        abort(404)
    c = consultation_services.get_visible(current_user, int(raw))
    live = next((o for o in reversed(c.opinions) if o.status in ("draft", "issued")), None)
    if live is not None:
        return back(live.id)
    return render_template("opinions/new.html", consultation=c, case=c.case, can_draft=can_draft_opinion(c),
                           members=c.accepted_members(), form=ActionForm(formdata=None),
                           consultation_url=url_for("consultations.detail", consultation_id=c.id))


@bp.route("/new", methods=["POST"])
def create():
    """起草意见书 from the consultation page: POST /opinions/new?consultation_id=N (or the id in the form)."""
    raw = request.values.get("consultation_id", "")
    if not raw.isdigit():
        abort(404)
    c = consultation_services.get_visible(current_user, int(raw))

    def exists(err: Conflict):
        existing = err.details.get("opinion_id")
        flash(err.message, "warning")
        if existing:
            return back(existing)
        return redirect(url_for("consultations.detail", consultation_id=c.id))

    return ui_action(lambda: services.create_draft(current_user, c, {}),
                     done="已起草意见书第 1 版，已按信访事项和会商情况预填有关章节，请补充完善。",
                     to=lambda opinion: back(opinion.id), on_error={Conflict: exists})


@bp.route("/<dbid:opinion_id>")
def detail(opinion_id: int):
    return render_detail(load(opinion_id))


@bp.route("/<dbid:opinion_id>/save", methods=["POST"])
def save(opinion_id: int):
    opinion = load(opinion_id)
    form = OpinionForm()
    payload = form.payload()
    had_signatures = bool(opinion.signatures)

    def invalid(err: ValidationFailed):
        general = form.add_errors(err.fields)
        return render_detail(load(opinion_id), 422, form=form, errors={"save": general or [err.message]})

    def conflict(err: Conflict):
        if err.code != "stale_version":
            flash(err.message, "warning")
            return back(opinion_id)
        current = load(opinion_id)
        form.version.data = str(current.version)
        return render_detail(current, 409, form=form, conflict=conflict_view(err, payload))

    def saved(result) -> tuple[str, str]:
        saved_opinion, changed = result
        if not changed:
            return "内容没有变化，未生成新版本。", "info"
        return f"已保存为第 {saved_opinion.version} 版。" + ("已有的签名随之失效，需重新签署。" if had_signatures else ""), "success"

    return ui_action(lambda: services.update(current_user, opinion, payload), done=saved,
                     to=lambda _: back(opinion_id), on_invalid=invalid, on_error={Conflict: conflict})

