"""Actions on the opinion page: comments, signing (always with the password), dissent,
issuing, correction and the agency's feedback. Each is a POST with a CSRF token; success →
flash and redirect (PRG); a validation error → the page again with the form's messages; a state
conflict or a wrong password → the service's message as a flash."""

from __future__ import annotations

from flask import flash
from flask_login import current_user

from app.errors import Conflict, RateLimited, Unauthorized, ValidationFailed
from app.opinions import feedback as issuing_feedback
from app.opinions import issuing, services
from app.opinions.blueprint import bp
from app.opinions.forms import CommentForm, DissentForm, FeedbackForm, SignForm
from app.opinions.routes_common import back, load, render_detail
from app.transactions import ui_action


def _invalid(opinion_id: int, key: str, form, err: ValidationFailed):
    general = form.add_errors(err.fields) if err.fields else []
    if err.code == "incomplete_opinion" or not err.fields:
        general = [err.message]
    return render_detail(load(opinion_id), 422, forms={key: form}, errors={key: general}, open_panel=key)


@bp.route("/<dbid:opinion_id>/comments", methods=["POST"])
def comment(opinion_id: int):
    opinion = load(opinion_id)
    form = CommentForm(prefix="comment")
    return ui_action(
        lambda: services.add_comment(current_user, opinion, {"section": form.section.data or "", "text": form.text.data or ""}),
        done="评论已发表。", to=lambda _: back(opinion_id, "comments"), back=lambda: back(opinion_id),
        on_invalid=lambda err: _invalid(opinion_id, "comment", form, err))


@bp.route("/<dbid:opinion_id>/comments/<dbid:comment_id>/resolve", methods=["POST"])
def resolve_comment(opinion_id: int, comment_id: int):
    return ui_action(lambda: services.resolve_comment(current_user, load(opinion_id), comment_id),
                     done="评论已标记为已处理。", to=lambda _: back(opinion_id, "comments"))


@bp.route("/<dbid:opinion_id>/sign", methods=["POST"])
def sign(opinion_id: int):
    """The page always asks for the password (re-authentication before signing)."""
    opinion = load(opinion_id)
    form = SignForm(prefix="sign")
    password = form.password.data or ""

    def run() -> int:
        if not password:
            services.require_member(current_user, opinion, "签署意见书")
            raise ValidationFailed({"password": "请输入登录密码以确认签署"})
        version = opinion.version
        services.sign(current_user, opinion, password=password)
        return version

    def refused(err: Unauthorized | RateLimited):
        form.password.errors = [err.message]
        return render_detail(load(opinion_id), err.status, forms={"sign": form}, errors={"sign": []}, open_panel="sign")

    return ui_action(run, done=lambda version: f"您已签署意见书第 {version} 版。",
                     back=lambda: back(opinion_id, "signatures"), on_error={(Unauthorized, RateLimited): refused},
                     on_invalid=lambda err: _invalid(opinion_id, "sign", form, err))


@bp.route("/<dbid:opinion_id>/dissent", methods=["POST"])
def dissent(opinion_id: int):
    opinion = load(opinion_id)
    form = DissentForm(prefix="dissent")
    return ui_action(
        lambda: services.set_dissent(current_user, opinion, {"text": form.text.data or ""})[0],
        done=lambda result: "少数意见已撤回。" if result is None else "少数意见已记录，将印在意见书中；各成员需重新签署。",
        back=lambda: back(opinion_id, "signatures"), on_invalid=lambda err: _invalid(opinion_id, "dissent", form, err))


@bp.route("/<dbid:opinion_id>/issue", methods=["POST"])
def issue(opinion_id: int):
    opinion = load(opinion_id)

    def not_ready(err: ValidationFailed):
        flash(err.message, "danger")
        return back(opinion_id, "issue")

    return ui_action(lambda: issuing.issue(current_user, opinion),
                     done=lambda issued: f"意见书已印发，发文字号 {issued.number}。已通知有权处理机关和专家组。",
                     to=lambda _: back(opinion_id), back=lambda: back(opinion_id, "issue"), on_invalid=not_ready)


@bp.route("/<dbid:opinion_id>/correction", methods=["POST"])
def correct(opinion_id: int):
    def elsewhere(err: Conflict):
        flash(err.message, "warning")
        return back(err.details.get("opinion_id") or opinion_id)

    return ui_action(lambda: issuing.correct(current_user, load(opinion_id)),
                     done="已起草更正意见书。修改并经专家组全体重新签署、印发后，将替代原意见书。",
                     to=lambda new: back(new.id), on_error={Conflict: elsewhere})


@bp.route("/<dbid:opinion_id>/feedback", methods=["POST"])
def feedback(opinion_id: int):
    """Two steps: the filled form is checked and shown back for confirmation (nothing is
    recorded); the confirmation records it, closing the consultation (and a resolved case)."""
    opinion = load(opinion_id)
    form = FeedbackForm(prefix="feedback")
    payload = form.to_payload()
    if form.confirmed.data != "1":
        try:
            issuing_feedback.check(current_user, opinion, payload)
        except ValidationFailed as err:
            return _invalid(opinion_id, "feedback", form, err)
        except Conflict as err:
            flash(err.message, "warning")
            return back(opinion_id, "feedback")
        return render_detail(opinion, forms={"feedback": form}, open_panel="feedback", confirm_feedback=payload)
    return ui_action(lambda: issuing.add_feedback(current_user, opinion, payload), done="落实情况已反馈，会商办结。",
                     back=lambda: back(opinion_id, "feedback"),
                     on_invalid=lambda err: _invalid(opinion_id, "feedback", form, err))
