"""Spreadsheets coming in, read without trusting them.

An uploaded .xlsx is a zip of XML parts that can declare any size: a 1.7 KB file declaring the
sheet ``A1:XFD1048576`` once took a worker to 4.9 GiB. So, before openpyxl opens anything:

1. the zip may hold at most :data:`MAX_MEMBERS` parts; each part's declared uncompressed size
   and the bytes actually inflated (read in chunks, stopping at the cap) are bounded;
2. every XML part is streamed through expat, counting elements and refusing DTDs: a worksheet
   may have at most ``max_rows`` rows with values below the header and :data:`MAX_CELLS_PER_ROW`
   cells in a row; shared strings and the parts openpyxl loads whole (styles, workbook, rels …)
   have element budgets too. Parts are told apart by their root element, not their names.

Then openpyxl reads in read-only mode with the declared dimension dropped and the rows and
columns it may produce given explicitly (its ``iter_rows`` otherwise pads every row to the
declared width). A CSV is read record by record with a bounded record length.

Going over a bound raises :class:`~app.errors.TooLarge` (413, ``too_large``); a file that is not
what its name says raises :class:`~app.errors.ValidationFailed` (422, ``invalid_file``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import TooLarge, ValidationFailed
from app.spreadsheets import unquote_cell

MiB = 1024 * 1024
MAX_MEMBERS = 500
MAX_MEMBER_BYTES = 64 * MiB  # a worksheet: streamed, so its size costs time, not memory
MAX_TOTAL_BYTES = 128 * MiB
MAX_CELLS_PER_ROW = 256
MAX_ELEMENTS_PER_CELL = 64  # also per shared string (rich-text runs)
MAX_SHEET_ELEMENTS = 4_000_000  # a full roster of inline strings: ~0.7 million; a bound on time
MAX_STRINGS_BYTES = 16 * MiB  # the shared strings, which openpyxl keeps whole (a full roster: ~6 MB)
MAX_STRING_ELEMENTS = 1_000_000
MAX_OTHER_PART_BYTES = 2 * MiB  # parts openpyxl parses whole into objects (styles.xml is ~10 KB)
MAX_OTHER_ELEMENTS = 50_000  # summed over those parts and the worksheets outside their rows
MAX_CSV_RECORD_CHARS = 64 * 1024
_CHUNK = 256 * 1024
_LINE_END = re.compile(r"\r\n?|\n")

NOT_XLSX = "文件内容不是有效的 Excel（.xlsx）工作簿，请在 Excel 中“另存为 .xlsx”后再上传"
UNREADABLE_XLSX = "无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 格式"


# What openpyxl raises on a damaged workbook (ElementTree's ParseError is a SyntaxError).
_PARSE_ERRORS = (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError,
                 AttributeError, SyntaxError, OSError, EOFError)


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int  # rows with values below the header row
    max_columns: int  # columns read per row; cells further right are ignored


def too_large(message: str) -> TooLarge:
    return TooLarge(message, details={"file": message})


def invalid_file(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message}, code="invalid_file")


def too_many_rows(limits: SheetLimits) -> TooLarge:
    return too_large(f"文件超过 {limits.max_rows} 行数据的上限（不含表头），请分成多个文件上传")


# ---------------------------------------------------------------- .xlsx

def read_xlsx(data: bytes, limits: SheetLimits) -> list[list[str]]:
    """Rows of cell texts of the first worksheet, header row first; blank rows are []."""
    if not data.startswith(b"PK\x03\x04"):
        raise invalid_file(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            last_row = _check_archive(archive, limits)
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _PARSE_ERRORS:
        raise invalid_file(UNREADABLE_XLSX) from None
    try:
        if not wb.worksheets:
            raise invalid_file(UNREADABLE_XLSX)
        if last_row == 0:  # no value anywhere (and iter_rows takes max_row=0 for "no limit")
            return []
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # the declared <dimension> is the attacker's number
        rows = ws.iter_rows(max_row=last_row, max_col=limits.max_columns, values_only=True)
        return _trim([[cell_text(v) for v in row] for row in rows])
    except _PARSE_ERRORS:
        raise invalid_file(UNREADABLE_XLSX) from None
    finally:
        wb.close()


def _check_archive(archive: zipfile.ZipFile, limits: SheetLimits) -> int:
    """Check every part within its bounds; returns the last row with a value in any worksheet."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise too_large(f"Excel 文件包含的部件超过 {MAX_MEMBERS} 个的上限，无法读取")
    if sum(m.file_size for m in members) > MAX_TOTAL_BYTES or any(m.file_size > MAX_MEMBER_BYTES for m in members):
        raise too_large(f"Excel 文件解压后超过 {MAX_TOTAL_BYTES // MiB} MB 上限（单个部件不超过 {MAX_MEMBER_BYTES // MiB} MB），无法读取")
    budget = _Budget()
    last_row = 0
    for member in members:
        if not member.is_dir():
            scan = _scan_member(archive, member, limits, budget)
            if isinstance(scan, _SheetScan):
                last_row = max(last_row, scan.last_row)
    return last_row


