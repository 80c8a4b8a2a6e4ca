"""Consultation meetings (会商会议): suggested slots, scheduling, rescheduling, cancelling and
minutes. One use case per function; the caller commits.

Rules (issue 3, item 6):

- Meetings are held on working days (State Council schedule incl. make-up workdays, through
  ``expert_pool.workdays``; beyond the years it knows, the fallback rule with its warning),
  inside one office block (09:00–12:00 or 14:00–17:30 Asia/Shanghai).
- No seated panel member (chair or member, invited or accepted) may be unavailable
  (``Unavailability``) or sit in another consultation's scheduled meeting at that time.
- A consultation has at most one active (``scheduled``) meeting. Scheduling moves it to
  ``scheduled``, cancelling back to ``panel_drawn``, minutes to ``deliberated``.
- Every change is audited on the case timeline and sent to every participant (panel members,
  the staffing office's officers, the handling agency's users) in-app and by e-mail with the
  ``.ics`` attached. The UID never changes; SEQUENCE rises on every change.
- A meeting cannot be put in the past; ``app.clock`` says what "now" is (tests and the demo
  seed freeze it). A meeting that already took place is recorded with ``held: true`` instead:
  its start must be past, nobody is invited, and minutes may follow at once.
- Minutes only once the meeting has started (409 ``meeting_not_started``): the opinion's text
  says when the panel met, so nothing may be minuted, signed or issued before that.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from app import clock
from app.consultations import recording
from app.consultations import services as cs
from app.consultations import workflow
from app.consultations.models import Consultation, PanelMember
from app.db_types import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.experts.models import Unavailability
from app.extensions import db
from app.meetings import notify
from app.meetings.models import MEETING_MODES, Meeting, MeetingAttendance
from app.meetings.schemas import MAX_DURATION, MIN_DURATION, CancelIn, MeetingIn, MeetingPatch, MinutesIn
from app.timeutil import SHANGHAI, date_problem, format_span, parse_datetime
from app.validation import parse
from app.locking import lock, lock_name
from expert_pool import workdays

MAX_RANGE_DAYS = 93
LONGEST_BLOCK_MINUTES = 210
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BUSY_LABELS = {"unavailable": "已登记不可出席", "other_meeting": "已安排其他会商会议"}


# ------------------------------------------------------------------------------ helpers

@dataclass(frozen=True)
class Busy:
    expert_id: int
    start: datetime
    end: datetime
    reason: str  # unavailable | other_meeting
    note: str = ""


def busy_intervals(expert_ids: list[int], start: datetime, end: datetime,
                   exclude_consultation_id: int | None = None) -> list[Busy]:
    """What keeps the given experts busy within ``[start, end)``: declared unavailability and
    other consultations' scheduled meetings where they sit (invited or accepted)."""
    if not expert_ids:
        return []
    out = [
        Busy(eid, s, e, "unavailable", reason or "")
        for eid, s, e, reason in db.session.execute(
            select(Unavailability.expert_id, Unavailability.start, Unavailability.end, Unavailability.reason)
            .where(Unavailability.expert_id.in_(expert_ids), Unavailability.start < end, Unavailability.end > start)
        )
    ]
    stmt = (
        select(PanelMember.expert_id, Meeting.start, Meeting.end, Meeting.consultation_id)
        .join(Meeting, Meeting.consultation_id == PanelMember.consultation_id)
        .where(PanelMember.expert_id.in_(expert_ids), PanelMember.is_seated,
               Meeting.status == "scheduled", Meeting.start < end, Meeting.end > start)
    )
    if exclude_consultation_id is not None:
        stmt = stmt.where(Meeting.consultation_id != exclude_consultation_id)
    out.extend(Busy(eid, s, e, "other_meeting", f"会商 #{cid}") for eid, s, e, cid in db.session.execute(stmt))
    return out


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time.min, SHANGHAI), datetime.combine(last + timedelta(days=1), time.min, SHANGHAI)


# -------------------------------------------------------------------------------- slots

@dataclass(frozen=True)
class SlotQuery:
    date_from: date
    date_to: date
    duration_minutes: int


