"""Drill-down lists (明细): for every dashboard figure, the rows it counts — the same clauses as
:mod:`app.supervision.stats` — as a page and as an .xlsx export.

A list is named by ``what`` and narrowed by its own arguments on top of the dashboard filters:

- ``cases``          ``status`` (a case status, or ``open``), ``backlog=1``, ``overdue=1``,
                     ``category`` and ``region_code`` (the segment's, over the filters');
- ``deadlines``      ``kind`` (case / case_acceptance / consultation / supervision_notice), ``state``;
- ``consultations``  ``status``;
- ``escalations``    ``tier`` (the tier escalated to);
- ``opinions``       ``feedback`` = issued / with_feedback / adopted / resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Select, select

from app.cases.models import CASE_STATUSES, Case
from app.consultations.models import CONSULTATION_STATUSES, Consultation, Escalation
from app.errors import ValidationFailed
from app.extensions import db
from app.opinions.models import Opinion
from app.supervision import queries as Q
from app.supervision import stats as S
from app.supervision.queries import count_rows
from app.timeutil import local
from expert_pool import regions
from expert_pool.codes import CATEGORIES, POOL_TIERS

WHATS = {"cases": "信访事项", "deadlines": "期限事项", "consultations": "会商", "escalations": "上级专家库援助",
         "opinions": "法律审查意见书"}
FEEDBACK = {"issued": "已出具意见", "with_feedback": "已反馈", "adopted": "已采纳", "resolved": "已化解"}


@dataclass
class Column:
    header: str
    width: int
    value: Callable


@dataclass
class Listing:
    title: str
    columns: list[Column]
    rows: list            # the page's rows (objects)
    total: int
    links: Callable | None = None  # row → URL of its page


def _dt(value) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


CASE_COLUMNS = [
    Column("事项编号", 20, lambda c: c.case_number),
    Column("标题", 40, lambda c: c.title),
    Column("问题类别", 14, lambda c: c.category_label),
    Column("行政区划", 18, lambda c: regions.name(c.region_code)),
    Column("状态", 10, lambda c: c.status_label),
    Column("积案", 6, lambda c: "是" if c.is_backlog else "否"),
    Column("受理日期", 12, lambda c: c.accepted_on),
    Column("办理期限", 12, lambda c: c.due_date),
    Column("包案领导", 10, lambda c: c.responsible_leader),
]
DEADLINE_COLUMNS = [
    Column("期限类型", 14, lambda i: i.kind_label),
    Column("事项", 44, lambda i: i.title),
    Column("行政区划", 18, lambda i: regions.name(i.region_code)),
    Column("到期日", 12, lambda i: i.due_on),
    Column("剩余工作日", 10, lambda i: i.working_days_left),
    Column("状态", 14, lambda i: i.state_label),
]
CONSULTATION_COLUMNS = [
    Column("会商编号", 10, lambda c: c.id),
    Column("信访事项", 40, lambda c: c.case.title),
    Column("事项编号", 20, lambda c: c.case.case_number),
    Column("层级", 8, lambda c: POOL_TIERS.get(c.tier, c.tier)),
    Column("状态", 12, lambda c: c.status_label),
    Column("申请时间", 18, lambda c: _dt(c.created_at)),
]
ESCALATION_COLUMNS = [
    Column("会商编号", 10, lambda e: e.consultation_id),
    Column("信访事项", 40, lambda e: e.consultation.case.title),
    Column("由", 8, lambda e: POOL_TIERS.get(e.from_tier, e.from_tier)),
    Column("提请至", 8, lambda e: POOL_TIERS.get(e.to_tier, e.to_tier)),
    Column("理由", 40, lambda e: e.reason),
    Column("时间", 18, lambda e: _dt(e.created_at)),
]
OPINION_COLUMNS = [
    Column("文号", 24, lambda o: o.number),
    Column("标题", 44, lambda o: o.title),
    Column("印发时间", 18, lambda o: _dt(o.issued_at)),
    Column("采纳", 8, lambda o: _latest(o, "adopted")),
    Column("办理结果", 10, lambda o: _latest(o, "outcome_label")),
]


def _latest(opinion, attr: str):
    if not opinion.feedback:
        return ""
    fb = max(opinion.feedback, key=lambda f: f.id)
    value = getattr(fb, attr)
    return ("是" if value else "否") if isinstance(value, bool) else value


def _bad(name: str, message: str):
    raise ValidationFailed({name: message})


def _case_select(user, f: Q.Filters, args, today: date) -> tuple[Select, str]:
    status = (args.get("status") or "").strip()
    parts = []
    f2 = f
    if args.get("category"):
        if args["category"] not in CATEGORIES:
            _bad("category", "未知的问题类别")
        f2 = replace(f2, category=args["category"])
        parts.append(CATEGORIES[args["category"]])
    if args.get("region_code"):
        if regions.validate(args["region_code"]):
            _bad("region_code", "行政区划代码无效")
        # the segment's region within the filter's (never wider than the filter)
        seg = regions.prefix(args["region_code"])
        if f.region_code and not seg.startswith(f.region_code):
            seg = f.region_code + "X"  # outside the filter: nothing
        f2 = replace(f2, region_code=seg)
        parts.append(regions.name(args["region_code"]))
    stmt = select(Case).where(S.case_scope(user, f2))
    if status == "open":
        stmt = stmt.where(Case.status != S.CLOSED)
        parts.append("未办结")
    elif status:
        if status not in CASE_STATUSES:
            _bad("status", "未知的状态")
        stmt = stmt.where(Case.status == status)
        parts.append(CASE_STATUSES[status])
    if args.get("backlog") == "1":
        stmt = stmt.where(Case.is_backlog.is_(True))
        parts.append("积案")
    if args.get("overdue") == "1":
        stmt = stmt.where(Case.due_date < today)
        parts.append("超过办理期限")
    return stmt.order_by(Case.due_date.is_(None), Case.due_date, Case.id), "、".join(parts) or "全部"


def _paged(stmt: Select, page: int, per_page: int, everything: bool) -> tuple[list, int]:
    total = count_rows(stmt)
    if not everything:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    return list(db.session.execute(stmt).scalars()), total


def listing(user, what: str, f: Q.Filters, args, today: date, page: int = 1, per_page: int = 50,
            everything: bool = False) -> Listing:
    """The rows of list ``what`` (one page, or ``everything`` for the export)."""
    if what == "cases":
        stmt, label = _case_select(user, f, args, today)
        rows, total = _paged(stmt, page, per_page, everything)
        return Listing(f"信访事项：{label}", CASE_COLUMNS, rows, total, lambda c: f"/supervision/cases/{c.id}")
    if what == "deadlines":
        kind, state = args.get("kind") or None, args.get("state") or None
        if kind is not None and kind not in Q.SELECTS:
            _bad("kind", "未知的期限类型")
        if state is not None and state not in Q.STATES:
            _bad("state", "应为 due_soon、overdue 或 escalated")
        kinds = (kind,) if kind else tuple(Q.SELECTS)
        size = 10**7 if everything else per_page
        items, total = Q.list_items(user, kinds, state, today, f, 1 if everything else page, size)
        title = f"期限事项：{Q.KINDS[kind] if kind else '全部'}·{Q.D.STATE_LABELS.get(state, '即将到期与已超期') if state else '全部'}"
        return Listing(title, DEADLINE_COLUMNS, items, total, lambda i: f"/supervision/cases/{i.case_id}")
    if what == "consultations":
        status = args.get("status") or ""
        stmt = select(Consultation).join(Case, Case.id == Consultation.case_id).where(S.consultation_scope(user, f))
        if status:
            if status not in CONSULTATION_STATUSES:
                _bad("status", "未知的会商状态")
            stmt = stmt.where(Consultation.status == status)
        rows, total = _paged(stmt.order_by(Consultation.created_at, Consultation.id), page, per_page, everything)
        return Listing(f"会商：{CONSULTATION_STATUSES.get(status, '全部')}", CONSULTATION_COLUMNS, rows, total,
                       lambda c: f"/consultations/{c.id}")
    if what == "escalations":
        tier = args.get("tier") or ""
        stmt = (select(Escalation).join(Consultation, Consultation.id == Escalation.consultation_id)
                .join(Case, Case.id == Consultation.case_id).where(S.consultation_scope(user, f)))
        if tier:
            if tier not in POOL_TIERS:
                _bad("tier", "未知的层级")
            stmt = stmt.where(Escalation.to_tier == tier)
        rows, total = _paged(stmt.order_by(Escalation.created_at, Escalation.id), page, per_page, everything)
        return Listing(f"上级专家库援助：提请至{POOL_TIERS.get(tier, '各级')}", ESCALATION_COLUMNS, rows, total,
                       lambda e: f"/consultations/{e.consultation_id}")
    if what == "opinions":
        which = args.get("feedback") or "issued"
        if which not in FEEDBACK:
            _bad("feedback", "应为 issued、with_feedback、adopted 或 resolved")
        ids = S.issued_opinions(user, f)
        if which != "issued":
            fb = S.latest_feedback(user, f).subquery()
            cond = {"with_feedback": True, "adopted": fb.c.adopted.is_(True), "resolved": fb.c.outcome == "resolved"}[which]
            ids = select(fb.c.opinion_id).where(cond)
        stmt = select(Opinion).where(Opinion.id.in_(ids)).order_by(Opinion.issued_at, Opinion.id)
        rows, total = _paged(stmt, page, per_page, everything)
        return Listing(f"法律审查意见书：{FEEDBACK[which]}", OPINION_COLUMNS, rows, total, lambda o: f"/opinions/{o.id}")
    _bad("what", "未知的明细类型")
    raise AssertionError  # pragma: no cover


def export_rows(listing_: Listing):
    for row in listing_.rows:
        yield [col.value(row) for col in listing_.columns]
