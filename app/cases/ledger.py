"""The ledger (台账) as an Excel workbook: one row per visible case, Chinese headers, real date
cells. Identity-card and telephone numbers are left out (the file travels by e-mail and USB
stick); petitioners appear by name."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from app.audit import services as audit
from app.cases import permissions as perm
from app.cases.queries import CaseFilters, list_query, with_details
from app.cases.deadlines import extended_days, is_overdue
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.spreadsheets import XLSX_MIMETYPE, xlsx_bytes
from app.timeutil import file_stamp, local
from expert_pool.codes import CROSS_FLAGS

MAX_ROWS = 100000

# (header, width, value of a case)
COLUMNS = [
    ("事项编号", 20, lambda c: c.case_number),
    ("标题", 36, lambda c: c.title),
    ("问题类别", 14, lambda c: c.category_label),
    ("行政区划代码", 12, lambda c: c.region_code),
    ("行政区划", 18, lambda c: c.region_name),
    ("承办单位", 26, lambda c: c.handling_org.name if c.handling_org else ""),
    ("牵头单位", 22, lambda c: c.lead_org.name if c.lead_org else ""),
    ("配合单位", 30, lambda c: "、".join(o.name for o in c.cooperating_orgs)),
    ("信访人", 20, lambda c: "、".join(p.name for p in c.petitioners)),
    ("首次信访日期", 13, lambda c: c.first_petition_date),
    ("重信次数", 9, lambda c: c.repeat_letters),
    ("重访次数", 9, lambda c: c.repeat_visits),
    ("重投次数", 9, lambda c: c.repeat_online),
    ("三跨三分离", 22, lambda c: "、".join(CROSS_FLAGS.get(f, f) for f in c.cross_flags or [])),
    ("包案领导", 12, lambda c: c.responsible_leader),
    ("积案", 6, lambda c: "是" if c.is_backlog else "否"),
    ("状态", 10, lambda c: c.status_label),
    ("受理日期", 12, lambda c: c.accepted_on),
    ("办理期限", 12, lambda c: c.due_date),
    ("已延期天数", 10, lambda c: extended_days(c) or None),
    ("是否超期", 8, lambda c: "超期" if is_overdue(c) else ""),
    ("登记日期", 12, lambda c: local(c.created_at).date() if c.created_at else None),
]
HEADERS = [h for h, _, _ in COLUMNS]


@dataclass
class Export:
    content: bytes
    mimetype: str
    filename: str
    count: int

    @property
    def content_disposition(self) -> str:
        return f"attachment; filename=\"case-ledger.xlsx\"; filename*=UTF-8''{quote(self.filename)}"


def export_ledger(user, filters: CaseFilters | None = None, fmt: str = "xlsx") -> Export:
    """The filtered ledger of the cases ``user`` may see, audited as an export."""
    if fmt != "xlsx":
        raise ValidationFailed({"format": "导出格式应为 xlsx"})
    if not perm.can_export_ledger(user):
        raise Forbidden("无权导出信访事项台账")
    filters = filters or CaseFilters()
    cases = db.session.execute(with_details(list_query(user, filters)).limit(MAX_ROWS)).scalars().all()
    content = workbook_bytes(cases)
    stamp = file_stamp()
    audit.record("export", "case_ledger", None, f"导出信访事项台账（{len(cases)} 件）",
                 after={"format": fmt, "count": len(cases), "filters": filters.as_args()})
    return Export(content, XLSX_MIMETYPE, f"信访事项台账_{stamp}.xlsx", len(cases))


def workbook_bytes(cases) -> bytes:
    """Text cells formula-safe, date cells real dates (app.spreadsheets)."""
    rows = ([value(case) for _, _, value in COLUMNS] for case in cases)
    return xlsx_bytes("信访事项台账", HEADERS, rows, [width for _, width, _ in COLUMNS], autofilter=True)