def _parse_date(raw: str | None, name: str, errors: dict) -> date | None:
    raw = (raw or "").strip()
    if not DATE_RE.match(raw):
        errors[name] = "日期格式应为 YYYY-MM-DD"
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = date_problem(raw)
        return None


def parse_slot_query(args, today: date | None = None) -> SlotQuery:
    """from/to (YYYY-MM-DD, inclusive, at most 93 days apart) and duration_minutes (30–480).
    Missing ``from`` means today, missing ``to`` two weeks on; 422 naming each bad field."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    d_from = _parse_date(args.get("from"), "from", errors) if args.get("from") else today
    d_to = _parse_date(args.get("to"), "to", errors) if args.get("to") else (d_from or today) + timedelta(days=13)
    raw = str(args.get("duration_minutes") or "120").strip()
    duration = int(raw) if raw.isdigit() else None
    if duration is None or not MIN_DURATION <= duration <= MAX_DURATION:
        errors["duration_minutes"] = f"会商时长应为 {MIN_DURATION}–{MAX_DURATION} 分钟的整数"
    if d_from and d_to and not errors.get("to"):
        if d_to < d_from:
            errors["to"] = "结束日期不能早于开始日期"
        elif (d_to - d_from).days + 1 > MAX_RANGE_DAYS:
            errors["to"] = f"查询范围不能超过 {MAX_RANGE_DAYS} 天"
    if errors:
        raise ValidationFailed(errors)
    return SlotQuery(d_from, d_to, duration)


def suggest_slots(c: Consultation, q: SlotQuery) -> dict:
    """Free slots for the whole seated panel, every 30 minutes within office hours on working
    days, none starting in the past. ``{"slots": [(start, end)], "warnings": [str]}``."""
    warnings: list[str] = []
    cal_warning = workdays.calendar_warning(q.date_from, q.date_to)
    if cal_warning:
        warnings.append(cal_warning)
    if q.duration_minutes > LONGEST_BLOCK_MINUTES:
        warnings.append("会商时长超过单个办公时段（上午 3 小时、下午 3.5 小时），无法安排，请缩短时长或分次会商")
    members = c.seated_members()
    if not members:
        warnings.append("尚未组成专家组，未核对专家的时间安排")
    current = clock.now()
    if q.date_from <= current.astimezone(SHANGHAI).date():
        warnings.append("已过去的时段不予列出")
    lo, hi = _day_bounds(q.date_from, q.date_to)
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for b in busy_intervals([m.expert_id for m in members], lo, hi, exclude_consultation_id=c.id):
        busy.setdefault(b.expert_id, []).append((b.start, b.end))
    slots = workdays.find_slots(q.date_from, q.date_to, q.duration_minutes, busy, not_before=current)
    return {"slots": slots, "warnings": warnings}


# --------------------------------------------------------------------- time validation

def _parse_start(raw: str) -> datetime:
    try:
        start = parse_datetime(raw)
    except ValueError:
        raise ValidationFailed({"start": "时间格式应为 ISO 8601，如 2026-12-08T09:30:00+08:00"}) from None
    return start.replace(second=0, microsecond=0) if start.second or start.microsecond else start


def _check_place(mode: str, location: str) -> None:
    if mode == "video":
        try:
            parts = urlsplit(location)
        except ValueError:  # e.g. an unbalanced "[" in the host
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in location):
            raise ValidationFailed({"location": "视频会商须填写以 http:// 或 https:// 开头的会议链接"})
    elif len(location) < 2:
        raise ValidationFailed({"location": "现场会商须填写会议地点"})


def _check_time(c: Consultation, start: datetime, duration: int) -> datetime:
    """Refuse a past start, a non-working day, a time outside office hours and any clash with a
    seated member's unavailability or other meeting. Returns the end."""
    end = start + timedelta(minutes=duration)
    if start < clock.now():
        raise ValidationFailed({"start": "会商时间不能早于当前时间"}, "会商时间不能早于当前时间", code="in_the_past",
                               details={"start": "会商时间不能早于当前时间"})
    problems = workdays.check_meeting(start, duration)
    for problem in problems:
        if problem.code == "non_working_day":
            info = workdays.day_info(start.astimezone(SHANGHAI).date())
            message = problem.message if info.official else f"{problem.message}（{info.warning}）"
            raise ValidationFailed(message=message, code="non_working_day",
                                   details={"start": message, "date": info.day.isoformat(), "holiday": info.holiday,
                                            "official_calendar": info.official, "warning": info.warning})
    for problem in problems:
        if problem.code == "outside_office_hours":
            raise ValidationFailed(message=problem.message, code="outside_office_hours",
                                   details={"start": problem.message, "office_hours": ["09:00-12:00", "14:00-17:30"]})
    members = {m.expert_id: m for m in c.seated_members()}
    conflicts: list[dict] = []
    seen: set[tuple[int, str]] = set()
    for b in sorted(busy_intervals(list(members), start, end, exclude_consultation_id=c.id),
                    key=lambda b: (b.expert_id, b.reason, b.start)):
        if (b.expert_id, b.reason) in seen:
            continue
        seen.add((b.expert_id, b.reason))
        name = members[b.expert_id].expert.name
        note = f"（{b.note}）" if b.note else ""
        conflicts.append({"expert_id": b.expert_id, "name": name, "reason": b.reason,
                          "message": f"专家{name}在 {format_span(b.start, b.end)} {BUSY_LABELS[b.reason]}{note}",
                          "start": b.start.astimezone(SHANGHAI).isoformat(), "end": b.end.astimezone(SHANGHAI).isoformat()})
    if conflicts:
        names = "、".join(dict.fromkeys(x["name"] for x in conflicts))
        raise Conflict(f"时间冲突：专家{names}在该时段已有安排，请另选时间。" + "；".join(x["message"] for x in conflicts),
                       code="schedule_conflict", details={"conflicts": conflicts})
    return end


