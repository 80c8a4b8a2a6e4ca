"""The expert panel on the page: the random draw (随机抽取), additional reserves when they run
out (追加候补), the verification page (复核抽取) and the invitation answers (接受 / 谢绝).

There is deliberately no way to choose members: the officer starts a draw and the service
records seed, candidates and result; every draw can be recomputed on the verification page.
When the pool cannot staff the panel the page shows why (eligible vs needed, exclusions per
reason) instead of a generic error.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.consultations import panel
from app.consultations.blueprint import bp
from app.consultations import permissions as perm
from app.consultations.forms import DrawForm, ReasonForm, ReservesForm
from app.consultations.models import Consultation
from app.consultations.routes_common import back, case_url, expert_names, form_errors, load, render_detail
from app.errors import ValidationFailed
from app.extensions import db
from app.transactions import ui_action


def _drawing(consultation_id: int, key: str, form, action, success: str):
    """Run a draw (``action(user, consultation, payload)``) from the panel forms: the pool's
    shortfall, bad input or a wrong state shown on the page; ``success(record)`` flashed."""
    c = load(consultation_id, for_update=True)

    def short(err: panel.InsufficientPool):
        return render_detail(load(consultation_id), 422, forms={key: form}, open_panel=key,
                             insufficient={"message": err.message, **err.details})

    def invalid(err: ValidationFailed):
        return render_detail(load(consultation_id), 422, forms={key: form}, errors={key: form_errors(form, err)},
                             open_panel=key)

    return ui_action(lambda: action(current_user, c, form.to_payload()), done=success,
                     to=lambda _: back(consultation_id, "panel"), back=lambda: back(consultation_id),
                     on_error={panel.InsufficientPool: short}, on_invalid=invalid)


@bp.route("/<dbid:consultation_id>/panel", methods=["POST"])
def draw(consultation_id: int):
    return _drawing(consultation_id, "draw", DrawForm(prefix="draw"), panel.draw,
                    lambda record: f"已随机抽取专家组（随机种子 {record.seed}），已向入选专家发出邀请。")


@bp.route("/<dbid:consultation_id>/panel/reserves", methods=["POST"])
def draw_reserves(consultation_id: int):
    return _drawing(consultation_id, "reserves", ReservesForm(prefix="reserves"), panel.draw_more_reserves,
                    lambda record: f"已追加抽取候补专家 {len(record.result.get('reserves', []))} 名"
                                   f"（随机种子 {record.seed}），空缺席位已递补。")


@bp.route("/<dbid:consultation_id>/panel/verify")
def verify(consultation_id: int):
    """复核抽取: recompute every recorded draw from its seed and candidate list."""
    c = load(consultation_id)
    result = panel.verify(c)
    ids = [m["expert_id"] for m in result["members"] + result["recorded_members"] + result["reserves"]]
    initial = next(d for d in c.draws if d.kind == "initial")
    ids += [r["expert_id"] for r in initial.result.get("reserves", [])]
    for extra in result["additional_draws"]:
        ids += [r["expert_id"] for r in extra["reserves"]]
    recorded_extra = {d.id: d.result.get("reserves", []) for d in c.draws if d.kind != "initial"}
    for rows in recorded_extra.values():
        ids += [r["expert_id"] for r in rows]
    rows = _pairs(result["recorded_members"], result["members"], "role")
    reserve_rows = _pairs(initial.result.get("reserves", []), result["reserves"], "rank")
    extra_rows = [{"draw": extra, "rows": _pairs(recorded_extra.get(extra["draw_id"], []), extra["reserves"], "rank")}
                  for extra in result["additional_draws"]]
    return render_template("consultations/verify.html", c=c, result=result, names=expert_names(ids), rows=rows,
                           reserve_rows=reserve_rows, extra_rows=extra_rows, initial=initial,
                           case_link=case_url(c.case))


def _pairs(recorded: list[dict], recomputed: list[dict], key: str) -> list[dict]:
    """Recorded and recomputed entries side by side, position by position."""
    out = []
    for i in range(max(len(recorded), len(recomputed))):
        a = recorded[i] if i < len(recorded) else None
        b = recomputed[i] if i < len(recomputed) else None
        same = a is not None and b is not None and a["expert_id"] == b["expert_id"] and a.get(key) == b.get(key)
        out.append({"recorded": a, "recomputed": b, "same": same})
    return out


@bp.route("/<dbid:consultation_id>/invitations/<dbid:expert_id>", methods=["POST"])
def respond(consultation_id: int, expert_id: int):
    """接受 / 谢绝 — the invited expert themself, or the staffing officer recording an answer
    received by other means (the service checks which)."""
    c = load(consultation_id, for_update=True)
    response = request.form.get("response", "")
    form = ReasonForm(prefix="decline")
    payload = {"response": response}
    if response == "decline":
        payload["reason"] = form.reason.data or ""

    def invalid(err: ValidationFailed):
        c = load(consultation_id)
        if response != "decline":
            flash(err.message, "danger")
            return back(consultation_id)
        return render_detail(c, 422, forms={"decline": form}, errors={"decline": form_errors(form, err)},
                             open_panel=f"decline-{expert_id}")

    def answered(member) -> str:
        name = member.expert.name
        own = current_user.role == "expert"
        if response == "accept":
            return "您已接受会商邀请。" if own else f"已登记专家 {name} 接受邀请。"
        return "您已谢绝本次会商邀请，感谢告知。" if own else f"已登记专家 {name} 谢绝邀请，候补专家已按序递补。"

    return ui_action(lambda: panel.respond(current_user, c, expert_id, payload), done=answered,
                     back=lambda: _after_response(consultation_id), on_invalid=invalid)


def _after_response(consultation_id: int):
    """Back to the consultation — or to the list when the expert no longer sits on it."""
    c = db.session.get(Consultation, consultation_id)
    if c is not None and perm.can_view_consultation(current_user, c):
        return back(consultation_id, "panel")
    return redirect(url_for("consultations.index"))


@bp.route("/<dbid:consultation_id>/invitations", methods=["POST"])
def respond_all(consultation_id: int):
    """登记专家答复 for several experts in one form (``response-<id>``, ``reason-<id>``): the
    officer records what was received by telephone or letter; nothing is saved unless all are valid."""
    c = load(consultation_id, for_update=True)
    answers: dict[int, dict] = {}
    values: dict[str, str] = {}
    for m in c.awaiting_members():
        response = request.form.get(f"response-{m.expert_id}", "").strip()
        reason = request.form.get(f"reason-{m.expert_id}", "")
        values[f"response-{m.expert_id}"], values[f"reason-{m.expert_id}"] = response, reason
        if response:
            answers[m.expert_id] = {"response": response, "reason": reason.strip()}

    def invalid(err: ValidationFailed):
        return render_detail(load(consultation_id), 422, open_panel="respond-all",
                             bulk={"form": "respond", "values": values, "errors": err.fields,
                                   "message": err.message})

    return ui_action(lambda: panel.respond_many(current_user, c, answers),
                     done=lambda members: f"已登记 {len(members)} 位专家的答复。",
                     back=lambda: back(consultation_id, "panel"), to=lambda _: back(consultation_id, "panel"),
                     on_invalid=invalid)
