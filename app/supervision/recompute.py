"""``flask supervision recompute-deadlines``: after an office changes ``SUPERVISION_RULES``, move
the stored handling due date of every open accepted case to what the rules in force give
(:func:`app.cases.deadlines.handling_due`), keeping each case's approved extension.

A case's due date is stored when it is accepted or its extension approved, so a rule change does
not move it by itself (the lists and alerts read the stored date). This job does, once: each
changed case gets a new ``version`` (an editor holding the old one is told to reload) and an
audit entry on its timeline (reason 期限规则变更, the due date before and after). Closed cases
keep the deadline they were handled under. Run again, it finds nothing to change.

One run is one transaction under the lock ``supervision-recompute-deadlines``
(:func:`app.locking.lock_name`), so two servers starting it run one after the other; the rows it
changes are write-locked (:func:`app.locking.lock_rows`) and read again under the lock before
deciding, so an edit or an approval committed meanwhile is not overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import locking
from app.audit import services as audit
from app.cases.deadlines import CLOSED, handling_due, handling_rule
from app.cases.models import Case
from app.extensions import db
from expert_pool.deadlines import UNITS, DeadlineRule

LOCK = "supervision-recompute-deadlines"
REASON = "期限规则变更"
CHUNK = 500


@dataclass
class RecomputeReport:
    rule: DeadlineRule
    checked: int = 0  # open accepted cases looked at
    changed: int = 0  # whose due date moved

    def lines(self) -> list[str]:
        return [f"重算办理期限（现行规则：{self.rule.label} {self.rule.text}）："
                f"未办结且已受理的事项 {self.checked} 件，期限变更 {self.changed} 件"]


def _open_accepted():
    return (Case.status != CLOSED, Case.accepted_on.is_not(None))


def _stale_ids(rule: DeadlineRule) -> tuple[int, list[int]]:
    """(open accepted cases, ids of those whose stored due date differs from the rule's)."""
    rows = db.session.execute(select(Case.id, Case.accepted_on, Case.extension_days, Case.due_date)
                              .where(*_open_accepted())).all()
    return len(rows), [r.id for r in rows if handling_due(r.accepted_on, r.extension_days, rule) != r.due_date]


def recompute() -> RecomputeReport:
    """Move the stale due dates (the caller commits)."""
    locking.lock_name(LOCK)
    rule = handling_rule()
    report = RecomputeReport(rule)
    report.checked, stale = _stale_ids(rule)
    if not stale:
        return report
    locking.lock_rows(Case, stale)
    entries: list[dict] = []
    for start in range(0, len(stale), CHUNK):
        chunk = stale[start:start + CHUNK]
        for case in db.session.execute(select(Case).where(Case.id.in_(chunk), *_open_accepted())
                                       .order_by(Case.id)).scalars():
            due = handling_due(case.accepted_on, case.extension_days, rule)
            if due == case.due_date:  # changed meanwhile, already right
                continue
            before, case.due_date = case.due_date, due
            case.version += 1
            entries.append(_entry(case, before, rule))
    db.session.flush()
    audit.record_batch(entries)
    report.changed = len(entries)
    return report


def _entry(case: Case, before, rule: DeadlineRule) -> dict:
    was = before.isoformat() if before else "未定"
    extension = f"，保留已批准的延期 {case.extension_days}{UNITS[rule.unit]}" if case.extension_days else ""
    return {"action": "deadline_recompute", "object_type": "case", "object_id": case.id,
            "summary": f"{REASON}，按现行规则（{rule.label} {rule.text}）重算办理期限：{was} → "
                       f"{case.due_date.isoformat()}{extension}",
            "before": {"due_date": before}, "after": {"due_date": case.due_date, "reason": REASON},
            "subject": f"case:{case.id}"}
