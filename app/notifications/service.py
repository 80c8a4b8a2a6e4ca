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
