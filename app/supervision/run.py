"""``flask supervision run``: flag items due soon and overdue, notify, escalate — each alert once.

One run is one transaction under the lock ``supervision-run`` (:func:`app.locking.lock_name`: an
advisory lock on PostgreSQL, the write lock on SQLite), so two servers starting the job at the
same moment run one after the other, and the second finds every alert already recorded.

For every open item due within ``SUPERVISION_DUE_SOON_DAYS`` working days or overdue, each
threshold it has crossed (``due_soon`` → ``overdue`` → ``escalated``) gets a row in
``supervision_alerts`` (unique per item, threshold and due date). Only a new row notifies —
in-app and by e-mail through the outbox, in this same transaction — and when an item first
seen has crossed several thresholds at once, only the highest is announced (the others are
recorded as passed). An approved extension moves the due date, so the thresholds start over.

Recipients: ``due_soon`` and ``overdue`` go to the responsible office's officers, the agency's
clerks and the responsible leader; ``escalated`` also to the supervising office's officers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app import clock, locking
from app.audit import services as audit
from app.cases.models import Case
from app.extensions import db
from app.notifications.services import notify
from app.supervision import queries as Q
from app.supervision import recipients
from app.supervision.models import SupervisionAlert
from expert_pool import deadlines as D

LOCK = "supervision-run"
SUBJECTS = {D.DUE_SOON: "即将到期", D.OVERDUE: "已超期", D.ESCALATED: "超期提级督办"}


@dataclass
class RunReport:
    today: date
    sent: Counter = field(default_factory=Counter)      # threshold → alerts announced
    recorded: int = 0                                    # new alert rows (announced or passed)
    notifications: int = 0
    warnings: set[str] = field(default_factory=set)

    def lines(self) -> list[str]:
        out = [f"督办提醒 {self.today.isoformat()}：新提醒 {sum(self.sent.values())} 条，通知 {self.notifications} 人次"]
        out += [f"  {SUBJECTS[t]}：{n}" for t, n in sorted(self.sent.items())]
        out += [f"  注意：{w}" for w in sorted(self.warnings)]
        return out


def _known(kind: str, item_id: int, due_on: date) -> set[str]:
    return set(db.session.execute(select(SupervisionAlert.threshold).where(
        SupervisionAlert.kind == kind, SupervisionAlert.item_id == item_id, SupervisionAlert.due_on == due_on)).scalars())


def run(today: date | None = None) -> RunReport:
    """Send the alerts due on ``today`` (default: the business clock's today). The caller commits."""
    locking.lock_name(LOCK)
    today = today or clock.today()
    report = RunReport(today)
    offices: dict[str, object] = {}
    entries: list[dict] = []
    for kind, row, item in list(Q.all_items(tuple(Q.SELECTS), "flagged", today)):
        crossed = D.thresholds_crossed(item.state)
        if not crossed:
            continue
        if item.warning:
            report.warnings.add(item.warning)
        new = [t for t in crossed if t not in _known(kind, item.id, item.due_on)]
        if not new:
            continue
        announce = new[-1]
        people = _recipients(kind, row, announce, offices)
        for threshold in new:
            db.session.add(SupervisionAlert(kind=kind, item_id=item.id, threshold=threshold, due_on=item.due_on,
                                            run_on=today, recipients=len(people) if threshold == announce else 0))
        report.recorded += len(new)
        report.sent[announce] += 1
        report.notifications += len(notify(people, f"supervision_{announce}", _title(item, announce), _body(item, announce),
                                           link=f"/cases/{item.case_id}"))
        entries.append({"action": "supervision_alert", "object_type": "case", "object_id": item.case_id,
                        "summary": f"督办提醒（{Q.KINDS[kind]}，{SUBJECTS[announce]}）：期限 {item.due_on.isoformat()}",
                        "before": None, "after": {"kind": kind, "item_id": item.id, "threshold": announce},
                        "subject": f"case:{item.case_id}"})
    db.session.flush()
    audit.record_batch(entries)
    return report


def _title(item: Q.Item, threshold: str) -> str:
    return f"【{SUBJECTS[threshold]}】{item.kind_label}：{item.title}"


def _body(item: Q.Item, threshold: str) -> str:
    if item.working_days_left >= 0:
        when = f"期限 {item.due_on.isoformat()}，剩余 {item.working_days_left} 个工作日。"
    else:
        when = f"期限 {item.due_on.isoformat()}，已超期 {-item.working_days_left} 个工作日。"
    extra = "已提请上级信访部门督办。" if threshold == D.ESCALATED else "请抓紧办理。"
    return f"{item.kind_label}：{item.title}。{when}{extra}" + (f"（{item.warning}）" if item.warning else "")


def _recipients(kind: str, row, threshold: str, offices: dict) -> list:
    case: Case = row if kind in ("case", "case_acceptance") else row.case
    if case.region_code not in offices:
        offices[case.region_code] = recipients.responsible_office(case)
    office = offices[case.region_code]
    office_id = row.office_id if kind in ("consultation", "supervision_notice") else (office.id if office else None)
    agency_id = row.agency_id if kind == "supervision_notice" else case.handling_org_id
    people = recipients.active_users(office_id, "officer") + recipients.active_users(agency_id, "agency")
    people += recipients.leaders(case, office_id)
    if threshold == D.ESCALATED:
        responsible = db.session.get(type(office), office_id) if office is not None and office_id else office
        upper = recipients.supervising_office(responsible, case)
        if upper is not None:
            people += recipients.active_users(upper.id, "officer")
    return people
