"""Roster (专家名册) import and export through the API."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from app.audit.models import AuditEntry
from app.experts.models import Expert, ExpertSpecialty
from tests.api.helpers import ROSTER_HEADERS, assert_error, csv_bytes, roster_row, upload, xlsx_bytes

EXPORT = "/api/v1/experts/export"


def _count(db) -> int:
    return db.session.execute(select(func.count()).select_from(Expert)).scalar_one()


def _snapshot(db) -> list[tuple]:
    """Every expert's content (not ids or timestamps), sorted."""
    db.session.expire_all()
    rows = db.session.execute(select(Expert)).scalars().all()
    return sorted((e.name, e.tier, e.region_code, e.employer, e.title, tuple(e.specialties), e.phone, e.email, e.status,
                   e.term_end, e.max_open_consultations) for e in rows)


def _ok(resp, created: int, updated: int) -> None:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:1000]
    assert resp.get_json() == {"created": created, "updated": updated, "errors": []}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_import_creates_experts(client, world, api, db, kind):
    rows = [roster_row(1), roster_row(2, 专业领域="民商法，劳动与社会保障法", 状态="暂停", 聘期截止="2027/06/30"),
            roster_row(3, 专业领域="心理疏导", 邮箱="", 聘期截止="", 最多同时承担会商数="")]
    content = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    _ok(upload(client, api(world.officer_nj), f"名册.{kind}", content), 3, 0)
    assert _count(db) == 7
    got = {e.name: e for e in db.session.execute(select(Expert).where(Expert.name.like("名册专家%"))).scalars()}
    assert got["名册专家1"].specialties == ["administrative_law", "petition_policy"]
    assert (got["名册专家1"].tier, got["名册专家1"].region_code, got["名册专家1"].phone) == ("municipal", "320100", "13600000001")
    assert got["名册专家2"].specialties == ["civil_law", "labor_law"]
    assert (got["名册专家2"].status, str(got["名册专家2"].term_end)) == ("suspended", "2027-06-30")
    assert (got["名册专家3"].email, got["名册专家3"].term_end, got["名册专家3"].max_open_consultations) == ("", None, 3)


def test_import_updates_matching_experts_by_tier_and_phone(client, world, api, db):
    h = api(world.officer_nj)
    _ok(upload(client, h, "a.csv", csv_bytes([roster_row(1), roster_row(2)])), 2, 0)
    _ok(upload(client, h, "b.csv", csv_bytes([roster_row(1, 职称="二级教授"), roster_row(2), roster_row(3)])), 1, 1)
    db.session.expire_all()
    e1 = db.session.execute(select(Expert).where(Expert.phone == "13600000001")).scalar_one()
    assert (e1.title, e1.version) == ("二级教授", 2)
    e2 = db.session.execute(select(Expert).where(Expert.phone == "13600000002")).scalar_one()
    assert e2.version == 1
    assert _count(db) == 7


def test_import_only_changes_the_columns_of_the_file(client, world, api, db, factory):
    """A roster has no column for the linked employer organization, and a file may leave out the
    optional columns: an update keeps what the file does not speak about."""
    linked = factory.expert("孙丽", region_code="320100", employer_organization_id=world.agency.id, email="sun@example.cn",
                            title="教授", max_open_consultations=5)
    headers = ["姓名", "层级", "行政区划代码", "工作单位", "专业领域", "手机"]
    row = [["孙丽", "市", "320100", "南京大学法学院", "民商法", linked.phone]]
    _ok(upload(client, api(world.officer_nj), "min.csv", csv_bytes(row, headers=headers)), 0, 1)
    db.session.expire_all()
    e = db.session.get(Expert, linked.id)
    assert e.specialties == ["civil_law"]
    assert (e.employer_organization_id, e.email, e.title, e.max_open_consultations, e.status) == (
        world.agency.id, "sun@example.cn", "教授", 5, "active")


