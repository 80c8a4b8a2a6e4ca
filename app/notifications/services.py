"""Telling people what happened: an in-app notification plus an e-mail through the outbox.

Both are written in the caller's transaction, so a notification exists exactly when the
event it reports was committed. E-mails are delivered later by `flask outbox deliver`.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from app.db_types import utcnow
from app.errors import NotFound
from app.extensions import db
from app.notifications.models import Notification, OutboxEmail


@dataclass
class MailAttachment:
    filename: str
    content_type: str
    data: bytes

    def to_dict(self) -> dict:
        return {"filename": self.filename, "content_type": self.content_type,
                "data_b64": base64.b64encode(self.data).decode()}


def notify(users: Iterable, kind: str, title: str, body: str = "", link: str = "",
           attachments: Iterable[MailAttachment] = (), email: bool = True) -> list[Notification]:
    """Notify each distinct user in-app and, where they have an address, by e-mail."""
    created = []
    attachments = [a.to_dict() for a in attachments]
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        note = Notification(user_id=user.id, kind=kind, title=title, body=body, link=link)
        db.session.add(note)
        created.append(note)
        address = user.notification_email if email else ""
        if address:
            text = body + (f"\n\n查看详情：{base}{link}" if link else "")
            text += "\n\n—— 信访工作专家会商与法律审查平台（系统邮件，请勿直接回复）"
            db.session.add(OutboxEmail(
                message_id=f"<{uuid.uuid4().hex}@xinfang-platform>",
                to_address=address, subject=f"【专家会商平台】{title}", body=text,
                attachments=attachments or None,
            ))
    db.session.flush()
    return created


# ------------------------------------------------------------------ the notification centre

def _mine(user):
    return select(Notification).where(Notification.user_id == user.id)


def unread_count(user) -> int:
    return db.session.execute(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def list_for(user, unread_only: bool = False, page: int = 1, per_page: int = 20) -> tuple[list[Notification], int]:
    """The user's notifications, unread first, newest first within each group."""
    stmt = _mine(user)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    unread_first = Notification.read_at.is_not(None)  # False (unread) sorts first
    rows = db.session.execute(
        stmt.order_by(unread_first, Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return list(rows), total


def get_own(user, notification_id: int) -> Notification:
    """The user's own notification; anybody else's is 404."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound("通知不存在")
    return note


def mark_read(user, notification_id: int) -> Notification:
    note = get_own(user, notification_id)
    if note.read_at is None:
        note.read_at = utcnow()
    return note


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())
    )
    return result.rowcount or 0


def safe_link(link: str) -> str:
    """Only same-site paths are followed from a notification ("/…", never "//host")."""
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else ""


