"""The ledger pages: register through the form (errors on the right field and row), list with
filters, export, detail with petitioners, deadline extension, attachments, edit with a stale
version, and 404 for cases of another agency."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.supervision.models import ExtensionRequest
from app.timeutil import SHANGHAI

ID_1 = "320102198001011238"
ID_2 = "32010619751231002X"
BAD_CHECKSUM = "320102198001011239"
TODAY = datetime.now(SHANGHAI).date()
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def form_data(world, **overrides) -> dict:
    data = {
        "title": "某小区房屋征收补偿争议", "category": "land_expropriation", "region_code": "320102",
        "handling_org_id": str(world.agency.id), "lead_org_id": "", "cooperating_org_ids": [str(world.nj.id), str(world.js.id)],
        "summary": "信访人反映补偿偏低", "claims": "要求重新评估",
        "first_petition_date": "2025-03-01", "accepted_on": TODAY.isoformat(),
        "repeat_letters": "2", "repeat_visits": "1", "repeat_online": "0",
        "cross_flags": ["cross_region", "person_household_separated"], "responsible_leader": "李副区长", "is_backlog": "y",
    }
    rows = overrides.pop("rows", [("张三", ID_1, "13812345678", "南京市玄武区某路1号"), ("", "", "", ""), ("", "", "", "")])
    for i, (name, id_number, phone, address) in enumerate(rows):
        data |= {f"petitioners-{i}-name": name, f"petitioners-{i}-id_number": id_number,
                 f"petitioners-{i}-phone": phone, f"petitioners-{i}-address": address}
    data.update(overrides)
    return data


def new_case(world, user=None, **overrides):
    """A committed case made through the service (as ``user``, the 南京 agency by default)."""
    from app.cases import services
    from app.extensions import db

    body = {"title": "默认事项", "summary": "经过", "claims": "诉求", "category": "land_expropriation", "region_code": "320102",
            "handling_org_id": world.agency.id, "petitioners": [{"name": "张三", "id_number": ID_1, "phone": "13812345678"}]}
    body.update(overrides)
    case = services.create_case(user or world.agency_user, body)
    db.session.commit()
    return case


def row_html(html: str, index: int) -> str:
    match = re.search(rf'<tr data-petitioner-row="{index}">(.*?)</tr>', html, re.S)
    assert match, f"row {index} missing"
    return match.group(1)


def count_cases(db) -> int:
    from app.cases.models import Case

    return db.session.execute(select(func.count()).select_from(Case)).scalar_one()


def test_nav_and_empty_form(client, world, login):
    login(world.agency_user)
    html = client.get("/cases").get_data(as_text=True)
    assert "信访事项台账" in html and 'href="/cases/new"' in html
    resp = client.get("/cases/new")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert len(re.findall(r'<tr data-petitioner-row="\d+">', html)) == 3
    assert re.search(rf'<option[^>]*(selected[^>]*value="{world.agency.id}"|value="{world.agency.id}"[^>]*selected)', html)
    assert "<script>" not in html  # CSP: no inline scripts


def test_create_via_form(client, world, login, db):
    from app.cases.models import Case

    login(world.agency_user)
    rows = [("张三", ID_1, "13812345678", "南京市玄武区某路1号"), ("", "", "", ""), ("李四", ID_2.lower(), "025-84561234", "")]
    resp = client.post("/cases/new", data=form_data(world, rows=rows))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    case = db.session.execute(select(Case)).scalar_one()
    assert resp.headers["Location"].endswith(f"/cases/{case.id}")
    assert [p.name for p in case.petitioners] == ["张三", "李四"] and case.petitioners[1].id_number == ID_2
    assert [o.id for o in case.cooperating_orgs] == sorted([world.nj.id, world.js.id])
    assert case.cross_flags == ["cross_region", "person_household_separated"] and case.is_backlog
    assert case.due_date == TODAY + timedelta(days=60)
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert case.case_number in html and ID_1 in html and ID_2 in html and "025-84561234" in html
    assert "跨地区" in html and "人户分离" in html and (TODAY + timedelta(days=60)).isoformat() in html
    assert 'data-timeline-action="create"' in html and "登记信访事项" in html


def test_errors_are_shown_on_the_right_field_and_row(client, world, login, db):
    login(world.agency_user)
    rows = [("张三", ID_1, "13812345678", ""), ("", "", "", ""), ("李四", BAD_CHECKSUM, "12345", "")]
    resp = client.post("/cases/new", data=form_data(world, rows=rows, category="", region_code="99",
                                                    first_petition_date=(TODAY + timedelta(days=2)).isoformat()))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "校验位" in row_html(html, 2) and "13–19" not in row_html(html, 0)
    assert "区号" in row_html(html, 2)  # 12345 is neither a mobile nor a fixed line
    assert "校验位" not in row_html(html, 0)
    assert 'value="李四"' in row_html(html, 2)  # the user's input is kept
    assert re.search(r'name="category"[^>]*>.*?</select>\s*<div class="invalid-feedback d-block">必填', html, re.S)
    assert "行政区划代码应为6位数字" in html and "首次信访日期不能晚于今天" in html
    assert count_cases(db) == 0
    # no petitioner at all
    resp = client.post("/cases/new", data=form_data(world, rows=[("", "", "", "")]))
    assert resp.status_code == 422 and "请至少填写一位信访人" in resp.get_data(as_text=True)


def test_agency_cannot_register_for_another_org(client, world, login, factory, db):
    other = factory.org("杭州市某局", kind="handling_agency", region_code="330100")
    login(world.agency_user)
    html = client.get("/cases/new").get_data(as_text=True)
    assert other.name not in html.split('name="handling_org_id"')[1].split("</select>")[0]
    resp = client.post("/cases/new", data=form_data(world, handling_org_id=str(other.id)))
    assert resp.status_code == 403 and "本单位" in resp.get_data(as_text=True)
    assert count_cases(db) == 0


def test_ledger_filters_and_pagination(client, world, login):
    a = new_case(world, title="征地补偿争议", accepted_on=(TODAY - timedelta(days=61)).isoformat(),
                 first_petition_date=(TODAY - timedelta(days=90)).isoformat())
    b = new_case(world, title="物业服务纠纷", category="housing",
                 petitioners=[{"name": "欧阳明", "id_number": ID_2}])
    login(world.agency_user)

    def listed(query=""):
        resp = client.get(f"/cases{query}")
        return resp.status_code, [int(x) for x in re.findall(r'<tr data-case-id="(\d+)"', resp.get_data(as_text=True))]

    assert listed() == (200, [b.id, a.id])
    assert listed("?category=housing") == (200, [b.id])
    assert listed("?overdue=true") == (200, [a.id])
    assert listed("?q=欧阳") == (200, [b.id])
    assert listed(f"?q={a.case_number}") == (200, [a.id])
    html = client.get("/cases?overdue=true").get_data(as_text=True)
    assert "data-overdue" in html and 'href="/cases/export?' in html and "overdue=true" in html
    status, ids = listed("?category=nonsense")
    assert status == 422 and ids == []
    assert "筛选条件有误" in client.get("/cases?category=nonsense").get_data(as_text=True)
    for i in range(21):
        new_case(world, title=f"批量事项{i}")
    status, ids = listed("?page=2")
    assert status == 200 and len(ids) == 3
    assert "共 23 条" in client.get("/cases").get_data(as_text=True)


def test_export_xlsx_has_the_visible_filtered_rows(client, world, login, factory):
    other = factory.org("杭州市某局", kind="handling_agency", region_code="330100")
    a = new_case(world, title="第一件", accepted_on=TODAY.isoformat(),
                 petitioners=[{"name": "张三", "id_number": ID_1}, {"name": "李四", "id_number": ID_2}])
    new_case(world, title="第二件", category="housing")
    new_case(world, user=world.admin, title="杭州事项", handling_org_id=other.id, region_code="330106")
    login(world.agency_user)
    resp = client.get("/cases/export?format=xlsx&category=land_expropriation")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "事项编号" and "信访人" in header and "办理期限" in header
    assert [r[0] for r in rows[1:]] == [a.case_number]
    row = dict(zip(header, rows[1], strict=True))
    assert row["信访人"] == "张三、李四" and row["标题"] == "第一件"
    assert row["办理期限"].date() == TODAY + timedelta(days=60)
    everything = load_workbook(io.BytesIO(client.get("/cases/export?format=xlsx").data)).active
    assert everything.max_row == 3  # two own cases + header; the 杭州 case is not visible


def test_detail_shows_everything_and_extends_the_deadline(client, world, login, db):
    case = new_case(world, accepted_on=(TODAY - timedelta(days=5)).isoformat(), responsible_leader="王区长",
                    repeat_visits=4, cross_flags=["cross_department"], lead_org_id=world.nj.id)
    login(world.agency_user)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for text in (case.case_number, "默认事项", "征地拆迁", "王区长", "跨部门", world.nj.name, ID_1, "13812345678",
                 "办理期限", "延长办理期限", "data-upload-form"):
        assert text in html, text
    resp = client.post(f"/cases/{case.id}/extend", data={"days": "45", "reason": ""})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "延长期限不得超过30日" in html and "至少 5 个字符" in html  # the extension request's rules
    # the form files a request; the deadline moves only when the petition office approves (issue 10)
    resp = client.post(f"/cases/{case.id}/extend", data={"days": "20", "reason": "需补充调查"})
    assert resp.status_code == 302
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    old_due = (TODAY - timedelta(days=5) + timedelta(days=60)).isoformat()
    new_due = (TODAY - timedelta(days=5) + timedelta(days=80)).isoformat()
    assert f"data-due-date>{old_due}" in html and new_due not in html
    assert "data-pending-extension" in html and "data-extend-form" not in html  # one request at a time
    resp = client.post(f"/cases/{case.id}/extend", data={"days": "5", "reason": "再次申请延期"}, follow_redirects=True)
    assert "已有待审批的延期申请" in resp.get_data(as_text=True)
    client.post("/logout")
    login(world.officer_nj)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "data-pending-extension" in html and "data-extend-form" not in html  # the office decides, never extends itself
    assert client.post(f"/cases/{case.id}/extend", data={"days": "20", "reason": "信访部门直接延期"}).status_code == 403
    [ext_id] = db.session.execute(select(ExtensionRequest.id).where(ExtensionRequest.case_id == case.id)).scalars()
    resp = client.post(f"/supervision/extensions/{ext_id}/decision", data={"approve": "1", "note": "同意"})
    assert resp.status_code == 302
    client.post("/logout")
    login(world.agency_user)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"data-due-date>{new_due}" in html and "已延长 20 日" in html and "需补充调查" in html
    assert "data-extend-form" not in html and "data-pending-extension" not in html  # only once
    resp = client.post(f"/cases/{case.id}/extend", data={"days": "5", "reason": "再次申请延期"}, follow_redirects=True)
    assert "只能延长一次" in resp.get_data(as_text=True)


def test_overdue_badge(client, world, login):
    case = new_case(world, accepted_on=(TODAY - timedelta(days=65)).isoformat(),
                    first_petition_date=(TODAY - timedelta(days=70)).isoformat())
    login(world.agency_user)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已超期 5 天" in html


def test_upload_download_and_delete_attachment(client, world, login, app):
    case = new_case(world)
    login(world.agency_user)
    resp = client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(PDF), "询问笔录（一）.pdf"), "description": "第一次询问"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1000]
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "询问笔录（一）.pdf" in html and "第一次询问" in html and "上传附件" in html
    att_id = int(re.search(r'data-attachment-id="(\d+)"', html).group(1))
    got = client.get(f"/cases/{case.id}/attachments/{att_id}")
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in got.headers["Content-Disposition"] and got.headers["X-Content-Type-Options"] == "nosniff"
    # a program renamed .pdf is refused, with the reason on the page
    resp = client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "合同.pdf")})
    assert resp.status_code == 415 and "只能上传" in resp.get_data(as_text=True)
    resp = client.post(f"/cases/{case.id}/attachments/{att_id}/delete")
    assert resp.status_code == 302
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "data-no-attachments" in html and "删除附件" in html


def test_other_agency_and_other_jurisdiction_get_404(client, world, login, factory):
    case = new_case(world)
    from app.cases import attachments

    row = attachments.add_attachment(world.agency_user, case, io.BytesIO(PDF), "a.pdf")
    other = factory.org("杭州市某局", kind="handling_agency", region_code="330100")
    login(factory.user("agency", other, username="agency_hz"))
    for url in (f"/cases/{case.id}", f"/cases/{case.id}/edit", f"/cases/{case.id}/attachments/{row.id}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/cases/{case.id}/extend", data={"days": "5", "reason": "x"}).status_code == 404
    assert client.post(f"/cases/{case.id}/attachments/{row.id}/delete").status_code == 404
    assert f'data-case-id="{case.id}"' not in client.get("/cases").get_data(as_text=True)
    client.post("/logout")
    login(world.officer_hz)
    assert client.get(f"/cases/{case.id}").status_code == 404
    client.post("/logout")
    login(world.officer_nj)
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_edit_and_stale_version(client, world, login, db):
    from app.cases import services

    case = new_case(world)
    login(world.agency_user)
    html = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="张三"' in html and len(re.findall(r'<tr data-petitioner-row="\d+">', html)) == 4  # 1 + 3 blank
    data = form_data(world, title="改过的标题", version="1", accepted_on="")
    # someone else saves first
    services.update_case(world.agency_user, case, {"version": 1, "title": "别人改的标题"})
    db.session.commit()
    resp = client.post(f"/cases/{case.id}/edit", data=data)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "data-stale" in html and "别人改的标题" in html and 'value="改过的标题"' in html
    assert re.search(r'<input[^>]*name="version"[^>]*value="2"', html)
    resp = client.post(f"/cases/{case.id}/edit", data=data | {"version": "2"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert services.get_visible_case(world.agency_user, case.id).title == "改过的标题"


def test_closed_case_is_read_only(client, world, login):
    case = new_case(world)
    login(world.agency_user)
    assert client.post(f"/cases/{case.id}/close", data={"note": "已答复"}).status_code == 302
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已办结" in html and f'href="/cases/{case.id}/edit"' not in html and "data-upload-form" not in html
    assert client.get(f"/cases/{case.id}/edit").status_code == 409


def test_expert_on_the_panel_reads_without_edit_controls(client, world, login, db):
    from app.consultations.models import Consultation, PanelMember

    case = new_case(world)
    c = Consultation(case_id=case.id, questions="q", tier="municipal", office_id=world.nj.id, status="panel_drawn")
    db.session.add(c)
    db.session.flush()
    db.session.add(PanelMember(consultation_id=c.id, expert_id=world.e_nj.id, role="chair", status="accepted"))
    db.session.commit()
    login(world.expert_user)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.case_number in html and "data-upload-form" not in html and "data-extend-form" not in html
    assert client.get(f"/cases/{case.id}/edit").status_code == 403
    assert client.get("/cases/new").status_code == 403


def test_forms_need_the_csrf_token(client, world, login, app, db, monkeypatch):
    login(world.agency_user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    resp = client.post("/cases/new", data=form_data(world))
    assert resp.status_code == 302 and count_cases(db) == 0  # refused, back to the form with a message
    html = client.get("/cases/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    resp = client.post("/cases/new", data=form_data(world, csrf_token=token))
    assert resp.status_code == 302 and count_cases(db) == 1