def test_one_bad_row_of_100_imports_nothing(client, world, api, db):
    rows = [roster_row(i) for i in range(1, 101)]
    rows[56] = roster_row(57, 专业领域="行政法与行政诉讼、占星术")  # file row 58 (row 1 is the header)
    h = api(world.officer_nj)
    before_experts = _count(db)
    before_audit = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    for kind, content in (("xlsx", xlsx_bytes(rows)), ("csv", csv_bytes(rows))):
        resp = upload(client, h, f"roster.{kind}", content)
        assert resp.status_code == 422, resp.get_data(as_text=True)[:500]
        body = resp.get_json()
        assert body["created"] == 0 and body["updated"] == 0
        assert body["errors"] == [{"row": 58, "field": "专业领域", "message": body["errors"][0]["message"]}]
        assert "占星术" in body["errors"][0]["message"]
        assert body["error"]["code"] == "import_invalid" and body["error"]["details"]["errors"] == body["errors"]
        assert "1 行" in body["error"]["message"]
    assert _count(db) == before_experts
    assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == before_audit


def test_every_error_is_listed_by_row_and_column(client, world, api, db):
    rows = [roster_row(1), roster_row(2, 层级="区", 手机="123"), roster_row(3, 行政区划代码="3201"),
            roster_row(4, 姓名="", 状态="休眠", 聘期截止="明年"), roster_row(5, 手机="13600000001"),
            roster_row(6, 邮箱="bad@", 最多同时承担会商数="多")]
    resp = upload(client, api(world.admin), "r.csv", csv_bytes(rows))
    assert resp.status_code == 422
    found = {(e["row"], e["field"]) for e in resp.get_json()["errors"]}
    assert found == {(3, "层级"), (3, "手机"), (4, "行政区划代码"), (5, "姓名"), (5, "状态"), (5, "聘期截止"),
                     (6, "手机"), (7, "邮箱"), (7, "最多同时承担会商数")}
    assert all(e["message"] for e in resp.get_json()["errors"])
    assert _count(db) == 4


def test_missing_columns_and_empty_files(client, world, api, db):
    h = api(world.admin)
    headers = [h_ for h_ in ROSTER_HEADERS if h_ not in ("手机", "专业领域")]
    resp = upload(client, h, "r.csv", csv_bytes([["x"] * len(headers)], headers=headers))
    assert resp.status_code == 422
    assert {(e["row"], e["field"]) for e in resp.get_json()["errors"]} == {(1, "手机"), (1, "专业领域")}
    empty = upload(client, h, "r.csv", b"")
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["row"] == 1
    # headers only: nothing to do, nothing wrong
    _ok(upload(client, h, "r.xlsx", xlsx_bytes([])), 0, 0)
    assert_error(client.post("/api/v1/experts/import", headers=h, data={}, content_type="multipart/form-data"), 422,
                 fields=("file",))
    assert _count(db) == 4


def test_20_mb_upload_413(client, world, api, db):
    h = api(world.admin)
    big = csv_bytes([roster_row(1)]) + b"#" * (20 * 1024 * 1024)
    err = assert_error(upload(client, h, "big.csv", big), 413, "too_large")
    assert "MB" in err["message"] or "上限" in err["message"]
    assert_error(upload(client, h, "big.xlsx", b"PK\x03\x04" + b"\0" * (20 * 1024 * 1024)), 413)
    assert _count(db) == 4


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",          # a PDF renamed .xlsx
    "姓名,层级\n张三,市\n".encode(),                                   # a CSV renamed .xlsx
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,                 # an old .xls (OLE2)
    b"",
])
def test_non_spreadsheet_renamed_xlsx_is_refused_clearly(client, world, api, db, content):
    resp = upload(client, api(world.admin), "名册.xlsx", content)
    assert resp.status_code in (415, 422), resp.get_data(as_text=True)[:300]
    err = resp.get_json()["error"]
    text = err["message"] + " ".join(str(v) for v in err["details"].values())
    assert "Excel" in text or "xlsx" in text, err
    assert _count(db) == 4