class _Budget:
    """Bytes inflated and elements of whole-parsed parts, over the whole archive."""

    def __init__(self):
        self.total_bytes = 0
        self.other_elements = 0

    def count_other(self) -> None:
        self.other_elements += 1
        if self.other_elements > MAX_OTHER_ELEMENTS:
            raise too_large("Excel 文件的样式或结构部件超过上限，无法读取")


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: SheetLimits, budget: _Budget):
    """Inflate one part in chunks (never more than the caps), streaming XML parts through expat."""
    scan = None
    read = 0
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if scan is None:
                scan = _PartScan(limits, budget) if _looks_like_xml(chunk) else False
            read += len(chunk)
            budget.total_bytes += len(chunk)
            cap = scan.byte_cap if scan else MAX_MEMBER_BYTES
            if read > cap or budget.total_bytes > MAX_TOTAL_BYTES:
                raise too_large(f"Excel 文件的部件 {member.filename[:80]} 解压后超过 {cap // MiB} MB 上限，无法读取")
            if scan:
                scan.feed(chunk)
    if scan:
        scan.feed(b"", final=True)
        return scan.kind
    return None


def _looks_like_xml(head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


class _PartScan:
    """Feeds one XML part to expat; the root element decides which rules apply."""

    def __init__(self, limits: SheetLimits, budget: _Budget):
        self.limits, self.budget = limits, budget
        self.kind = None  # _SheetScan, _StringsScan or _OtherScan once the root is seen
        self.broken = False
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype

    @property
    def byte_cap(self) -> int:
        if isinstance(self.kind, _SheetScan):
            return MAX_MEMBER_BYTES
        return MAX_STRINGS_BYTES if isinstance(self.kind, _StringsScan) else MAX_OTHER_PART_BYTES

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.broken:
            return
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError:
            # Not well-formed (Excel's VML drawings never are). Nothing up to the error went over
            # a budget, and openpyxl's parser stops at the same error, so the rest is only read.
            self.broken = True

    def _start(self, name: str, attrs: dict) -> None:
        local = name.rpartition("}")[2]
        if self.kind is None:
            self.kind = {"worksheet": _SheetScan, "sst": _StringsScan}.get(local, _OtherScan)(self.limits, self.budget)
        self.kind.start(local, attrs)

    def _end(self, name: str) -> None:
        self.kind.end(name.rpartition("}")[2])

    def _doctype(self, *args) -> None:
        raise invalid_file(UNREADABLE_XLSX)  # OOXML has no DTD; entity expansion is a bomb of its own


class _SheetScan:
    """Rows, cells per row and elements per cell of a worksheet, as openpyxl will read it."""

    def __init__(self, limits: SheetLimits, budget: _Budget):
        self.limits, self.budget = limits, budget
        self.elements = 0
        self.in_data = False  # inside <sheetData>, where the rows are
        self.rows_in_range = 0
        self.row = 0  # openpyxl's row counter: the row's r attribute, else the previous + 1
        self.cells = 0
        self.cell_depth = 0  # > 0 inside a <c>
        self.cell_elements = 0
        self.last_row = 0

    def start(self, local: str, attrs: dict) -> None:
        self.elements += 1
        if self.elements > MAX_SHEET_ELEMENTS:
            raise too_large("Excel 工作表的内容超过上限，无法读取")
        if not self.in_data:
            self.in_data = local == "sheetData"
            if local not in ("worksheet", "sheetData"):  # merged cells, columns, validations …
                self.budget.count_other()
        elif self.cell_depth:
            self.cell_depth += 1
            self.cell_elements += 1
            if self.cell_elements > MAX_ELEMENTS_PER_CELL:
                raise too_large(f"Excel 文件第 {self.row} 行有单元格的内容结构超过上限，无法读取")
            if local in ("v", "is"):
                self._value_in_row()
        elif local == "row":
            self.row = _row_number(attrs.get("r"), self.row)
            self.cells = 0
            if self.row <= self.limits.max_rows + 1:  # rows openpyxl will parse: one per number
                self.rows_in_range += 1
                if self.rows_in_range > self.limits.max_rows + 1:
                    raise invalid_file(UNREADABLE_XLSX)
        elif local == "c":
            self.cells += 1
            if self.cells > MAX_CELLS_PER_ROW:
                raise too_large(f"Excel 文件第 {self.row} 行的单元格超过 {MAX_CELLS_PER_ROW} 个的上限，无法读取")
            self.cell_depth, self.cell_elements = 1, 0

    def end(self, local: str) -> None:
        if self.cell_depth:
            self.cell_depth -= 1
        elif local == "sheetData":
            self.in_data = False

    def _value_in_row(self) -> None:
        if self.row > self.limits.max_rows + 1:
            raise too_many_rows(self.limits)
        self.last_row = max(self.last_row, self.row)


def _row_number(r: str | None, previous: int) -> int:
    """As openpyxl reads it: the r attribute ("12", also "12.0"), else the previous row + 1."""
    if r is None:
        return previous + 1
    try:
        return int(r)
    except ValueError:
        pass
    try:
        number = float(r)
    except ValueError:
        number = 0.5
    if not number.is_integer():
        raise invalid_file(UNREADABLE_XLSX)
    return int(number)


class _StringsScan:
    """The shared-string table: openpyxl keeps it whole, so count its strings and their runs."""

    def __init__(self, limits: SheetLimits, budget: _Budget):
        self.elements = 0
        self.depth = 0
        self.item_elements = 0

    def start(self, local: str, attrs: dict) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth == 2:
            self.item_elements = 0
        self.item_elements += 1
        if self.elements > MAX_STRING_ELEMENTS or self.item_elements > MAX_ELEMENTS_PER_CELL:
            raise too_large("Excel 文件的文本内容超过上限，无法读取")

    def end(self, local: str) -> None:
        self.depth -= 1


class _OtherScan:
    """Any other XML part (styles, workbook, relationships …), which openpyxl parses whole."""

    def __init__(self, limits: SheetLimits, budget: _Budget):
        self.budget = budget

    def start(self, local: str, attrs: dict) -> None:
        self.budget.count_other()

    def end(self, local: str) -> None:
        pass


# ---------------------------------------------------------------- .csv

def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030 — what Excel on Chinese Windows writes."""
    if b"\x00" in data:  # anywhere: PostgreSQL text columns cannot hold NUL
        raise invalid_file("文件内容不是文本格式的 CSV")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise invalid_file("无法识别 CSV 文件编码（支持 UTF-8 与 GBK/GB18030）")


def read_csv(data: bytes, limits: SheetLimits) -> list[list[str]]:
    """Rows of cell texts, header row first; blank rows are []. Stops at the first record past
    the row limit and at any record longer than :data:`MAX_CSV_RECORD_CHARS`."""
    lines = _RecordLines(decode_csv(data))
    rows: list[list[str]] = []
    try:
        for record in csv.reader(lines):
            lines.record_done()
            cells = [cell_text(c) for c in record[:limits.max_columns]]
            past_limit = len(rows) > limits.max_rows  # rows[0] is the header
            if any(cells):
                if past_limit:
                    raise too_many_rows(limits)
                rows.append(cells)
            elif not past_limit:  # blank rows past the limit can only be trailing ones
                rows.append([])
    except csv.Error:
        raise invalid_file("CSV 文件格式错误") from None
    return _trim(rows)


class _RecordLines:
    """The lines of ``text`` for csv.reader, refusing a record (one line, or several when a
    quoted field spans lines) longer than the cap before it is ever split into fields."""

    def __init__(self, text: str):
        self.text, self.pos, self.record_chars, self.record_no = text, 0, 0, 1

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.text):
            raise StopIteration
        end = _line_end(self.text, self.pos, MAX_CSV_RECORD_CHARS - self.record_chars)
        if end is None:
            raise too_large(f"CSV 文件第 {self.record_no} 行超过 {MAX_CSV_RECORD_CHARS // 1024}K 个字符的上限，无法读取")
        line, self.pos = self.text[self.pos:end], end
        self.record_chars += len(line)
        return line

    def record_done(self) -> None:
        self.record_chars = 0
        self.record_no += 1


def _line_end(text: str, start: int, budget: int) -> int | None:
    """Index after the line starting at ``start`` (ended by CRLF, CR or LF, or the text), or
    None when it is longer than ``budget`` characters. Looks no further than that."""
    stop = min(len(text), start + budget + 2)  # + 2: the line end itself
    found = _LINE_END.search(text, start, stop)
    if found:
        return found.end()
    return stop if stop == len(text) and stop - start <= budget else None


# ---------------------------------------------------------------- cell values

def cell_text(value) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole floats without ".0", an export's formula-safe
    apostrophe removed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return unquote_cell(value.strip())
    return str(value).strip()


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Without trailing blank rows, each row as [] when blank."""
    rows = [row if any(row) else [] for row in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows
