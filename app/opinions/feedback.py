"""The agency's 落实反馈 before it is recorded: the checks the confirmation step runs, so the page
can show what will be recorded (or the form's errors) without writing anything. Recording it is
``app.opinions.issuing.add_feedback``, which runs the same checks again under the lock."""

from __future__ import annotations

from app.errors import Conflict, Forbidden
from app.opinions import permissions as perm
from app.opinions.models import Opinion
from app.opinions.schemas import FeedbackIn
from app.validation import parse


def check(user, opinion: Opinion, payload: dict) -> FeedbackIn:
    """The parsed feedback, or the error recording it would raise (403, 409, 422). After a
    化解中 report one follow-up is possible; after any other outcome the feedback is final."""
    if not perm.can_feedback(user, opinion):
        raise Forbidden("只有信访事项的有权处理机关可以反馈落实情况")
    data = parse(FeedbackIn, payload)
    if opinion.status != "issued":
        raise Conflict("意见书尚未印发或已被更正，不能反馈落实情况", code="invalid_status", details={"status": opinion.status})
    if opinion.feedback_final:
        raise Conflict("落实情况已经反馈，不能重复提交", code="feedback_exists")
    return data