def test_zip_that_is_not_a_workbook_422(client, world, api, db):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "不是工作簿")
    resp = upload(client, api(world.admin), "名册.xlsx", buf.getvalue())
    assert resp.status_code == 422
    assert "Excel" in resp.get_json()["error"]["message"] + str(resp.get_json()["error"]["details"])
    assert _count(db) == 4


@pytest.mark.parametrize("filename", ["名册.txt", "名册.xls", "名册.pdf", "名册", "roster.csv.exe"])
def test_other_file_types_415(client, world, api, db, filename):
    err = assert_error(upload(client, api(world.admin), filename, csv_bytes([roster_row(1)])), 415, "unsupported_media_type")
    assert ".xlsx" in err["message"] and ".csv" in err["message"]
    assert _count(db) == 4


def test_uppercase_extension_is_accepted(client, world, api):
    _ok(upload(client, api(world.admin), "ROSTER.CSV", csv_bytes([roster_row(1)])), 1, 0)


def _wipe_imported(db) -> None:
    ids = select(Expert.id).where(Expert.name.like("名册专家%"))
    db.session.execute(delete(ExpertSpecialty).where(ExpertSpecialty.expert_id.in_(ids)))
    db.session.execute(delete(Expert).where(Expert.name.like("名册专家%")))
    db.session.commit()


def test_gbk_and_utf8_bom_csv_import_identically(client, world, api, db):
    rows = [roster_row(1, 姓名="名册专家欧阳明", 工作单位="浙江大学光华法学院（杭州）"),
            roster_row(2, 专业领域="婚姻家庭与继承；医疗卫生法", 职称="主任医师"),
            roster_row(3, 层级="市", 工作单位="南京市鼓楼区人民法院·退休")]
    h = api(world.admin)
    results = {}
    for encoding in ("utf-8-sig", "gbk", "gb18030", "utf-8"):
        content = csv_bytes(rows, encoding=encoding)
        if encoding == "gbk":
            assert content != csv_bytes(rows, encoding="utf-8")  # really a different byte stream
        _ok(upload(client, h, f"{encoding}.csv", content), 3, 0)
        results[encoding] = [r for r in _snapshot(db) if r[0].startswith("名册专家")]
        _wipe_imported(db)
    assert len(results["gbk"]) == 3
    assert results["gbk"] == results["utf-8-sig"] == results["gb18030"] == results["utf-8"]
    assert {r[0] for r in results["gbk"]} == {"名册专家欧阳明", "名册专家2", "名册专家3"}
    by_name = {r[0]: r for r in results["gbk"]}
    assert by_name["名册专家欧阳明"][3] == "浙江大学光华法学院（杭州）"
    assert (by_name["名册专家2"][4], by_name["名册专家2"][5]) == ("主任医师", ("family_inheritance", "medical_law"))
    assert by_name["名册专家3"][3] == "南京市鼓楼区人民法院·退休"
    # and one imported after the other: the second changes nothing
    _ok(upload(client, h, "a.csv", csv_bytes(rows, encoding="gbk")), 3, 0)
    _ok(upload(client, h, "b.csv", csv_bytes(rows, encoding="utf-8-sig")), 0, 0)


def test_undecodable_csv_422(client, world, api, db):
    resp = upload(client, api(world.admin), "r.csv", b"\xff\xfe\x00\x00garbage\x00\x81")
    assert resp.status_code == 422
    assert _count(db) == 4


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_reimport_is_unchanged(client, world, api, db, factory, fmt):
    factory.expert("孙丽", region_code="320100", specialties=("labor_law", "psychology"), status="suspended", term_end=None,
                   employer_organization_id=world.agency.id)
    factory.expert("欧阳明", tier="provincial", region_code="320000", specialties=("finance_law",), email="")
    h = api(world.admin)
    before = _snapshot(db)
    versions = dict(db.session.execute(select(Expert.id, Expert.version)).all())
    resp = client.get(f"{EXPORT}?format={fmt}", headers=h)
    assert resp.status_code == 200
    assert "attachment" in resp.headers["Content-Disposition"]
    content = resp.get_data()
    if fmt == "xlsx":
        assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        table = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        assert resp.mimetype == "text/csv" and content.startswith(b"\xef\xbb\xbf")
        table = [line.split(",") for line in content.decode("utf-8-sig").splitlines()]
    assert list(table[0]) == ROSTER_HEADERS
    assert len(table) == 1 + 6
    _ok(upload(client, h, f"export.{fmt}", content), 0, 0)
    assert _snapshot(db) == before
    db.session.expire_all()
    assert dict(db.session.execute(select(Expert.id, Expert.version)).all()) == versions


