"""The consultation's states and the transitions allowed between them.

A wrong transition is a 409 ``invalid_transition`` naming the current state, never a silent
change. Every transition is audited on the case timeline by the service that performs it.
"""

from __future__ import annotations

from app.consultations.models import CONSULTATION_STATUSES, Consultation
from app.errors import Conflict

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "return": (frozenset({"submitted", "accepted"}), "returned"),
    "resubmit": (frozenset({"returned"}), "submitted"),
    "accept": (frozenset({"submitted"}), "accepted"),
    "withdraw": (frozenset({"submitted", "returned", "accepted"}), "withdrawn"),
    "escalate": (frozenset({"submitted", "accepted"}), "accepted"),
    "draw_panel": (frozenset({"submitted", "accepted"}), "panel_drawn"),
    "schedule": (frozenset({"panel_drawn", "scheduled"}), "scheduled"),
    "unschedule": (frozenset({"scheduled"}), "panel_drawn"),
    "record_minutes": (frozenset({"scheduled", "deliberated"}), "deliberated"),
    # A written consultation (书面会商) needs no meeting: the opinion may be issued once the
    # panel is drawn, whether or not a meeting was scheduled or held.
    "issue_opinion": (frozenset({"panel_drawn", "scheduled", "deliberated"}), "opinion_issued"),
    "close": (frozenset({"deliberated", "opinion_issued"}), "closed"),
}

ACTION_LABELS = {
    "return": "退回补正", "resubmit": "补正后重新提交", "accept": "受理", "withdraw": "撤回",
    "escalate": "申请上级专家库援助", "draw_panel": "抽取专家", "schedule": "安排会商",
    "unschedule": "取消会商安排", "record_minutes": "记录会议纪要", "issue_opinion": "出具意见",
    "close": "办结",
}


def check(consultation: Consultation, action: str) -> str:
    """The target state of ``action``, or Conflict when the current state does not allow it."""
    sources, target = TRANSITIONS[action]
    if consultation.status not in sources:
        current = CONSULTATION_STATUSES.get(consultation.status, consultation.status)
        raise Conflict(f"会商当前状态为“{current}”，不能{ACTION_LABELS[action]}", code="invalid_transition",
                       details={"status": consultation.status, "action": action})
    return target


def apply(consultation: Consultation, action: str) -> tuple[str, str]:
    """Move to the action's target state; returns (before, after)."""
    target = check(consultation, action)
    before = consultation.status
    consultation.status = target
    consultation.version += 1
    return before, target
