"""Roster uploads that are bombs (issue 8, defect 1): every one is refused within seconds, with a
bounded memory footprint, in the documented error shape (API) or with a clear Chinese message on
the import page (UI), and nothing is imported.

Each upload runs under an address-space cap of 1 GiB above what the test process already maps:
the old reader needed 1.7–4.9 GiB for these files, so there it failed with a MemoryError (a 500)
instead of swapping the machine to death. The bench (bench/upload_bombs.py) measures the peak.
"""

from __future__ import annotations

import os
import resource
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from app.experts import roster
from app.experts.models import Expert
from app.extensions import db
from app.spreadsheet_reader import SheetLimits
from tests.api.helpers import assert_error, csv_bytes, roster_row, upload, xlsx_bytes
from tests.security import bombs


SECONDS = 10  # generous for two shared cores; the bench shows the real times (well under one)


def count_experts() -> int:
    return db.session.execute(select(func.count()).select_from(Expert)).scalar_one()


@contextmanager
def memory_cap(extra_mib: int = 1024):
    """Cap this process's address space at its current size + ``extra_mib`` for the block."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + extra_mib * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def refused(client, headers, filename: str, content: bytes, status: int, code: str) -> dict:
    started = time.perf_counter()
    with memory_cap():
        resp = upload(client, headers, filename, content)
    elapsed = time.perf_counter() - started
    err = assert_error(resp, status, code)
    assert elapsed < SECONDS, f"{filename}: {elapsed:.1f} s"
    return err


BOMBS = {
    "dimension A1:XFD1048576, one cell in the last row": lambda: bombs.dimension_bomb(),
    "300,000 rows": lambda: bombs.many_rows(300_000),
    "1 million cells in one row": lambda: bombs.wide_row(1_000_000),
    "a part inflating to 100 MiB": lambda: bombs.inflating_member(100),
    "a styles part of 100,000 formats": lambda: bombs.styles_bomb(100_000),
    "a shared string of 200,000 rich-text runs": lambda: bombs.rich_text_bomb(200_000),
}


@pytest.mark.parametrize("build", BOMBS.values(), ids=BOMBS.keys())
def test_xlsx_bombs_are_refused_413_quickly(client, world, api, build):
    content = build()
    assert len(content) < 3 * 1024 * 1024  # all far below the 10 MB upload limit
    err = refused(client, api(world.officer_nj), "名册.xlsx", content, 413, "too_large")
    assert "上限" in err["message"], err
    assert err["details"]["file"] == err["message"]
    assert count_experts() == 4


def test_declared_row_count_is_the_limit_not_the_dimension(client, world, api, monkeypatch):
    """Rows are counted as they come: the limit holds exactly, blank and formatted-only rows past
    it do not count, and the first row with a value past it refuses the file."""
    monkeypatch.setattr(roster, "LIMITS", SheetLimits(max_rows=3, max_columns=32))
    h = api(world.officer_nj)
    rows = "".join(bombs.row_xml(i + 1, roster_row(i)) for i in range(1, 4))
    formatted_only = '<row r="500000" s="1" customFormat="1"/><row r="600000"><c r="A600000" s="1"/></row>'
    sheet = bombs.sheet_xml(bombs.header_row() + rows + formatted_only, dimension="A1:XFD1048576")
    resp = upload(client, h, "三行.xlsx", bombs.workbook(sheet))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.get_json()["created"] == 3
    four = "".join(bombs.row_xml(i + 1, roster_row(i + 10)) for i in range(1, 5))
    err = refused(client, h, "四行.xlsx", bombs.workbook(bombs.sheet_xml(bombs.header_row() + four)), 413, "too_large")
    assert "3 行" in err["message"]
    err = refused(client, h, "四行.csv", csv_bytes([roster_row(i + 10) for i in range(1, 5)]), 413, "too_large")
    assert "3 行" in err["message"]
    assert upload(client, h, "三行.csv", csv_bytes([roster_row(i) for i in range(1, 4)]) + b"\r\n" * 10).status_code == 200
    assert count_experts() == 4 + 3


def test_cells_far_right_are_ignored_not_padded(client, world, api):
    """A value in column XFD of a good row neither pads the row to 16,384 cells nor breaks the import."""
    row = bombs.row_xml(2, roster_row(1))[:-len("</row>")] + '<c r="XFD2" t="inlineStr"><is><t>备注</t></is></c></row>'
    sheet = bombs.sheet_xml(bombs.header_row() + row, dimension="A1:XFD2")
    with memory_cap():
        resp = upload(client, api(world.officer_nj), "宽.xlsx", bombs.workbook(sheet))
    assert resp.status_code == 200 and resp.get_json()["created"] == 1, resp.get_data(as_text=True)[:500]


def test_a_part_lying_about_its_size_is_refused(client, world, api):
    """The zip says 1 KiB, the data inflates to 80 MiB: reading stops at the declared size and the
    checksum gives the lie away."""
    err = refused(client, api(world.officer_nj), "名册.xlsx", bombs.lying_member(80), 422, "invalid_file")
    assert "Excel" in err["details"]["file"]
    assert count_experts() == 4


def test_too_many_zip_parts_413(client, world, api):
    extra = {f"customXml/item{i}.xml": b"<a/>" for i in range(600)}
    err = refused(client, api(world.officer_nj), "名册.xlsx", bombs.workbook(bombs.sheet_xml(bombs.header_row()), extra),
                  413, "too_large")
    assert "500" in err["message"]


def test_a_dtd_is_refused(client, world, api):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              f'<sst xmlns="{bombs.MAIN_NS}"><si><t>&lol2;</t></si></sst>')
    content = bombs.workbook(bombs.sheet_xml(bombs.header_row()), {"xl/sharedStrings.xml": laughs})
    refused(client, api(world.officer_nj), "名册.xlsx", content, 422, "invalid_file")


@pytest.mark.parametrize(("content", "what"), [
    (bombs.csv_long_line(9_000_000), "a line of 9 million commas"),
    (b'"' + b"x\r\n" * 3_000_000, "a quoted field over 3 million lines"),
    (bombs.csv_many_rows(300_000), "300,000 rows"),
], ids=["long line", "endless quoted field", "300,000 rows"])
def test_csv_bombs_are_refused_413_quickly(client, world, api, content, what):
    err = refused(client, api(world.officer_nj), "名册.csv", content, 413, "too_large")
    assert "行" in err["message"] and "上限" in err["message"], (what, err)
    assert count_experts() == 4


def test_a_real_roster_still_imports(client, world, api):
    """Exported by Excel-like writers (openpyxl, shared strings, styles): read as before."""
    h = api(world.officer_nj)
    resp = upload(client, h, "名册.xlsx", xlsx_bytes([roster_row(i) for i in range(1, 201)]))
    assert resp.status_code == 200 and resp.get_json()["created"] == 200, resp.get_data(as_text=True)[:500]


def test_control_characters_in_a_file_are_row_errors(client, world, api):
    """Files are not touched by the request guard; their cells are checked like form fields."""
    resp = upload(client, api(world.officer_nj), "名册.csv", csv_bytes([roster_row(1, 工作单位="南京\x01大学")]))
    assert resp.status_code == 422
    assert resp.get_json()["errors"] == [{"row": 2, "field": "工作单位", "message": "不能包含不可见的控制字符"}]
    assert count_experts() == 4


# ---------------------------------------------------------------- the import page

def ui_upload(client, content: bytes, filename: str):
    import io

    with memory_cap():
        return client.post("/experts/import", data={"file": (io.BytesIO(content), filename)},
                           content_type="multipart/form-data")


@pytest.mark.parametrize(("filename", "build", "text"), [
    ("名册.xlsx", bombs.dimension_bomb, "文件超过 20000 行数据的上限（不含表头），请分成多个文件上传"),
    ("名册.xlsx", lambda: bombs.wide_row(1_000_000), "Excel 文件第 2 行的单元格超过 256 个的上限，无法读取"),
    ("名册.xlsx", lambda: bombs.inflating_member(100), "解压后超过"),
    ("名册.csv", lambda: bombs.csv_long_line(9_000_000), "CSV 文件第 2 行超过 64K 个字符的上限，无法读取"),
], ids=["dimension bomb", "wide row", "zip bomb part", "long CSV line"])
def test_the_import_page_explains_a_refused_bomb(client, world, login, filename, build, text):
    login(world.officer_nj)
    started = time.perf_counter()
    resp = ui_upload(client, build(), filename)
    assert time.perf_counter() - started < SECONDS
    assert resp.status_code == 413
    html = resp.get_data(as_text=True)
    assert text in html and "系统内部错误" not in html
    assert 'name="file"' in html  # the upload form again, to try another file
    assert count_experts() == 4
