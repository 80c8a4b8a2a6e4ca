"""Meeting pages: the consultation's meeting section on a page of its own (suggested slots,
scheduling, rescheduling, cancelling, minutes) and the .ics download.

The section itself is ``templates/meetings/_consultation_section.html``; the consultation page
includes it too. Its forms post here. A refusal (non-working day, outside office hours, a
member busy, a missing place or link) re-renders the section with the Chinese message and the
members named, keeping what was entered; success redirects back where the form came from.
"""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.consultations import permissions as perm
from app.consultations import services as cs
from app.errors import AppError, ValidationFailed
from app.meetings import calendar as cal
from app.meetings import services
from app.meetings.blueprint import bp
from app.meetings.forms import CancelForm, MinutesForm, ScheduleForm
from app.meetings.serialize import meeting_ics
from app.timeutil import SHANGHAI, WEEKDAYS, format_span
from app.transactions import ui_action


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every meeting page needs a signed-in user."""


def _safe_next(value: str | None) -> str:
    value = (value or "").strip()
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else ""


def _page(c, status: int = 200, error: AppError | None = None, values: dict | None = None, action: str = ""):
    """The meeting section of consultation ``c`` on its own page, with slots when asked for."""
    slots = slot_query = None
    slot_warnings: list[str] = []
    slot_errors: dict[str, str] = {}
    query_args = request.args
    if request.method == "POST" and request.form.get("slot_from"):  # a refused pick keeps the slot list
        query_args = {"from": request.form.get("slot_from"), "to": request.form.get("slot_to"),
                      "duration_minutes": request.form.get("duration_minutes")}
    if "from" in query_args or "to" in query_args:
        try:
            slot_query = services.parse_slot_query(query_args)
        except ValidationFailed as err:
            slot_errors, status = err.fields, 422
        else:
            found = services.suggest_slots(c, slot_query)
            slots, slot_warnings = found["slots"], found["warnings"]
    return render_template(
        "meetings/consultation.html", consultation=c, can_staff=perm.can_staff(current_user, c), slots=slots,
        slot_query=slot_query, slot_warnings=slot_warnings, slot_errors=slot_errors, meeting_error=error,
        meeting_values=values or {}, meeting_action=action, slot_groups=_group_slots(slots or []),
    ), status


def _group_slots(slots) -> list[dict]:
    """Slots by day for the picker: [{"day": "2026年10月12日（星期一）", "slots": [{"value", "label"}]}]."""
    groups: list[dict] = []
    for start, end in slots:
        s, e = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
        day = f"{s.year}年{s.month}月{s.day}日（星期{WEEKDAYS[s.weekday()]}）"
        if not groups or groups[-1]["day"] != day:
            groups.append({"day": day, "slots": []})
        groups[-1]["slots"].append({"value": s.isoformat(), "label": f"{s:%H:%M}—{e:%H:%M}"})
    return groups


@bp.app_template_filter("meeting_span")
def meeting_span(meeting) -> str:
    """``2026年10月12日（星期一）09:30—11:30`` for a meeting (Asia/Shanghai)."""
    return format_span(meeting.start, meeting.end)


def _back(c, form) -> Response:
    """Where the form came from (a safe ``next``), else the meeting page."""
    return redirect(_safe_next(form.next.data) or url_for("meetings.consultation", consultation_id=c.id))


def _reshown(meeting_id: int, values: dict, action: str) -> dict:
    """A meeting form's refusal (any service error): the section again with the message and
    what was entered, in the error's status."""
    return {AppError: lambda err: _page(services.get_visible(current_user, meeting_id).consultation, err.status, err,
                                        values, action)}


def _csrf_failed(c, form):
    errors = [e for errs in form.errors.values() for e in errs]
    return _page(c, 400, ValidationFailed(message="表单已过期或校验失败，请重新提交。" + "；".join(errors[:1])))


@bp.route("/consultations/<dbid:consultation_id>")
def consultation(consultation_id: int):
    c = cs.get_visible(current_user, consultation_id)
    return _page(c)


@bp.route("/consultations/<dbid:consultation_id>/schedule", methods=["POST"])
def schedule(consultation_id: int):
    c = cs.get_visible(current_user, consultation_id, for_update=True)
    form = ScheduleForm()
    if not form.validate_on_submit():
        return _csrf_failed(c, form)
    payload = form.to_payload()
    return ui_action(
        lambda: services.schedule(current_user, c, payload),
        done=lambda meeting: (f"已补录会商会议：{format_span(meeting.start, meeting.end)}，请填写会议纪要。" if meeting.status == "held"
                              else f"已安排会商会议：{format_span(meeting.start, meeting.end)}，已通知专家组、承办单位和申请单位。"),
        to=lambda _: _back(c, form),
        on_error={AppError: lambda err: _page(cs.get_visible(current_user, consultation_id), err.status, err, payload,
                                              "schedule")})


@bp.route("/<dbid:meeting_id>/reschedule", methods=["POST"])
def reschedule(meeting_id: int):
    meeting = services.get_visible(current_user, meeting_id, for_update=True)
    c = meeting.consultation
    form = ScheduleForm()
    if not form.validate_on_submit():
        return _csrf_failed(c, form)
    payload = form.to_payload(partial=True)
    before = meeting.sequence

    def rescheduled(_) -> tuple[str, str]:
        if meeting.sequence == before:
            return "会商会议安排没有变化。", "info"
        return f"会商会议已变更为 {format_span(meeting.start, meeting.end)}，已重新发送日历邀请。", "success"

    return ui_action(lambda: services.reschedule(current_user, meeting, payload), done=rescheduled,
                     to=lambda _: _back(c, form), on_error=_reshown(meeting_id, payload, f"reschedule-{meeting_id}"))


@bp.route("/<dbid:meeting_id>/cancel", methods=["POST"])
def cancel(meeting_id: int):
    meeting = services.get_visible(current_user, meeting_id, for_update=True)
    c = meeting.consultation
    form = CancelForm()
    if not form.validate_on_submit():
        return _csrf_failed(c, form)
    return ui_action(
        lambda: services.cancel(current_user, meeting, form.to_payload()),
        done="会商会议已取消，已向所有参会人员发送取消通知。", to=lambda _: _back(c, form),
        on_error=_reshown(meeting_id, {}, "cancel"))


@bp.route("/<dbid:meeting_id>/minutes", methods=["POST"])
def minutes(meeting_id: int):
    meeting = services.get_visible(current_user, meeting_id, for_update=True)
    c = meeting.consultation
    form = MinutesForm()
    if not form.validate_on_submit():
        return _csrf_failed(c, form)
    payload = form.to_payload()
    return ui_action(
        lambda: services.record_minutes(current_user, meeting, payload),
        done=lambda result: "会议纪要已记录，会商进入“已会商”阶段。" if result[1] else "会议纪要已修改。",
        to=lambda _: _back(c, form), on_error=_reshown(meeting_id, payload, f"minutes-{meeting_id}"))


@bp.route("/<dbid:meeting_id>/invite.ics")
def ics(meeting_id: int):
    meeting = services.get_visible(current_user, meeting_id)
    data, _ = meeting_ics(meeting)
    return Response(data, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})


@bp.route("/calendar")
def calendar():
    """会议日程: week or month, per office and per expert (app.meetings.calendar)."""
    q = cal.parse(request.args, current_user)
    rows = cal.meetings(current_user, q)
    return render_template("meetings/calendar.html", q=q, weeks=cal.weeks(q, rows), count=len(rows),
                           views=cal.VIEWS, offices=cal.offices_for(current_user),
                           experts=cal.experts_for(current_user), weekdays=WEEKDAYS)
