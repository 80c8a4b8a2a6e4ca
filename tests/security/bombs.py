"""Hostile roster files, built by hand (zipfile and XML text): shared by tests/security/test_uploads.py
and bench/upload_bombs.py. Each builder is small and fast at the sizes the tests use; the bench
passes the sizes of issue 8."""

from __future__ import annotations

import io
import struct
import zipfile
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADERS = ["姓名", "层级", "行政区划代码", "工作单位", "职称", "专业领域", "手机", "邮箱", "状态", "聘期截止", "最多同时承担会商数"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
PACKAGE_RELS = (f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/officeDocument" '
                'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_REL}"><sheets>'
            '<sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/worksheet" '
                 'Target="worksheets/sheet1.xml"/></Relationships>')


def row_xml(number: int, values: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, dimension: str = "A1:K2", before_data: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}">'
            f'<dimension ref="{dimension}"/>{before_data}<sheetData>{rows}</sheetData></worksheet>')


def workbook(sheet: str | bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx that openpyxl opens, with ``sheet`` as its only worksheet."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS, "xl/workbook.xml": WORKBOOK,
                           "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, "xl/worksheets/sheet1.xml": sheet,
                           **(extra or {})}.items():
            zf.writestr(name, data)
    return buf.getvalue()


def header_row() -> str:
    return row_xml(1, HEADERS)


def dimension_bomb() -> bytes:
    """The issue's 1.7 KB file: declares A1:XFD1048576 and has one cell in the last row."""
    last = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return workbook(sheet_xml(header_row() + last, dimension="A1:XFD1048576"))


def many_rows(count: int) -> bytes:
    """``count`` rows of one number each below the header (the issue: 300,000 rows in 608 KB)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, count + 2))
    return workbook(sheet_xml(header_row() + rows, dimension=f"A1:K{count + 1}"))


def wide_row(cells: int) -> bytes:
    """One row of ``cells`` empty cells (the issue: 5 million cells in one row in 554 KB)."""
    return workbook(sheet_xml(header_row() + '<row r="2">' + "<c/>" * cells + "</row>"))


def inflating_member(mib: int) -> bytes:
    """A workbook with an extra part that inflates to ``mib`` MiB of spaces (a zip bomb part)."""
    return workbook(sheet_xml(header_row()), extra={"xl/media/padding.bin": b" " * (mib * 1024 * 1024)})


def lying_member(mib: int) -> bytes:
    """A part of ``mib`` MiB whose zip headers claim 1 KiB: the declared size is not trusted."""
    data = bytearray(inflating_member(mib))
    name = b"xl/media/padding.bin"
    # (signature, offset of the uncompressed size, offset of the name): local header, central directory
    for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(sig)
        while at != -1:
            if data[at + name_at:at + name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = struct.pack("<I", 1024)
            at = data.find(sig, at + 4)
    return bytes(data)


def styles_bomb(formats: int) -> bytes:
    """A styles part with ``formats`` cell formats (openpyxl builds an object for each)."""
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * formats
    styles = f'<styleSheet xmlns="{MAIN_NS}"><cellXfs count="{formats}">{xfs}</cellXfs></styleSheet>'
    return workbook(sheet_xml(header_row()), extra={"xl/styles.xml": styles})


def rich_text_bomb(runs: int) -> bytes:
    """One shared string of ``runs`` rich-text runs (openpyxl builds an object for each)."""
    strings = f'<sst xmlns="{MAIN_NS}"><si>' + "<r><t>x</t></r>" * runs + "</si></sst>"
    return workbook(sheet_xml(header_row()), extra={"xl/sharedStrings.xml": strings})


def csv_long_line(chars: int) -> bytes:
    return (",".join(HEADERS) + "\r\n" + "," * chars + "\r\n").encode()


def csv_many_rows(count: int) -> bytes:
    return (",".join(HEADERS) + "\r\n" + "x\r\n" * count).encode()
