"""View helpers shared by the opinion route modules: loading a visible opinion, redirecting back
to it, and the opinion page (re-shown with a form's errors)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from app.documents import render_html
from app.opinions import content as C
from app.opinions import permissions as perm
from app.opinions import services
from app.opinions.forms import ActionForm, CommentForm, DissentForm, FeedbackForm, OpinionForm, SignForm
from app.opinions.issuing import document_for, unsigned_members
from app.opinions.models import OUTCOMES, Opinion
from app.opinions.serialize import abilities, citation_suggestions, citation_warnings, signature_status


def load(opinion_id: int) -> Opinion:
    return services.get_visible(current_user, opinion_id)


def back(opinion_id: int, anchor: str | None = None):
    return redirect(url_for("opinions.detail", opinion_id=opinion_id, _anchor=anchor))


def render_detail(opinion: Opinion, status: int = 200, *, form: OpinionForm | None = None, conflict: dict | None = None,
                  forms: dict | None = None, errors: dict | None = None, open_panel: str | None = None,
                  confirm_feedback: dict | None = None):
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
        doc_html = render_html(document_for(opinion), fragment=True)
    c = opinion.consultation
    superseded_by = next((o for o in c.opinions if o.supersedes_id == opinion.id), None)
    return render_template(
        "opinions/detail.html", opinion=opinion, consultation=c, case=c.case, can=can, form=form, forms=forms,
        errors=errors or {}, open_panel=open_panel, conflict=conflict, signers=signature_status(opinion),
        unsigned=unsigned_members(opinion), missing=C.missing_sections(opinion), labels=C.LABELS,
        required=C.REQUIRED_FOR_SIGNING,
        suggestions=citation_suggestions(opinion) if opinion.status == "draft" else [], comments=comments,
        citation_warnings=citation_warnings(opinion),
        open_comments=open_comments, confirm_feedback=confirm_feedback, outcomes=OUTCOMES,
        seat=seat, my_dissent=mine, signed_by_me=signed_by_me, doc_html=doc_html, superseded_by=superseded_by,
        consultation_url=url_for("consultations.detail", consultation_id=c.id),
        case_url=url_for("cases.detail", case_id=c.case_id),
    ), status
