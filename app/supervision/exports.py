"""Exports (.xlsx) of the dashboard tables and the drill-down lists, through ``app.spreadsheets``
(Chinese headers, frozen bold header row, column widths, formula-safe text cells); each export
is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from app.audit import services as audit
from app.errors import Forbidden, NotFound
from app.spreadsheets import XLSX_MIMETYPE, xlsx_bytes
from app.supervision import dashboard
from app.supervision import lists as L
from app.supervision import permissions as perm
from app.supervision.queries import Filters

MAX_ROWS = 100000


@dataclass
class Export:
    content: bytes
    filename: str
    mimetype: str = XLSX_MIMETYPE

    @property
    def content_disposition(self) -> str:
        return f"attachment; filename=\"supervision.xlsx\"; filename*=UTF-8''{quote(self.filename)}"


def _check(user) -> None:
    if not perm.can_view_supervision(user):
        raise Forbidden("无权导出督办统计")


def export_table(user, name: str, f: Filters, region_arg: str, today: date) -> Export:
    """One dashboard table, as on the page."""
    _check(user)
    charts = {c.id: c for c in dashboard.build(user, f, region_arg, today)}
    chart = charts.get(name)
    if chart is None:
        raise NotFound("没有这张统计表")
    widths = [max(12, len(chart.first_header) * 2 + 4)] + [14] * (len(chart.headers) - 1)
    widths[0] = max(widths[0], *[len(str(lbl)) * 2 + 2 for lbl in chart.labels] or [12])
    content = xlsx_bytes(chart.title[:31], chart.headers, chart.rows(), widths)
    audit.record("export", "supervision_table", None, f"导出督办统计表：{chart.title}", after={"table": name})
    return Export(content, f"{chart.title}_{today:%Y%m%d}.xlsx")


def export_list(user, what: str, f: Filters, args, today: date) -> Export:
    """Every row of a drill-down list (up to 100,000)."""
    _check(user)
    listing = L.listing(user, what, f, args, today, everything=True)
    rows = list(L.export_rows(listing))[:MAX_ROWS]
    content = xlsx_bytes("明细", [c.header for c in listing.columns], rows, [c.width for c in listing.columns],
                         autofilter=True)
    audit.record("export", "supervision_list", None, f"导出督办明细：{listing.title}（{len(rows)} 条）",
                 after={"what": what, "count": len(rows)})
    return Export(content, f"督办明细_{today:%Y%m%d}.xlsx")