def test_officer_export_and_reimport_own_pool(client, world, api, db):
    h = api(world.officer_nj)
    resp = client.get(f"{EXPORT}?format=csv", headers=h)
    assert resp.status_code == 200
    lines = resp.get_data().decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "王建国" in lines[1]  # only the 南京 pool
    _ok(upload(client, h, "mine.csv", resp.get_data()), 0, 0)


def test_provincial_officer_export_reimports_unchanged(client, world, api, db):
    """A provincial office sees the municipal experts of its province too; its own export must
    still import back unchanged (rows it may not manage are left as they are)."""
    h = api(world.officer_js)
    resp = client.get(f"{EXPORT}?format=xlsx", headers=h)
    assert resp.status_code == 200
    before = _snapshot(db)
    _ok(upload(client, h, "js.xlsx", resp.get_data()), 0, 0)
    assert _snapshot(db) == before


def test_export_filters_and_bad_format(client, world, api):
    h = api(world.admin)
    resp = client.get(f"{EXPORT}?format=csv&tier=municipal&region_code=330100", headers=h)
    lines = resp.get_data().decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "李秀英" in lines[1]
    assert_error(client.get(f"{EXPORT}?format=pdf", headers=h), 422, fields=("format",))
    assert client.get(EXPORT, headers=h).mimetype.endswith("spreadsheetml.sheet")  # xlsx by default


def test_officer_cannot_import_rows_outside_tier_or_jurisdiction(client, world, api, db):
    rows = [roster_row(1),                                                  # 南京 municipal: fine
            roster_row(2, 行政区划代码="330100"),                             # 杭州
            roster_row(3, 层级="省", 行政区划代码="320000"),                    # provincial pool
            roster_row(4, 行政区划代码="320200")]                             # 无锡
    resp = upload(client, api(world.officer_nj), "r.csv", csv_bytes(rows))
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert sorted({e["row"] for e in errors}) == [3, 4, 5]
    assert all("无权" in e["message"] for e in errors)
    assert _count(db) == 4
    # 杭州's officer may import the 杭州 row
    _ok(upload(client, api(world.officer_hz), "hz.csv", csv_bytes([roster_row(2, 行政区划代码="330100")])), 1, 0)


def test_officer_cannot_take_over_another_jurisdictions_expert_by_phone(client, world, api, db):
    """The matching key is tier + phone: a 南京 officer's row with a 杭州 expert's number must not
    rewrite (or move) that expert."""
    row = roster_row(1, 姓名="冒名专家", 手机=world.e_hz.phone)
    resp = upload(client, api(world.officer_nj), "r.csv", csv_bytes([row]))
    assert resp.status_code == 422, resp.get_json()
    assert [e["row"] for e in resp.get_json()["errors"]] == [2]
    db.session.expire_all()
    e_hz = db.session.get(Expert, world.e_hz.id)
    assert (e_hz.name, e_hz.region_code, e_hz.version) == ("李秀英", "330100", 1)


@pytest.mark.parametrize("who", ["agency_user", "expert_user"])
def test_agency_and_expert_cannot_import_or_export(client, world, api, db, who):
    h = api(getattr(world, who))
    assert_error(upload(client, h, "r.csv", csv_bytes([roster_row(1)])), 403)
    assert_error(client.get(f"{EXPORT}?format=csv", headers=h), 403)
    assert _count(db) == 4
