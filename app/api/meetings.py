"""API: suggested slots, meetings (schedule, reschedule, cancel), the .ics invitation, minutes."""

from __future__ import annotations

from flask import Response, jsonify, request

from app.api.core import api_route, current_api_user, json_body
from app.consultations import services as cs
from app.meetings import services
from app.meetings.schemas import MeetingIn, MeetingPatch, MinutesIn
from app.meetings.serialize import meeting_dict, meeting_ics
from app.timeutil import iso

TAG = "meetings"


@api_route("/consultations/<dbid:consultation_id>/slots", ["GET"], "建议会商时段（工作日办公时间、专家组成员均有空）", tag=TAG,
           query={"from": "开始日期 YYYY-MM-DD（默认今天）", "to": "结束日期 YYYY-MM-DD（含，默认两周，最长 93 天）",
                  "duration_minutes": "会商时长（分钟，30–480，默认 120）"})
def consultation_slots(consultation_id: int):
    c = cs.get_visible(current_api_user(), consultation_id)
    q = services.parse_slot_query(request.args)
    found = services.suggest_slots(c, q)
    return jsonify({"slots": [{"start": iso(s), "end": iso(e)} for s, e in found["slots"]], "warnings": found["warnings"],
                    "from": q.date_from.isoformat(), "to": q.date_to.isoformat(), "duration_minutes": q.duration_minutes})


@api_route("/consultations/<dbid:consultation_id>/meetings", ["GET"], "会商会议列表", tag=TAG)
def list_meetings(consultation_id: int):
    c = cs.get_visible(current_api_user(), consultation_id)
    return jsonify({"items": [meeting_dict(m) for m in c.meetings]})


@api_route("/consultations/<dbid:consultation_id>/meetings", ["POST"], "安排会商会议", body=MeetingIn, status=201,
           roles="officer（承办单位）", tag=TAG)
def create_meeting(consultation_id: int):
    user = current_api_user()
    c = cs.get_visible(user, consultation_id, for_update=True)
    meeting = services.schedule(user, c, json_body())
    return jsonify(meeting_dict(meeting)), 201


@api_route("/meetings/<dbid:meeting_id>", ["GET"], "会商会议详情", tag=TAG)
def get_meeting(meeting_id: int):
    return jsonify(meeting_dict(services.get_visible(current_api_user(), meeting_id)))


@api_route("/meetings/<dbid:meeting_id>", ["PATCH"], "会商会议改期或变更地点（SEQUENCE 加 1，UID 不变）", body=MeetingPatch,
           roles="officer（承办单位）", tag=TAG)
def reschedule_meeting(meeting_id: int):
    user = current_api_user()
    meeting = services.reschedule(user, services.get_visible(user, meeting_id, for_update=True), json_body())
    return jsonify(meeting_dict(meeting))


@api_route("/meetings/<dbid:meeting_id>", ["DELETE"], "取消会商会议（发出 METHOD:CANCEL）", roles="officer（承办单位）", tag=TAG)
def cancel_meeting(meeting_id: int):
    user = current_api_user()
    payload = json_body() if request.get_data() else {}
    meeting = services.cancel(user, services.get_visible(user, meeting_id, for_update=True), payload)
    return jsonify(meeting_dict(meeting))


@api_route("/meetings/<dbid:meeting_id>/ics", ["GET"], "日历邀请（iCalendar，METHOD:REQUEST 或 CANCEL）", tag=TAG,
           content_type="text/calendar")
def meeting_calendar(meeting_id: int):
    meeting = services.get_visible(current_api_user(), meeting_id)
    data, _ = meeting_ics(meeting)
    return Response(data, mimetype="text/calendar", content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})


@api_route("/meetings/<dbid:meeting_id>/minutes", ["POST"], "记录会议纪要与出席情况", body=MinutesIn, status=201,
           roles="officer（承办单位）", tag=TAG)
def record_minutes(meeting_id: int):
    user = current_api_user()
    meeting, created = services.record_minutes(user, services.get_visible(user, meeting_id, for_update=True), json_body())
    return jsonify(meeting_dict(meeting)), 201 if created else 200
