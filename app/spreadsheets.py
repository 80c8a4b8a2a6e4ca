"""Spreadsheets going out. Every export (roster, ledger, audit log) writes its cells through here,
so that no cell can run as a formula or break the file.

* Formula injection (OWASP "CSV Injection"): text starting with ``= + - @``, tab or CR gets a
  leading apostrophe, and .xlsx text cells are written with the string data type, so Excel
  neither evaluates ``=HYPERLINK(…)`` from a case title nor ``=cmd|' /C calc'!A0`` from a
  sign-in name. Text that already starts with apostrophes before such a character gets one more,
  so :func:`unquote_cell` (which the importers apply) gives every value back exactly.
* Characters XML 1.0 forbids are dropped: rows stored before the input guard may hold them, and
  openpyxl refuses them (an export that fails for good).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.validation import FORBIDDEN_TEXT_RE

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_MAX_CELL_CHARS = 32767  # Excel's limit; longer text makes Excel "repair" the file
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F0F1F3")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center")


def safe_cell(value):
    """``value`` as it may go into a spreadsheet: text without XML-forbidden characters and
    formula-safe; numbers, dates and None unchanged."""
    if not isinstance(value, str):
        return value
    text = FORBIDDEN_TEXT_RE.sub("", value)
    return "'" + text if _FORMULA_START.match(text) else text


def unquote_cell(text: str) -> str:
    """Undo :func:`safe_cell`'s apostrophe: what an imported file gives back from an export."""
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text, 1) else text


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = (),
               *, autofilter: bool = False) -> bytes:
    """A one-sheet workbook (streamed: write-only mode) with a bold, frozen header row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append([_header_cell(ws, h) for h in headers])
    count = 0
    for row in rows:
        ws.append([_xlsx_cell(ws, v) for v in row])
        count += 1
    if autofilter and count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM (so that Excel opens it as UTF-8) and CRLF line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def _header_cell(ws, title: str):
    cell = _xlsx_cell(ws, title)
    cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT
    return cell


def _xlsx_cell(ws, value):
    value = safe_cell(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value[:XLSX_MAX_CELL_CHARS])
        cell.data_type = "s"  # text, whatever it looks like: never a formula
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    return value
