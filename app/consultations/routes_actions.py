"""The request's life on the detail page: accept (受理), return for completion (退回补正),
escalate to the higher-tier pool (上级专家库援助), withdraw (撤回), close (办结) and rate the
panel (评价). Each is a POST with a CSRF token; success → flash and redirect (PRG); a
validation error → the page again with the form open and the message at the field; a state
conflict → the service's message as a flash."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user

from app.consultations import services
from app.consultations.blueprint import bp
from app.consultations import permissions as perm
from app.consultations.forms import RatingForm, ReasonForm
from app.consultations.routes_common import back, form_errors, load, render_detail
from app.errors import ValidationFailed
from app.transactions import ui_action


def _reason_action(consultation_id: int, key: str, action, done: str):
    """Run ``action(user, c, {"reason": …})`` from the ``key``-prefixed reason form."""
    c = load(consultation_id, for_update=True)
    form = ReasonForm(prefix=key)
    return ui_action(lambda: action(current_user, c, {"reason": form.reason.data or ""}), done=done,
                     back=lambda: back(consultation_id), on_invalid=lambda err: _reshow(consultation_id, key, form, err))


def _reshow(consultation_id: int, key: str, form, err: ValidationFailed):
    """The page again with the ``key`` form open and its messages (422)."""
    return render_detail(load(consultation_id), 422, forms={key: form}, errors={key: form_errors(form, err)},
                         open_panel=key)


@bp.route("/<dbid:consultation_id>/accept", methods=["POST"])
def accept(consultation_id: int):
    c = load(consultation_id, for_update=True)
    return ui_action(lambda: services.accept(current_user, c), done="已受理会商申请，可随机抽取专家组。",
                     back=lambda: back(consultation_id))


@bp.route("/<dbid:consultation_id>/return", methods=["POST"])
def return_request(consultation_id: int):
    return _reason_action(consultation_id, "return", services.return_for_completion,
                          "已退回补正，申请单位将收到退回理由。")


@bp.route("/<dbid:consultation_id>/escalate", methods=["POST"])
def escalate(consultation_id: int):
    c = load(consultation_id, for_update=True)
    form = ReasonForm(prefix="escalate")

    def escalated(esc) -> str:
        target = esc.to_office.name if esc.to_office else "上级信访部门"
        return f"已申请上级专家库援助，现由{target}承办并抽取专家。"

    def after(_):
        if perm.can_view_consultation(current_user, c):
            return back(consultation_id)
        return redirect(url_for("consultations.index"))

    return ui_action(lambda: services.escalate(current_user, c, {"reason": form.reason.data or ""}),
                     done=escalated, to=after, back=lambda: back(consultation_id),
                     on_invalid=lambda err: _reshow(consultation_id, "escalate", form, err))


@bp.route("/<dbid:consultation_id>/withdraw", methods=["POST"])
def withdraw(consultation_id: int):
    return _reason_action(consultation_id, "withdraw", services.withdraw, "已撤回会商申请。")


@bp.route("/<dbid:consultation_id>/close", methods=["POST"])
def close(consultation_id: int):
    return _reason_action(consultation_id, "close", services.close, "会商已办结，请对专家组成员进行评价。")


@bp.route("/<dbid:consultation_id>/ratings", methods=["POST"])
def rate_all(consultation_id: int):
    """评价 every member in one form (``score-<id>``, ``comment-<id>``); blank rows are skipped,
    nothing is saved unless every filled row is valid."""
    c = load(consultation_id)
    entries: dict[int, dict] = {}
    values: dict[str, str] = {}
    for m in c.accepted_members():
        score = request.form.get(f"score-{m.expert_id}", "").strip()
        comment = request.form.get(f"comment-{m.expert_id}", "")
        values[f"score-{m.expert_id}"], values[f"comment-{m.expert_id}"] = score, comment
        if score or comment.strip():
            entries[m.expert_id] = {"score": score, "comment": comment.strip()}
    return ui_action(
        lambda: services.rate_many(current_user, c, entries),
        done=lambda rows: f"已评价 {len(rows)} 位专家。", back=lambda: back(consultation_id, "ratings"),
        to=lambda _: back(consultation_id, "ratings"),
        on_invalid=lambda err: render_detail(load(consultation_id), 422,
                                             bulk={"form": "rate", "values": values, "errors": err.fields,
                                                   "message": err.message}))


@bp.route("/<dbid:consultation_id>/ratings/<dbid:expert_id>", methods=["POST"])
def rate(consultation_id: int, expert_id: int):
    c = load(consultation_id)
    if not any(m.expert_id == expert_id for m in c.members):
        abort(404)  # the URL names a panel seat this consultation does not have
    form = RatingForm(prefix=f"rate{expert_id}")
    return ui_action(
        lambda: services.rate(current_user, c, form.to_payload(expert_id)),
        done=lambda rating: f"已评价（{rating.score} 分）。", back=lambda: back(consultation_id, "ratings"),
        on_invalid=lambda err: render_detail(load(consultation_id), 422, errors={"rate": form_errors(form, err)},
                                             rating_form=form, rating_expert_id=expert_id))
