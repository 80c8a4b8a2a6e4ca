"""The case's supervision page (its deadlines, extension requests, supervision notices) and the
actions on it: request an extension (agency), decide it (office), issue a notice (office), reply
to a notice (agency). One ``ui_action`` per action; an empty or bad form is shown again (422)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from app import clock
from app.cases.services import get_visible_case
from app.errors import ValidationFailed
from app.supervision import permissions as perm
from app.supervision import queries as Q
from app.supervision import rules as R
from app.supervision import services
from app.supervision.blueprint import bp
from app.supervision.routes_common import form_payload, require_viewer
from app.transactions import ui_action


def case_deadlines(case) -> list[Q.Item]:
    """The case's own open deadlines (handling, acceptance, its consultations', its notices')."""
    today, th = clock.today(), R.thresholds()
    items = []
    if case.status != Q.CLOSED_CASE:
        if case.due_date is not None:
            items.append(Q.to_item("case", case, today, th))
        if case.accepted_on is None:
            items.append(Q.to_item("case_acceptance", case, today, th))
    items += [Q.to_item("consultation", c, today, th) for c in case.consultations if c.status in Q.OPEN_CONSULTATION]
    items += [Q.to_item("supervision_notice", n, today, th) for n in services.notices_of(case.id) if n.status == "open"]
    return sorted(items, key=lambda i: i.due_on)


def render_case(case_id: int, errors: dict | None = None, form: str = "", status: int = 200):
    case = get_visible_case(current_user, case_id)
    require_viewer()
    return render_template(
        "supervision/case.html", case=case, deadlines=case_deadlines(case), extensions=services.extensions_of(case.id),
        notices=services.notices_of(case.id), can_request=perm.can_request_extension(current_user, case),
        can_supervise=perm.can_supervise_case(current_user, case), rules=R.rules(), errors=errors or {}, form=form,
        today=clock.today()), status


@bp.route("/cases/<dbid:case_id>")
def case_page(case_id: int):
    return render_case(case_id)


def _invalid(case_id: int, form: str):
    return lambda err: render_case(case_id, err.fields, form, 422)


@bp.route("/cases/<dbid:case_id>/extensions", methods=["POST"])
def request_extension(case_id: int):
    return ui_action(
        lambda: services.request_extension(current_user, case_id, _ints(form_payload("days", "reason"), "days")),
        done="延期申请已提交，等待信访部门审批", to=lambda r: redirect(url_for(".case_page", case_id=case_id)),
        back=lambda: redirect(url_for(".case_page", case_id=case_id)), on_invalid=_invalid(case_id, "extension"))


@bp.route("/extensions/<dbid:extension_id>/decision", methods=["POST"])
def decide_extension(extension_id: int):
    row = services.get_extension(current_user, extension_id)
    payload = form_payload("note")
    if "approve" in form_payload("approve"):
        payload["approve"] = form_payload("approve")["approve"] == "1"
    return ui_action(
        lambda: services.decide_extension(current_user, extension_id, payload),
        done=lambda r: "已批准延期" if r.status == "approved" else "已作出不批准决定",
        to=lambda r: redirect(url_for(".case_page", case_id=row.case_id)),
        back=lambda: redirect(url_for(".case_page", case_id=row.case_id)), on_invalid=_invalid(row.case_id, "decision"))


@bp.route("/cases/<dbid:case_id>/notices", methods=["POST"])
def issue_notice(case_id: int):
    return ui_action(
        lambda: services.issue_notice(current_user, case_id, form_payload("due_on", "requirements")),
        done=lambda n: f"督办单 {n.number} 已发出", to=lambda n: redirect(url_for(".notice_page", notice_id=n.id)),
        back=lambda: redirect(url_for(".case_page", case_id=case_id)), on_invalid=_invalid(case_id, "notice"))


def render_notice(notice_id: int, errors: dict | None = None, status: int = 200):
    notice = services.get_notice(current_user, notice_id)
    return render_template("supervision/notice.html", notice=notice, can_reply=perm.can_reply_notice(current_user, notice),
                           errors=errors or {}), status


@bp.route("/notices/<dbid:notice_id>")
def notice_page(notice_id: int):
    return render_notice(notice_id)


@bp.route("/notices/<dbid:notice_id>/reply", methods=["POST"])
def reply_notice(notice_id: int):
    return ui_action(
        lambda: services.reply_notice(current_user, notice_id, form_payload("text")),
        done="督办单已回复", to=lambda n: redirect(url_for(".notice_page", notice_id=n.id)),
        back=lambda: redirect(url_for(".notice_page", notice_id=notice_id)),
        on_invalid=lambda err: render_notice(notice_id, err.fields, 422))


def _ints(payload: dict, *names: str) -> dict:
    for name in names:
        if name in payload:
            raw = payload[name]
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
                raise ValidationFailed({name: "应为整数"})
            payload[name] = int(raw)
    return payload
