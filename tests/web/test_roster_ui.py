"""Roster import/export pages: the upload page explains the format; good files create and
update; one bad row refuses the whole file and lists every error by row and column; GBK and
UTF-8-BOM CSVs import alike; wrong and oversized files get a clear message."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.experts.models import Expert
from app.extensions import db

HEADERS = ["姓名", "层级", "行政区划代码", "工作单位", "职称", "专业领域", "手机", "邮箱", "状态", "聘期截止", "最多同时承担会商数"]
GOOD = ["孙明", "市", "320100", "南京师范大学法学院", "副教授", "劳动与社会保障法、心理疏导", "13711112222", "sunm@example.cn", "在库",
        "2029-06-30", "2"]


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_text(rows: list[list]) -> str:
    return "\r\n".join(",".join(str(c) for c in r) for r in [HEADERS, *rows]) + "\r\n"


def upload(client, content: bytes, filename: str):
    return client.post("/experts/import", data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def count_experts() -> int:
    return db.session.execute(select(func.count()).select_from(Expert)).scalar_one()


def by_phone(phone: str) -> Expert | None:
    db.session.expire_all()
    return db.session.execute(select(Expert).where(Expert.phone == phone)).scalar_one_or_none()


def page(resp) -> str:
    return resp.get_data(as_text=True)


def test_import_page_explains_columns_matching_key_and_encodings(client, world, login):
    login(world.officer_nj)
    html = page(client.get("/experts/import"))
    for header in HEADERS:
        assert f">{header}<" in html
    assert "按“层级 + 手机”匹配：已有的专家更新，其余新增" in html
    assert "GBK" in html and "UTF-8" in html and "10 MB" in html
    assert "任何一行有误则整个文件都不导入" in html
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    assert "/experts/import/template" in html


def test_template_download_is_an_importable_workbook(client, world, login):
    login(world.officer_nj)
    resp = client.get("/experts/import/template")
    assert resp.status_code == 200 and "spreadsheetml" in resp.mimetype
    assert "attachment" in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and rows[1][0] == "张明远"


def test_good_xlsx_creates_and_updates_with_counts(client, world, login):
    login(world.officer_nj)
    existing = world.e_nj
    rows = [GOOD, [existing.name, "市", "320100", "东南大学法学院", "教授", "行政法与行政诉讼", existing.phone, existing.email, "在库",
                   "2028-12-31", 3]]
    resp = upload(client, xlsx(rows), "名册.xlsx")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/experts/import")
    assert "导入完成：新增 1 人，更新 1 人，未变化 0 人" in page(client.get(resp.headers["Location"]))
    new = by_phone("13711112222")
    assert new.name == "孙明" and new.specialties == ["labor_law", "psychology"] and new.max_open_consultations == 2
    assert str(new.term_end) == "2029-06-30"
    assert by_phone(existing.phone).employer == "东南大学法学院"
    assert count_experts() == 5
    # the same file again changes nothing
    resp = upload(client, xlsx(rows), "名册.xlsx")
    assert "导入完成：新增 0 人，更新 0 人，未变化 2 人" in page(client.get(resp.headers["Location"]))
    # and the imported expert is in the list, with an import entry in their history
    assert "孙明" in page(client.get("/experts?specialty=psychology"))
    assert "名册导入新增专家 孙明" in page(client.get(f"/experts/{new.id}"))


def test_bad_row_shows_every_error_and_imports_nothing(client, world, login):
    login(world.officer_nj)
    bad = ["", "市", "320100", "某单位", "", "行政法与行政诉讼、算命", "1371111", "", "在库", "2029-13-01", 3]
    other = [*GOOD[:6], "13722223333", *GOOD[7:]]
    resp = upload(client, xlsx([GOOD, bad, other]), "名册.xlsx")
    html = page(resp)
    assert resp.status_code == 422
    assert "未导入任何数据" in html
    table = html[html.index("data-import-error-table"):]
    assert table.count("第 3 行") == 4
    for column, message in [("姓名", "不能为空"), ("专业领域", "未知的专业领域：算命"), ("手机", "手机号码应为11位大陆手机号"),
                            ("聘期截止", "日期不存在：没有 13 月")]:
        assert f"<td>{column}</td><td>{message}" in table, column
    assert "第 2 行" not in table and "第 4 行" not in table
    assert count_experts() == 4 and by_phone("13711112222") is None and by_phone("13722223333") is None


def test_rows_outside_the_officers_pool_are_errors(client, world, login):
    login(world.officer_nj)
    hz_row = ["钱江", "市", "330100", "浙江大学光华法学院", "教授", "民商法", "13733334444", "", "在库", "", ""]
    province_row = ["吴省", "省", "320000", "江苏省律师协会", "", "民商法", "13733335555", "", "在库", "", ""]
    resp = upload(client, xlsx([GOOD, hz_row, province_row]), "名册.xlsx")
    html = page(resp)
    assert resp.status_code == 422
    assert "<td>第 3 行</td><td>行政区划代码</td><td>无权管理该辖区的专家库" in html
    assert "<td>第 4 行</td><td>层级</td><td>无权管理市级以外的专家库" in html
    assert count_experts() == 4


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_chinese_encodings_imports_identically(client, world, login, encoding):
    login(world.officer_nj)
    rows = [GOOD, ["欧阳镕", "市", "320100", "南京市鼓楼区人民法院（退休）", "审判员", "婚姻家庭与继承", "13744445555", "", "在库", "", ""]]
    resp = upload(client, csv_text(rows).encode(encoding), "expert-roster.csv")
    assert resp.status_code == 302, page(resp)[:2000]
    assert "新增 2 人" in page(client.get(resp.headers["Location"]))
    rare = by_phone("13744445555")
    assert rare.name == "欧阳镕" and rare.employer == "南京市鼓楼区人民法院（退休）" and rare.specialties == ["family_inheritance"]
    assert by_phone("13711112222").specialties == ["labor_law", "psychology"]


def test_export_from_the_page_imports_back_unchanged(client, world, login, factory):
    factory.expert("冯律师", specialties=("civil_law", "finance_law"), title="")
    login(world.officer_nj)
    for fmt in ("xlsx", "csv"):
        exported = client.get(f"/experts/export?format={fmt}")
        assert exported.status_code == 200
        resp = upload(client, exported.data, f"导出.{fmt}")
        assert resp.status_code == 302, page(resp)[:2000]
        assert "新增 0 人，更新 0 人，未变化 2 人" in page(client.get(resp.headers["Location"]))


def test_wrong_file_types_get_a_clear_message(client, world, login):
    login(world.officer_nj)
    resp = upload(client, b"just text", "roster.txt")
    assert resp.status_code == 415 and "仅支持 .xlsx 或 .csv 格式的名册文件" in page(resp)
    resp = upload(client, b"%PDF-1.4 not a workbook", "roster.xlsx")
    assert resp.status_code == 422 and "不是有效的 Excel" in page(resp)
    resp = upload(client, b"PK\x03\x04garbage", "roster.xlsx")
    assert resp.status_code == 422 and "无法读取该 Excel 文件" in page(resp)
    resp = upload(client, "姓名,手机\r\n".encode(), "roster.csv")
    assert resp.status_code == 422 and "缺少该列" in page(resp) and "未导入任何数据" in page(resp)
    resp = client.post("/experts/import", data={}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "请选择要上传的名册文件" in page(resp)
    assert count_experts() == 4


def test_oversized_upload_is_refused_with_413(client, world, login, app, monkeypatch):
    login(world.officer_nj)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    resp = upload(client, b"x" * (2 * 1024 * 1024), "big.csv")
    assert resp.status_code == 413 and "上传文件超过 1 MB 上限" in page(resp)
    assert count_experts() == 4


def test_import_refused_without_csrf_token(client, world, login, app, monkeypatch):
    login(world.officer_nj)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    resp = upload(client, xlsx([GOOD]), "名册.xlsx")
    assert resp.status_code == 302
    assert count_experts() == 4


def test_csv_with_a_nul_byte_anywhere_is_refused_not_a_crash(client, world, login):
    login(world.officer_nj)
    lines = "".join(f"专家{i:03d},市,320100,单位,民商法,1380000{i:04d}\r\n" for i in range(300))
    body = ("姓名,层级,行政区划代码,工作单位,专业领域,手机\r\n" + lines + "坏\x00人,市,320100,单位,民商法,13900009999\r\n").encode()
    assert len(body) > 4096
    resp = upload(client, body, "roster.csv")
    assert resp.status_code == 422 and "文件内容不是文本格式的 CSV" in page(resp)
    assert count_experts() == 4


def test_odd_file_names_are_recorded_cleanly(client, world, login):
    from app.audit.models import AuditEntry

    login(world.officer_nj)
    assert upload(client, xlsx([GOOD]), "../名册/a\x00b.xlsx").status_code == 302
    summary = db.session.execute(select(AuditEntry.summary).where(AuditEntry.action == "import")).scalar_one()
    assert summary.startswith("导入专家名册 ab.xlsx：")
