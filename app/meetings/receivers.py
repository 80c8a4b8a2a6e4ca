"""Meetings' follow-ups to what consultations announce (``app.consultations.signals``).

Consultations cannot import meetings (meetings build on consultations), so a change to the
seated panel is sent as a signal and handled here. ``create_app`` calls :func:`connect`.
"""

from __future__ import annotations

from app.consultations.signals import panel_changed
from app.meetings import services


def _invitation_follows_panel(consultation, summary: str = "专家组成员变动") -> None:
    """A scheduled meeting's invitation follows the seated panel (SEQUENCE+1, re-sent)."""
    services.panel_changed(consultation, summary)


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    panel_changed.connect(_invitation_follows_panel)
