"""Telling every participant about a meeting: in-app and by e-mail with the .ics attached.

Participants: the seated panel members' accounts, the staffing office's officers and the
handling agency's users. Written in the caller's transaction (see notifications.services).
"""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.consultations import recording
from app.consultations.recipients import agency_users, officers_of
from app.extensions import db
from app.meetings.models import Meeting
from app.meetings.serialize import meeting_ics
from app.notifications.services import MailAttachment, notify
from app.timeutil import format_span


def participants(meeting: Meeting) -> list:
    c = meeting.consultation
    expert_ids = [m.expert_id for m in c.seated_members()]
    experts = list(db.session.execute(
        select(User).where(User.expert_id.in_(expert_ids), User.is_active_flag.is_(True))
    ).scalars()) if expert_ids else []
    return experts + officers_of(c.office_id) + agency_users(c.case)


def _details(meeting: Meeting) -> str:
    place = "会议链接" if meeting.mode == "video" else "地点"
    return (f"时间：{format_span(meeting.start, meeting.end)}（北京时间）\n方式：{meeting.mode_label}\n"
            f"{place}：{meeting.location}")


def meeting_changed(meeting: Meeting, kind: str, title: str, lead: str) -> None:
    """A meeting was scheduled, changed or cancelled: notify with the current .ics."""
    data, mime = meeting_ics(meeting)
    attachment = MailAttachment(filename="invite.ics", content_type=mime, data=data)
    c = meeting.consultation
    body = f"{lead}\n{_details(meeting)}"
    if meeting.status == "scheduled":
        body += "\n\n附件为日历邀请（.ics），可导入 Outlook 等日历。受邀专家请在平台上确认是否参加。"
    else:
        body += "\n\n附件为日历取消通知（.ics），导入后日历中的该会议将被取消。"
    notify(participants(meeting), kind, f"{title}：{c.case.title}", body, recording.link(c), attachments=[attachment])


def minutes_recorded(meeting: Meeting, created: bool) -> None:
    c = meeting.consultation
    verb = "已记录" if created else "已修改"
    notify(participants(meeting), "meeting_minutes", f"会议纪要{verb}：{c.case.title}",
           f"信访事项 {c.case.case_number} 的法律审查会商会议纪要{verb}，请在平台上查阅。", recording.link(c))