def _uid_domain() -> str:
    sender = current_app.config.get("MAIL_FROM", "noreply@xinfang.local")
    return sender.rpartition("@")[2] or "xinfang.local"


def _snapshot(m: Meeting) -> dict:
    return {"start": m.start.astimezone(SHANGHAI).isoformat(), "end": m.end.astimezone(SHANGHAI).isoformat(),
            "mode": m.mode, "location": m.location, "status": m.status, "sequence": m.sequence}


def _describe(m: Meeting) -> str:
    return f"{format_span(m.start, m.end)}，{MEETING_MODES.get(m.mode, m.mode)}，{'链接' if m.mode == 'video' else '地点'}：{m.location}"


# ----------------------------------------------------------------------------- queries

def get_visible(user, meeting_id: int, for_update: bool = False) -> Meeting:
    """The meeting if the user may see its consultation (else 404). ``for_update`` locks the
    consultation row first and reloads the meeting under that lock."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("会商会议不存在")
    try:
        cs.get_visible(user, meeting.consultation_id, for_update=for_update)
    except NotFound:
        raise NotFound("会商会议不存在") from None
    if for_update:
        db.session.refresh(meeting)
    return meeting


def active_meeting(c: Consultation) -> Meeting | None:
    return next((m for m in c.meetings if m.status == "scheduled"), None)


# --------------------------------------------------------------------------- use cases

def schedule(user, c: Consultation, payload: dict) -> Meeting:
    """POST /consultations/{id}/meetings."""
    lock(c)
    cs.require_staff(user, c)
    data = parse(MeetingIn, payload)
    current = active_meeting(c)
    if current is not None:
        raise Conflict("该会商已有安排的会商会议，请改期或取消后再安排", code="meeting_exists",
                       details={"meeting_id": current.id})
    workflow.check(c, "schedule")
    _check_place(data.mode, data.location)
    start = _parse_start(data.start)
    if data.held:
        return _record_held(user, c, start, data)
    lock_name("meeting_calendar", expire=False)  # one expert, two meetings at once
    end = _check_time(c, start, data.duration_minutes)
    token = secrets.token_hex(6)
    meeting = Meeting(consultation=c, uid=f"pending-{token}@{_uid_domain()}", sequence=0, start=start, end=end,
                      mode=data.mode, location=data.location, status="scheduled", created_by_id=user.id)
    db.session.add(meeting)
    db.session.flush()
    meeting.uid = f"meeting-{meeting.id}-{token}@{_uid_domain()}"
    before, after = workflow.apply(c, "schedule")
    db.session.flush()
    recording.record(c, "meeting_schedule", f"安排会商会议：{_describe(meeting)}",
                     before={"status": before}, after={"status": after, "meeting_id": meeting.id, **_snapshot(meeting)})
    notify.meeting_changed(meeting, "meeting_scheduled", "会商会议通知",
                           f"信访事项 {c.case.case_number}“{c.case.title}”的法律审查会商会议已安排。")
    return meeting


def _record_held(user, c: Consultation, start: datetime, data: MeetingIn) -> Meeting:
    """A meeting that already took place, recorded afterwards: status ``held`` (minutes still
    to come), the consultation ``scheduled``; no invitation is sent for the past."""
    end = start + timedelta(minutes=data.duration_minutes)
    if end > clock.now():
        message = "补录已召开的会议时，会议须已结束；尚未召开的会议请直接安排（不勾选“已召开”）"
        raise ValidationFailed({"start": message}, message, code="not_held_yet", details={"start": message})
    token = secrets.token_hex(6)
    meeting = Meeting(consultation=c, uid=f"pending-{token}@{_uid_domain()}", sequence=0, start=start, end=end,
                      mode=data.mode, location=data.location, status="held", created_by_id=user.id)
    db.session.add(meeting)
    db.session.flush()
    meeting.uid = f"meeting-{meeting.id}-{token}@{_uid_domain()}"
    before, after = workflow.apply(c, "schedule")
    db.session.flush()
    recording.record(c, "meeting_record_held", f"补录已召开的会商会议：{_describe(meeting)}",
                     before={"status": before}, after={"status": after, "meeting_id": meeting.id, **_snapshot(meeting)})
    return meeting


def reschedule(user, meeting: Meeting, payload: dict) -> Meeting:
    """PATCH /meetings/{id}: new time and/or place; same checks; SEQUENCE+1, UID unchanged."""
    lock(meeting.consultation)
    c = meeting.consultation
    cs.require_staff(user, c)
    patch = parse(MeetingPatch, payload)
    if meeting.status != "scheduled":
        raise Conflict(f"会商会议{meeting.status_label}，不能改期", code="meeting_not_active", details={"status": meeting.status})
    duration = int((meeting.end - meeting.start).total_seconds() // 60)
    merged = {"start": patch.start or meeting.start.astimezone(SHANGHAI).isoformat(),
              "duration_minutes": patch.duration_minutes or duration,
              "mode": patch.mode or meeting.mode,
              "location": meeting.location if patch.location is None else patch.location}
    if patch.mode and patch.mode != meeting.mode and patch.location is None:
        merged["location"] = ""
    data = parse(MeetingIn, merged)
    _check_place(data.mode, data.location)
    start = _parse_start(data.start)
    time_changed = start != meeting.start or data.duration_minutes != duration
    if not time_changed and data.mode == meeting.mode and data.location == meeting.location:
        return meeting
    workflow.check(c, "schedule")
    if time_changed:
        lock_name("meeting_calendar", expire=False)  # one expert, two meetings at once
        end = _check_time(c, start, data.duration_minutes)
    else:
        end = meeting.end
    before = _snapshot(meeting)
    meeting.start, meeting.end, meeting.mode, meeting.location = start, end, data.mode, data.location
    meeting.sequence += 1
    workflow.apply(c, "schedule")
    db.session.flush()
    reason = f"（{patch.reason}）" if patch.reason else ""
    recording.record(c, "meeting_reschedule", f"会商会议改期/变更{reason}：{_describe(meeting)}",
                     before=before, after={"meeting_id": meeting.id, **_snapshot(meeting)})
    what = "改期" if time_changed else "变更"
    notify.meeting_changed(meeting, "meeting_rescheduled", f"会商会议{what}",
                           f"信访事项 {c.case.case_number}“{c.case.title}”的法律审查会商会议已{what}{reason}。"
                           f"\n原安排：{format_span(datetime.fromisoformat(before['start']), datetime.fromisoformat(before['end']))}")
    return meeting


def cancel(user, meeting: Meeting, payload: dict | None = None) -> Meeting:
    """DELETE /meetings/{id}: status cancelled, SEQUENCE+1, consultation back to panel_drawn."""
    lock(meeting.consultation)
    c = meeting.consultation
    cs.require_staff(user, c)
    data = parse(CancelIn, payload or {})
    if meeting.status != "scheduled":
        raise Conflict(f"会商会议{meeting.status_label}，不能取消", code="meeting_not_active", details={"status": meeting.status})
    before_meeting = _snapshot(meeting)
    meeting.status = "cancelled"
    meeting.sequence += 1
    before, after = workflow.apply(c, "unschedule")
    db.session.flush()
    reason = f"：{data.reason}" if data.reason else ""
    recording.record(c, "meeting_cancel", f"取消会商会议（{format_span(meeting.start, meeting.end)}）{reason}",
                     before={"status": before, **before_meeting}, after={"status": after, "meeting_id": meeting.id,
                                                                        "sequence": meeting.sequence})
    notify.meeting_changed(meeting, "meeting_cancelled", "会商会议取消",
                           f"信访事项 {c.case.case_number}“{c.case.title}”原定 {format_span(meeting.start, meeting.end)} "
                           f"的法律审查会商会议已取消{reason}。")
    return meeting


def record_minutes(user, meeting: Meeting, payload: dict) -> tuple[Meeting, bool]:
    """POST /meetings/{id}/minutes: minutes and attendance; consultation → deliberated.
    Returns (meeting, created) — False when earlier minutes were amended."""
    lock(meeting.consultation)
    c = meeting.consultation
    cs.require_staff(user, c)
    data = parse(MinutesIn, payload)
    if meeting.status not in ("scheduled", "held"):
        raise Conflict(f"会商会议{meeting.status_label}，不能记录会议纪要", code="meeting_not_active",
                       details={"status": meeting.status})
    members = {m.expert_id: m for m in c.seated_members()}
    strangers = sorted(set(data.attendee_expert_ids) - set(members))
    if strangers:
        raise ValidationFailed({"attendee_expert_ids": f"以下专家不是本次会商的专家组成员：{', '.join(map(str, strangers))}"})
    if meeting.start > clock.now():
        message = f"会商会议定于 {format_span(meeting.start, meeting.end)} 召开，会议开始后才能记录会议纪要"
        raise Conflict(message, code="meeting_not_started", details={"start": meeting.start.astimezone(SHANGHAI).isoformat()})
    created = meeting.minutes_recorded_at is None
    before, after = workflow.apply(c, "record_minutes")
    present = set(data.attendee_expert_ids)
    meeting.attendance = [MeetingAttendance(expert_id=eid, attended=eid in present) for eid in sorted(members)]
    meeting.minutes = data.text
    meeting.minutes_recorded_at = utcnow()
    meeting.status = "held"
    db.session.flush()
    names = "、".join(members[eid].expert.name for eid in sorted(present))
    recording.record(c, "meeting_minutes" if created else "meeting_minutes_amend",
                     f"{'记录' if created else '修改'}会议纪要：出席专家 {names}",
                     before={"status": before}, after={"status": after, "meeting_id": meeting.id,
                                                       "attendee_expert_ids": sorted(present)})
    notify.minutes_recorded(meeting, created)
    return meeting, created


def panel_changed(c: Consultation, summary: str = "专家组成员变动") -> Meeting | None:
    """Call after the seated panel changed (a member declined, a reserve was promoted) while a
    meeting is scheduled: SEQUENCE+1 and an updated invitation to every participant, so
    calendars show the new attendee list. Returns the meeting, or None when none is active."""
    meeting = active_meeting(c)
    if meeting is None:
        return None
    meeting.sequence += 1
    db.session.flush()
    recording.record(c, "meeting_update", f"会商会议邀请已更新（{summary}）", after={"meeting_id": meeting.id, **_snapshot(meeting)})
    notify.meeting_changed(meeting, "meeting_updated", "会商会议邀请更新",
                           f"信访事项 {c.case.case_number}“{c.case.title}”的法律审查会商会议专家组成员有变动（{summary}），"
                           "会议时间地点不变。")
    return meeting
