"""JSON shape of meetings (api.md, Meetings) and the iCalendar invitation of a meeting."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.meetings import ics
from app.meetings.models import MEETING_MODES, Meeting
from app.timeutil import format_span, iso


def meeting_dict(m: Meeting) -> dict:
    names = {pm.expert_id: pm.expert.name for pm in m.consultation.members}
    return {
        "id": m.id,
        "consultation_id": m.consultation_id,
        "uid": m.uid,
        "sequence": m.sequence,
        "start": iso(m.start),
        "end": iso(m.end),
        "duration_minutes": int((m.end - m.start).total_seconds() // 60),
        "mode": m.mode,
        "mode_label": m.mode_label,
        "location": m.location,
        "status": m.status,
        "status_label": m.status_label,
        "minutes": m.minutes,
        "minutes_recorded_at": iso(m.minutes_recorded_at),
        "attendance": [{"expert_id": a.expert_id, "name": names.get(a.expert_id), "attended": a.attended}
                       for a in m.attendance],
        "ics_url": f"/api/v1/meetings/{m.id}/ics",
        "created_at": iso(m.created_at),
        "updated_at": iso(m.updated_at),
    }


def _expert_addresses(expert_ids: list[int]) -> dict[int, str]:
    """Where each expert receives mail: their account's address, else the pool record's."""
    if not expert_ids:
        return {}
    users = db.session.execute(select(User).where(User.expert_id.in_(expert_ids))).scalars()
    return {u.expert_id: u.notification_email for u in users if u.notification_email}


def meeting_invitation(m: Meeting) -> ics.Invitation:
    c = m.consultation
    case = c.case
    seated = c.seated_members()
    addresses = _expert_addresses([pm.expert_id for pm in seated])
    attendees = tuple(
        ics.Attendee(name=pm.expert.name, address=addresses.get(pm.expert_id) or (pm.expert.email or ""),
                     accepted=pm.is_accepted, chair=pm.is_chair, key=f"expert-{pm.expert_id}")
        for pm in sorted(seated, key=lambda pm: (not pm.is_chair, pm.expert_id))
    )
    mode = MEETING_MODES.get(m.mode, m.mode)
    panel = "、".join(f"{pm.expert.name}（{pm.role_label}）" for pm in
                     sorted(seated, key=lambda pm: (not pm.is_chair, pm.expert_id)))
    lines = [
        f"信访事项：{case.case_number} {case.title}",
        f"时间：{format_span(m.start, m.end)}（北京时间）",
        f"方式：{mode}",
        f"{'会议链接' if m.mode == 'video' else '地点'}：{m.location}",
        f"承办单位：{c.office.name}" if c.office else "",
        f"专家组：{panel}" if panel else "",
        f"会商问题：{c.questions}",
    ]
    if m.status == "cancelled":
        lines.insert(0, "本次会商会议已取消。")
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    lines.append(f"平台链接：{base}/consultations/{c.id}")
    return ics.Invitation(
        uid=m.uid,
        sequence=m.sequence,
        start=m.start,
        end=m.end,
        summary=f"{'【已取消】' if m.status == 'cancelled' else ''}法律审查会商：{case.title}",
        description="\n".join(x for x in lines if x),
        organizer_email=current_app.config.get("MAIL_FROM", "noreply@xinfang.local"),
        organizer_name=c.office.name if c.office else "信访工作专家会商与法律审查平台",
        location=f"视频会商 {m.location}" if m.mode == "video" else m.location,
        url=m.location if m.mode == "video" else "",
        cancelled=m.status == "cancelled",
        attendees=attendees,
        created=m.created_at,
        last_modified=m.updated_at,
    )


def meeting_ics(m: Meeting) -> tuple[bytes, str]:
    """(the .ics bytes, its MIME type with the iTIP method)."""
    inv = meeting_invitation(m)
    return ics.build_ics(inv), inv.mime_type
