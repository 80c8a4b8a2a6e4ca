"""Signals consultations send for follow-ups in features built on them (blinker, as Flask uses).

Senders do not know their receivers, so consultations never import meetings. Receivers run
synchronously in the sender's transaction. ``create_app`` connects them (see
``app.meetings.receivers``).
"""

from blinker import Namespace

signals = Namespace()

#: The seated panel changed (a member declined, a reserve was promoted).
#: ``send(consultation, summary=str)``.
panel_changed = signals.signal("panel-changed")
