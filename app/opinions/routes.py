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
from app.extensions import db
from app.opinions import bp, services
from app.opinions import content as C
from app.opinions import permissions as perm
from app.opinions.diff import _as_text
from app.opinions.forms import ActionForm, CommentForm, DissentForm, FeedbackForm, OpinionForm, SignForm
from app.opinions.issuing import document_for, unsigned_members
from app.opinions.models import Opinion
from app.opinions.serialize import abilities, citation_suggestions, signature_status


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


def load(opinion_id: int) -> Opinion:
    return services.get_visible(current_user, opinion_id)


def back(opinion_id: int, anchor: str | None = None):
    return redirect(url_for("opinions.detail", opinion_id=opinion_id, _anchor=anchor))


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


def render_detail(opinion: Opinion, status: int = 200, *, form: OpinionForm | None = None, conflict: dict | None = None,
                  forms: dict | None = None, errors: dict | None = None, open_panel: str | None = None):
    user = current_user
    can = abilities(user, opinion)
    if form is None and can["edit"]:
        form = OpinionForm(formdata=None)
        form.fill(opinion)
    forms = {"sign": SignForm(formdata=None, prefix="sign"), "dissent": DissentForm(formdata=None, prefix="dissent"),
             "comment": CommentForm(formdata=None, prefix="comment"), "feedback": FeedbackForm(formdata=None, prefix="feedback"),
             "action": ActionForm(formdata=None)} | (forms or {})
    seat = perm.accepted_seat(user, opinion.consultation)
    mine = next((d for d in opinion.dissents if seat is not None and d.expert_id == seat.expert_id), None)
    signed_by_me = seat is not None and any(s.expert_id == seat.expert_id and s.version == opinion.version
                                            for s in opinion.signatures)
    if mine is not None and not forms["dissent"].text.data:
        forms["dissent"].text.data = mine.text
    comments = list(opinion.comments) if perm.sees_comments(user, opinion) else []
    open_comments: dict[str, int] = {}
    for comment in comments:
        if not comment.resolved:
            open_comments[comment.section] = open_comments.get(comment.section, 0) + 1
    doc_html = None
    if form is None:
        from app.documents import render_html

        doc_html = render_html(document_for(opinion), fragment=True)
    c = opinion.consultation
    superseded_by = next((o for o in c.opinions if o.supersedes_id == opinion.id), None)
    return render_template(
        "opinions/detail.html", opinion=opinion, consultation=c, case=c.case, can=can, form=form, forms=forms,
        errors=errors or {}, open_panel=open_panel, conflict=conflict, signers=signature_status(opinion),
        unsigned=unsigned_members(opinion), missing=C.missing_sections(opinion), labels=C.LABELS,
        required=C.REQUIRED_FOR_SIGNING,
        suggestions=citation_suggestions(opinion) if opinion.status == "draft" else [], comments=comments,
        open_comments=open_comments, seat=seat, my_dissent=mine, signed_by_me=signed_by_me, doc_html=doc_html, superseded_by=superseded_by,
        consultation_url=url_for("consultations.detail", consultation_id=c.id),
        case_url=url_for("cases.detail", case_id=c.case_id),
    ), status


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
                           members=perm.accepted_members(c), form=ActionForm(formdata=None),
                           consultation_url=url_for("consultations.detail", consultation_id=c.id))


@bp.route("/new", methods=["POST"])
def create():
    """起草意见书 from the consultation page: POST /opinions/new?consultation_id=N (or the id in the form)."""
    raw = request.values.get("consultation_id", "")
    if not raw.isdigit():
        abort(404)
    c = consultation_services.get_visible(current_user, int(raw))
    try:
        opinion = services.create_draft(current_user, c, {})
    except Conflict as err:
        db.session.rollback()
        existing = err.details.get("opinion_id")
        flash(err.message, "warning")
        if existing:
            return back(existing)
        return redirect(url_for("consultations.detail", consultation_id=c.id))
    db.session.commit()
    flash("已起草意见书第 1 版，已按信访事项和会商情况预填有关章节，请补充完善。", "success")
    return back(opinion.id)


@bp.route("/<dbid:opinion_id>")
def detail(opinion_id: int):
    return render_detail(load(opinion_id))


@bp.route("/<dbid:opinion_id>/save", methods=["POST"])
def save(opinion_id: int):
    opinion = load(opinion_id)
    form = OpinionForm()
    payload = form.payload()
    had_signatures = bool(opinion.signatures)
    try:
        opinion, changed = services.update(current_user, opinion, payload)
    except ValidationFailed as err:
        db.session.rollback()
        general = form.add_errors(err.fields)
        return render_detail(load(opinion_id), 422, form=form, errors={"save": general or [err.message]})
    except Conflict as err:
        db.session.rollback()
        if err.code != "stale_version":
            flash(err.message, "warning")
            return back(opinion_id)
        opinion = load(opinion_id)
        form.version.data = str(opinion.version)
        return render_detail(opinion, 409, form=form, conflict=conflict_view(err, payload))
    db.session.commit()
    if changed:
        flash(f"已保存为第 {opinion.version} 版。" + ("已有的签名随之失效，需重新签署。" if had_signatures else ""), "success")
    else:
        flash("内容没有变化，未生成新版本。", "info")
    return back(opinion_id)


from app.opinions import routes_actions, routes_files  # noqa: E402, F401
