"""The API representation of notifications (api.md, Notifications)."""

from __future__ import annotations

from app.notifications.models import Notification
from app.timeutil import iso


def notification_dict(note: Notification) -> dict:
    return {"id": note.id, "kind": note.kind, "title": note.title, "body": note.body, "link": note.link,
            "read": note.read_at is not None, "read_at": iso(note.read_at), "created_at": iso(note.created_at)}
