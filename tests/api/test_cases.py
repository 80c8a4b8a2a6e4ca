"""API of the case ledger: register, list, read, edit (optimistic version), extend, close,
timeline, attachments and the .xlsx export — validation, access and nothing half-saved."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cases.idcard import check_char
from app.timeutil import SHANGHAI

ID_1 = "320102198001011238"   # valid GB 11643 numbers (check digit computed)
ID_2 = "32010619751231002X"
ID_3 = "330106199006152015"
BAD_CHECKSUM = "320102198001011239"
TODAY = datetime.now(SHANGHAI).date()
YEAR = TODAY.year

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a word document")
    return buf.getvalue()


def case_body(world, **overrides) -> dict:
    body = {
        "title": "某小区房屋征收补偿争议", "summary": "信访人反映其房屋被征收后补偿标准偏低……",
        "claims": "要求按市场评估价补偿", "category": "land_expropriation", "region_code": "320102",
        "handling_org_id": world.agency.id, "lead_org_id": world.nj.id, "cooperating_org_ids": [world.js.id],
        "petitioners": [{"name": "张三", "id_number": ID_1, "phone": "13812345678", "address": "南京市玄武区某路1号"}],
        "first_petition_date": "2025-03-01", "repeat_letters": 2, "repeat_visits": 3, "repeat_online": 1,
        "cross_flags": ["cross_department"], "responsible_leader": "李副区长", "is_backlog": True,
    }
    body.update(overrides)
    return body


def error_of(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:800])
    err = resp.get_json()["error"]
    assert set(err) == {"code", "message", "details"} and err["message"]
    if code:
        assert err["code"] == code, err
    return err


def create(client, headers, world, **overrides) -> dict:
    resp = client.post("/api/v1/cases", json=case_body(world, **overrides), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def count_cases(db) -> int:
    from app.cases.models import Case

    return db.session.execute(select(func.count()).select_from(Case)).scalar_one()


def stored_files(app) -> list[Path]:
    root = Path(app.config["INSTANCE_DIR"]) / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, headers, case_id, content: bytes, filename: str, description: str = ""):
    return client.post(f"/api/v1/cases/{case_id}/attachments", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), filename), "description": description})


@pytest.fixture(autouse=True)
def _no_files_left(app):
    """Each test starts and ends with an empty file store (content-addressed files are shared)."""
    import shutil

    root = Path(app.config["INSTANCE_DIR"]) / "files"
    shutil.rmtree(root, ignore_errors=True)
    yield
    shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- create


def test_create_returns_the_full_case(client, world, api):
    headers = api(world.agency_user)
    body = create(client, headers, world, accepted_on=TODAY.isoformat())
    assert body["id"] and body["case_number"] == f"320102-{YEAR}-00001"
    assert body["status"] == "registered" and body["version"] == 1
    assert body["petitioners"][0] | {"id": None} == {"id": None, "name": "张三", "id_number": ID_1, "phone": "13812345678",
                                                     "address": "南京市玄武区某路1号"}
    assert body["cooperating_org_ids"] == [world.js.id]
    assert body["due_date"] == (TODAY + timedelta(days=60)).isoformat()
    assert body["cross_flags"] == ["cross_department"] and body["is_backlog"] is True
    for field in ("title", "summary", "claims", "category", "region_code", "handling_org_id", "lead_org_id",
                  "first_petition_date", "repeat_letters", "repeat_visits", "repeat_online", "responsible_leader"):
        assert field in body
    second = create(client, headers, world)
    assert second["case_number"] == f"320102-{YEAR}-00002"
    other_region = create(client, api(world.officer_nj), world, region_code="320104")
    assert other_region["case_number"] == f"320104-{YEAR}-00001"
    assert second["due_date"] is None


def test_create_is_audited_on_the_case_timeline_with_masked_ids(client, world, api, db):
    from app.audit.models import AuditEntry

    body = create(client, api(world.agency_user), world)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.subject == f"case:{body['id']}")).scalar_one()
    assert entry.action == "create" and entry.object_type == "case" and entry.object_id == body["id"]
    assert ID_1 not in str(entry.after) and "320102********1238" in str(entry.after)


def test_normalizes_lowercase_x_and_accepts_fixed_lines(client, world, api):
    people = [{"name": "李四", "id_number": ID_2.lower(), "phone": "025-84561234", "address": ""},
              {"name": "王五", "id_number": ID_3, "phone": "+86 138 1234 5678"}]
    body = create(client, api(world.agency_user), world, petitioners=people)
    assert [p["id_number"] for p in body["petitioners"]] == [ID_2, ID_3]
    assert [p["phone"] for p in body["petitioners"]] == ["025-84561234", "13812345678"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"petitioners": [{"name": "张三", "id_number": BAD_CHECKSUM, "phone": "13812345678", "address": ""}]},
     "petitioners[0].id_number"),
    ({"petitioners": [{"name": "张三", "id_number": "32010219801301123" + check_char("32010219801301123"),
                       "phone": "13812345678"}]}, "petitioners[0].id_number"),  # month 13
    ({"petitioners": [{"name": "张三", "id_number": "3201021980010112", "phone": "13812345678"}]}, "petitioners[0].id_number"),
    ({"petitioners": [{"name": "张三", "id_number": ID_1, "phone": "12812345678"}]}, "petitioners[0].phone"),
    ({"petitioners": [{"name": "张三", "id_number": ID_1, "phone": "1381234567"}]}, "petitioners[0].phone"),
    ({"petitioners": [{"name": "张三", "id_number": ID_1}, {"name": "", "id_number": ID_2}]}, "petitioners[1].name"),
    ({"petitioners": []}, "petitioners"),
    ({"category": "ufo_sighting"}, "category"),
    ({"region_code": "990100"}, "region_code"),
    ({"region_code": "32010"}, "region_code"),
    ({"first_petition_date": (TODAY + timedelta(days=1)).isoformat()}, "first_petition_date"),
    ({"first_petition_date": "2025-02-30"}, "first_petition_date"),
    ({"accepted_on": (TODAY + timedelta(days=3)).isoformat()}, "accepted_on"),
    ({"accepted_on": "2025-01-01"}, "accepted_on"),  # before the first petition
    ({"repeat_visits": -1}, "repeat_visits"),
    ({"cross_flags": ["cross_galaxy"]}, "cross_flags"),
    ({"title": ""}, "title"),
    ({"unexpected": 1}, "unexpected"),
    ({"lead_org_id": 999999}, "lead_org_id"),
    ({"cooperating_org_ids": [999999]}, "cooperating_org_ids[0]"),
    ({"handling_org_id": 999999}, "handling_org_id"),
])
def test_bad_input_names_the_field_and_saves_nothing(client, world, api, db, overrides, field):
    resp = client.post("/api/v1/cases", json=case_body(world, **overrides), headers=api(world.agency_user))
    err = error_of(resp, 422, "validation_error")
    assert field in err["details"] and err["details"][field], err
    assert count_cases(db) == 0


def test_bad_id_checksum_message_is_chinese(client, world, api):
    body = case_body(world, petitioners=[{"name": "张三", "id_number": BAD_CHECKSUM, "phone": "13812345678"}])
    err = error_of(client.post("/api/v1/cases", json=body, headers=api(world.agency_user)), 422)
    assert "校验位" in err["details"]["petitioners[0].id_number"]


def test_handling_org_must_be_a_handling_agency(client, world, api):
    err = error_of(client.post("/api/v1/cases", json=case_body(world, handling_org_id=world.nj.id),
                               headers=api(world.admin)), 422)
    assert "有权处理机关" in err["details"]["handling_org_id"]


def test_malformed_json_is_400(client, world, api):
    resp = client.post("/api/v1/cases", data="{oops", content_type="application/json", headers=api(world.agency_user))
    error_of(resp, 400, "malformed_json")


def test_who_may_register(client, world, api, factory, db):
    other_agency = factory.org("杭州市住房保障和房产管理局", kind="handling_agency", region_code="330100")
    err = error_of(client.post("/api/v1/cases", json=case_body(world, handling_org_id=other_agency.id),
                               headers=api(world.agency_user)), 403, "forbidden")
    assert "本单位" in err["message"]
    error_of(client.post("/api/v1/cases", json=case_body(world), headers=api(world.officer_hz)), 403)
    error_of(client.post("/api/v1/cases", json=case_body(world), headers=api(world.expert_user)), 403)
    assert count_cases(db) == 0
    assert client.post("/api/v1/cases", json=case_body(world), headers=api(world.officer_js)).status_code == 201
    assert client.post("/api/v1/cases", json=case_body(world, handling_org_id=other_agency.id, region_code="330106"),
                       headers=api(world.admin)).status_code == 201


def test_requires_a_token(client, world):
    error_of(client.get("/api/v1/cases"), 401)


# ---------------------------------------------------------------- visibility


def _consultation(db, case_id, office, **kw):
    from app.consultations.models import Consultation

    c = Consultation(case_id=case_id, questions="如何定性？", required_specialties=["administrative_law"], panel_size=3,
                     tier=office.tier, office_id=office.id, status=kw.pop("status", "accepted"), **kw)
    db.session.add(c)
    db.session.commit()
    return c


def test_agency_and_officers_see_only_their_cases(client, world, api, factory):
    other_agency = factory.org("杭州市某局", kind="handling_agency", region_code="330100")
    other_user = factory.user("agency", other_agency, username="agency_hz")
    mine = create(client, api(world.agency_user), world)
    theirs = create(client, api(world.admin), world, handling_org_id=other_agency.id, region_code="330106",
                    title="杭州事项", lead_org_id=None, cooperating_org_ids=[])
    h_nj, h_other = api(world.agency_user), api(other_user)
    assert client.get(f"/api/v1/cases/{mine['id']}", headers=h_nj).status_code == 200
    for url in (f"/api/v1/cases/{theirs['id']}", f"/api/v1/cases/{theirs['id']}/timeline",
                f"/api/v1/cases/{theirs['id']}/attachments"):
        error_of(client.get(url, headers=h_nj), 404, "not_found")
    error_of(client.get("/api/v1/cases/999999", headers=h_nj), 404, "not_found")
    assert [c["id"] for c in client.get("/api/v1/cases", headers=h_nj).get_json()["items"]] == [mine["id"]]
    assert [c["id"] for c in client.get("/api/v1/cases", headers=h_other).get_json()["items"]] == [theirs["id"]]
    # officers: their jurisdiction only
    error_of(client.get(f"/api/v1/cases/{mine['id']}", headers=api(world.officer_hz)), 404)
    assert client.get(f"/api/v1/cases/{theirs['id']}", headers=api(world.officer_hz)).status_code == 200
    listed = {c["id"] for c in client.get("/api/v1/cases", headers=api(world.officer_js)).get_json()["items"]}
    assert listed == {mine["id"]}
    listed = {c["id"] for c in client.get("/api/v1/cases", headers=api(world.officer_nat)).get_json()["items"]}
    assert listed == {mine["id"], theirs["id"]}
    assert client.get("/api/v1/cases", headers=api(world.admin)).get_json()["total"] == 2


def test_consultation_staffed_by_an_office_makes_the_case_visible_to_it(client, world, api, db):
    case = create(client, api(world.agency_user), world)
    h_hz = api(world.officer_hz)
    error_of(client.get(f"/api/v1/cases/{case['id']}", headers=h_hz), 404)
    _consultation(db, case["id"], world.hz, escalated=True)
    assert client.get(f"/api/v1/cases/{case['id']}", headers=h_hz).status_code == 200
    assert [c["id"] for c in client.get("/api/v1/cases", headers=h_hz).get_json()["items"]] == [case["id"]]
    # seeing is not editing
    resp = client.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "title": "改"}, headers=h_hz)
    error_of(resp, 403)


def test_experts_see_the_cases_of_their_panels_read_only(client, world, api, db, factory):
    from app.consultations.models import PanelMember

    case = create(client, api(world.agency_user), world)
    other = create(client, api(world.agency_user), world, title="另一事项")
    h_exp = api(world.expert_user)
    error_of(client.get(f"/api/v1/cases/{case['id']}", headers=h_exp), 404)
    c = _consultation(db, case["id"], world.nj)
    member = PanelMember(consultation_id=c.id, expert_id=world.e_nj.id, role="member", status="invited")
    db.session.add(member)
    db.session.commit()
    got = client.get(f"/api/v1/cases/{case['id']}", headers=h_exp)
    assert got.status_code == 200 and got.get_json()["petitioners"][0]["name"] == "张三"
    assert [x["id"] for x in client.get("/api/v1/cases", headers=h_exp).get_json()["items"]] == [case["id"]]
    error_of(client.get(f"/api/v1/cases/{other['id']}", headers=h_exp), 404)
    error_of(client.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "title": "x"}, headers=h_exp), 403)
    error_of(upload(client, h_exp, case["id"], PDF, "a.pdf"), 403)
    error_of(client.get("/api/v1/cases/export", headers=h_exp), 403)
    member.status = "declined"
    db.session.commit()
    error_of(client.get(f"/api/v1/cases/{case['id']}", headers=h_exp), 404)


# ---------------------------------------------------------------- list filters


def test_list_filters_and_pagination(client, world, api, db):
    from app.cases.models import Case

    h = api(world.officer_nj)
    a = create(client, h, world, title="征地补偿", accepted_on=(TODAY - timedelta(days=70)).isoformat(),
               first_petition_date=(TODAY - timedelta(days=80)).isoformat())
    b = create(client, h, world, title="欠薪问题", category="labor_social_security", region_code="320104",
               petitioners=[{"name": "欧阳明", "id_number": ID_2}])
    c = create(client, h, world, title="物业纠纷", category="housing", accepted_on=TODAY.isoformat())

    def ids(query):
        resp = client.get(f"/api/v1/cases?{query}", headers=h)
        assert resp.status_code == 200, resp.get_json()
        return [x["id"] for x in resp.get_json()["items"]]

    assert ids("") == [c["id"], b["id"], a["id"]]
    assert ids("category=housing") == [c["id"]]
    assert ids("region_code=320104") == [b["id"]]
    assert set(ids("region_code=320100")) == {a["id"], b["id"], c["id"]}
    assert ids("overdue=true") == [a["id"]]
    assert set(ids("overdue=false")) == {b["id"], c["id"]}
    assert ids("q=欧阳") == [b["id"]]
    assert ids(f"q={a['case_number']}") == [a["id"]]
    assert ids("q=%25") == []  # LIKE wildcards are literal
    db.session.get(Case, a["id"]).status = "closed"
    db.session.commit()
    assert ids("overdue=true") == []
    assert ids("status=closed") == [a["id"]]
    page = client.get("/api/v1/cases?per_page=2&page=2", headers=h).get_json()
    assert page["total"] == 3 and page["page"] == 2 and page["per_page"] == 2 and len(page["items"]) == 1
    for bad in ("status=lost", "category=x", "region_code=12", "overdue=maybe", "per_page=500"):
        error_of(client.get(f"/api/v1/cases?{bad}", headers=h), 422, "validation_error")


# ---------------------------------------------------------------- edit


def test_patch_with_version_and_stale_version(client, world, api, db):
    h = api(world.agency_user)
    case = create(client, h, world)
    url = f"/api/v1/cases/{case['id']}"
    resp = client.patch(url, json={"version": 1, "title": "新标题", "petitioners": [
        {"name": "张三", "id_number": ID_1, "phone": "13900001111"}, {"name": "李四", "id_number": ID_2}]}, headers=h)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["version"] == 2 and body["title"] == "新标题" and len(body["petitioners"]) == 2
    assert body["petitioners"][0]["id"] == case["petitioners"][0]["id"]  # rows are updated in place
    err = error_of(client.patch(url, json={"version": 1, "title": "另一个标题"}, headers=h), 409, "stale_version")
    assert err["details"]["current_version"] == 2 and err["details"]["current"]["title"] == "新标题"
    error_of(client.patch(url, json={"title": "无版本"}, headers=h), 422)
    # a GET body sent back with one change is accepted (read-only fields echoed unchanged)
    current = client.get(url, headers=h).get_json()
    resp = client.patch(url, json=current | {"responsible_leader": "王区长"}, headers=h)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["version"] == 3
    error_of(client.patch(url, json={"version": 3, "status": "closed"}, headers=h), 422)
    # no change → no new version
    assert client.patch(url, json={"version": 3, "title": "新标题"}, headers=h).get_json()["version"] == 3
    # validation on PATCH names nested fields too
    err = error_of(client.patch(url, json={"version": 3, "petitioners": [{"name": "张三", "id_number": BAD_CHECKSUM}]},
                                headers=h), 422)
    assert "petitioners[0].id_number" in err["details"]


def test_agency_cannot_hand_its_case_to_another_org(client, world, api, factory):
    other = factory.org("某区住建局", kind="handling_agency", region_code="320102")
    h = api(world.agency_user)
    case = create(client, h, world)
    error_of(client.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "handling_org_id": other.id}, headers=h), 403)


def test_closed_cases_cannot_be_edited(client, world, api):
    h = api(world.agency_user)
    case = create(client, h, world, accepted_on=TODAY.isoformat())
    url = f"/api/v1/cases/{case['id']}"
    resp = client.post(f"{url}/close", json={"note": "已答复"}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["status"] == "closed"
    error_of(client.patch(url, json={"version": resp.get_json()["version"], "title": "x"}, headers=h), 409, "case_closed")
    error_of(client.post(f"{url}/extend", json={"days": 10, "reason": "案情复杂需调查"}, headers=h), 409)
    error_of(upload(client, h, case["id"], PDF, "a.pdf"), 409)
    error_of(client.post(f"{url}/reopen", headers=h), 403)
    assert client.post(f"{url}/reopen", headers=api(world.admin)).get_json()["status"] == "registered"


def test_extend_deadline_once(client, world, api):
    h = api(world.agency_user)
    accepted = TODAY - timedelta(days=10)
    case = create(client, h, world, accepted_on=accepted.isoformat())
    url = f"/api/v1/cases/{case['id']}/extend"
    for bad in ({"days": 31, "reason": "需补充调查核实"}, {"days": 0, "reason": "需补充调查核实"}, {"days": 10, "reason": ""},
                {"days": 10}):
        error_of(client.post(url, json=bad, headers=h), 422)
    # an extension request (issue 10): the agency asks, the petition office decides
    resp = client.post(url, json={"days": 30, "reason": "涉及多个部门，需补充调查"}, headers=h)
    assert resp.status_code == 201, resp.get_json()
    ext = resp.get_json()
    assert ext["status"] == "pending"
    assert client.get(f"/api/v1/cases/{case['id']}", headers=h).get_json()["due_date"] == (
        accepted + timedelta(days=60)).isoformat()  # nothing moves until approved
    error_of(client.post(url, json={"days": 30, "reason": "涉及多个部门，需补充调查"}, headers=api(world.officer_nj)), 403)
    decided = client.post(f"/api/v1/extensions/{ext['id']}/decision", json={"approve": True, "note": "同意"},
                          headers=api(world.officer_nj))
    assert decided.status_code == 200, decided.get_json()
    body = client.get(f"/api/v1/cases/{case['id']}", headers=h).get_json()
    assert body["due_date"] == (accepted + timedelta(days=90)).isoformat() and body["extended_days"] == 30
    error_of(client.post(url, json={"days": 5, "reason": "再次申请延期"}, headers=h), 409, "already_extended")
    # correcting the acceptance date keeps the extension
    moved = client.patch(f"/api/v1/cases/{case['id']}", json={"version": body["version"],
                                                             "accepted_on": (accepted - timedelta(days=1)).isoformat()},
                         headers=h).get_json()
    assert moved["due_date"] == (accepted + timedelta(days=89)).isoformat()
    no_date = create(client, h, world)
    error_of(client.post(f"/api/v1/cases/{no_date['id']}/extend", json={"days": 5, "reason": "需补充调查核实"}, headers=h),
             409, "not_accepted")


def test_timeline_lists_everything_newest_first(client, world, api):
    h = api(world.agency_user)
    case = create(client, h, world, accepted_on=TODAY.isoformat())
    client.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "category": "housing"}, headers=h)
    client.post(f"/api/v1/cases/{case['id']}/extend", json={"days": 15, "reason": "需补充材料"}, headers=h)
    assert upload(client, h, case["id"], PDF, "材料.pdf").status_code == 201
    items = client.get(f"/api/v1/cases/{case['id']}/timeline", headers=h).get_json()["items"]
    assert [i["action"] for i in items] == ["create", "extension_request", "update", "create"]
    assert [i["title"] for i in items] == ["上传附件", "申请延长办理期限", "修改信访事项", "登记信访事项"]
    update = items[2]
    assert {"field": "category", "label": "问题类别", "before": "征地拆迁", "after": "住房保障与物业"} in update["changes"]
    assert "需补充材料" in items[1]["summary"] and items[0]["at"].endswith("+08:00")
    assert all(i["actor"] for i in items)


def test_timeline_labels_unknown_actions_readably(app, world):
    from app.cases.timeline import action_label, object_label

    assert action_label("escalate") == "提请上级专家库援助"
    assert action_label("frobnicate_widget") == "frobnicate widget"
    assert object_label("consultation") == "会商申请" and object_label("mystery_thing") == "mystery thing"


# ---------------------------------------------------------------- attachments


@pytest.mark.parametrize(("content", "name", "ctype", "stored_name"), [
    (PDF, "询问笔录.pdf", "application/pdf", "询问笔录.pdf"),
    (docx_bytes(), "答复意见书.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "答复意见书.docx"),
    (PNG, "现场照片.PNG", "image/png", "现场照片.png"),
    (JPG, "../../etc/现场\x00照片.jpeg", "image/jpeg", "现场照片.jpeg"),
    (PDF, "名字是docx其实是PDF.docx", "application/pdf", "名字是docx其实是PDF.pdf"),
])
def test_upload_and_download(client, world, api, app, content, name, ctype, stored_name):
    h = api(world.agency_user)
    case = create(client, h, world)
    resp = upload(client, h, case["id"], content, name, "说明文字")
    assert resp.status_code == 201, resp.get_json()
    att = resp.get_json()
    assert att["filename"] == stored_name and att["content_type"] == ctype and att["size"] == len(content)
    assert att["description"] == "说明文字"
    files = stored_files(app)
    assert [f.name for f in files] == [att["sha256"]] and files[0].parent.name == att["sha256"][:2]
    got = client.get(f"/api/v1/cases/{case['id']}/attachments/{att['id']}", headers=h)
    assert got.status_code == 200 and got.data == content
    assert got.headers["Content-Type"].startswith(ctype)
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    from urllib.parse import quote

    assert quote(stored_name) in disposition
    listed = client.get(f"/api/v1/cases/{case['id']}/attachments", headers=h).get_json()["items"]
    assert [a["id"] for a in listed] == [att["id"]]


@pytest.mark.parametrize(("content", "name"), [
    (EXE, "合同.pdf"), (zip_bytes(), "文件.docx"), (b"just text", "a.png"), (b"PK\x03\x04broken", "x.docx"),
])
def test_wrong_type_by_content_is_415_and_leaves_nothing(client, world, api, app, db, content, name):
    from app.cases.models import Attachment

    h = api(world.agency_user)
    case = create(client, h, world)
    error_of(upload(client, h, case["id"], content, name), 415, "unsupported_media_type")
    assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
    assert stored_files(app) == []


def test_too_large_is_413_and_leaves_nothing(client, world, api, app, db, monkeypatch):
    from app.cases.models import Attachment

    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_MB", 1)
    h = api(world.agency_user)
    case = create(client, h, world)
    big = PDF + b"0" * (1024 * 1024)
    err = error_of(upload(client, h, case["id"], big, "大文件.pdf"), 413, "too_large")
    assert err["details"]["max_mb"] == 1
    assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
    assert stored_files(app) == []
    # the request-wide limit also answers 413 in the contract's shape
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    error_of(upload(client, h, case["id"], PDF + b"0" * 4096, "a.pdf"), 413, "too_large")


def test_failed_transaction_removes_the_new_file(client, world, api, app, db, monkeypatch):
    from app.cases import attachments
    from app.cases.models import Attachment

    h = api(world.agency_user)
    case = create(client, h, world)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(attachments.audit, "record", broken_audit)
    resp = upload(client, h, case["id"], PDF, "a.pdf")
    assert resp.status_code == 500
    monkeypatch.undo()
    assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
    assert stored_files(app) == []


def test_missing_file_field_is_422(client, world, api):
    h = api(world.agency_user)
    case = create(client, h, world)
    resp = client.post(f"/api/v1/cases/{case['id']}/attachments", headers=h, data={"description": "x"},
                       content_type="multipart/form-data")
    assert "file" in error_of(resp, 422)["details"]


def test_delete_attachment_and_shared_content(client, world, api, app):
    h = api(world.agency_user)
    case = create(client, h, world)
    first = upload(client, h, case["id"], PDF, "a.pdf").get_json()
    second = upload(client, h, case["id"], PDF, "b.pdf").get_json()
    assert first["sha256"] == second["sha256"] and len(stored_files(app)) == 1
    url = f"/api/v1/cases/{case['id']}/attachments/{first['id']}"
    assert client.delete(url, headers=h).status_code == 204
    assert len(stored_files(app)) == 1  # still used by the second row
    error_of(client.get(url, headers=h), 404)
    assert client.delete(f"/api/v1/cases/{case['id']}/attachments/{second['id']}", headers=h).status_code == 204
    assert stored_files(app) == []
    items = client.get(f"/api/v1/cases/{case['id']}/timeline", headers=h).get_json()["items"]
    assert [i["title"] for i in items[:2]] == ["删除附件", "删除附件"]


def test_attachments_of_invisible_cases_are_404(client, world, api, factory):
    other_agency = factory.org("杭州市某局", kind="handling_agency", region_code="330100")
    h_other = api(factory.user("agency", other_agency, username="agency_hz"))
    h = api(world.agency_user)
    case = create(client, h, world)
    att = upload(client, h, case["id"], PDF, "a.pdf").get_json()
    url = f"/api/v1/cases/{case['id']}/attachments/{att['id']}"
    for headers in (h_other, api(world.officer_hz)):
        error_of(client.get(url, headers=headers), 404)
        error_of(client.delete(url, headers=headers), 404)
        error_of(upload(client, headers, case["id"], PDF, "x.pdf"), 404)
    other_case = create(client, api(world.admin), world, handling_org_id=other_agency.id, region_code="330106",
                        lead_org_id=None, cooperating_org_ids=[])
    # an attachment id of another case is not found through this case
    error_of(client.get(f"/api/v1/cases/{other_case['id']}/attachments/{att['id']}", headers=api(world.admin)), 404)


# ---------------------------------------------------------------- export and docs


def test_export_xlsx(client, world, api, app, db):
    h = api(world.agency_user)
    a = create(client, h, world, accepted_on=TODAY.isoformat(), petitioners=[
        {"name": "张三", "id_number": ID_1}, {"name": "李四", "id_number": ID_2}])
    create(client, h, world, title="第二件", category="housing")
    resp = client.get("/api/v1/cases/export?format=xlsx&category=land_expropriation", headers=h)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("事项编号", "标题", "问题类别") and "信访人" in rows[0]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["事项编号"] == a["case_number"] and row["信访人"] == "张三、李四" and row["问题类别"] == "征地拆迁"
    assert isinstance(row["受理日期"], datetime) and row["受理日期"].date() == TODAY
    assert row["办理期限"].date() == TODAY + timedelta(days=60)
    assert ID_1 not in str(rows)  # identity numbers stay out of the spreadsheet
    error_of(client.get("/api/v1/cases/export?format=csv", headers=h), 422)
    from app.audit.models import AuditEntry

    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "export",
                                                       AuditEntry.object_type == "case_ledger")).scalar_one()


def test_openapi_lists_the_case_routes(client, world, api):
    doc = client.get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    for path, method in [("/cases", "post"), ("/cases", "get"), ("/cases/{case_id}", "get"), ("/cases/{case_id}", "patch"),
                         ("/cases/{case_id}/extend", "post"), ("/cases/{case_id}/timeline", "get"),
                         ("/cases/{case_id}/attachments", "post"), ("/cases/{case_id}/attachments/{attachment_id}", "get"),
                         ("/cases/{case_id}/attachments/{attachment_id}", "delete"), ("/cases/export", "get")]:
        assert method in paths[path], (path, method)
    assert paths["/cases"]["post"]["responses"].get("201")
    assert re.search("petitioners", str(doc["components"]["schemas"]))


def test_case_numbers_have_no_gaps_after_a_failed_create(client, world, api):
    h = api(world.agency_user)
    create(client, h, world)
    error_of(client.post("/api/v1/cases", json=case_body(world, category="nope"), headers=h), 422)
    assert create(client, h, world)["case_number"].endswith("-00002")


def test_concurrent_edit_of_the_same_version_is_refused_in_sql(client, world, api, db):
    """Two editors read version 1; the second save is refused even though its in-memory copy
    still says version 1 (the version check is part of the UPDATE)."""
    from sqlalchemy import update

    from app.cases import services
    from app.cases.models import Case
    from app.errors import Conflict

    case_id = create(client, api(world.agency_user), world)["id"]
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.version == 1
    with db.engine.begin() as other:  # the first editor commits meanwhile
        other.execute(update(Case).where(Case.id == case_id).values(version=2, title="先保存的标题"))
    with pytest.raises(Conflict) as info:
        services.update_case(world.agency_user, case, {"version": 1, "title": "后保存的标题"})
    assert info.value.code == "stale_version" and info.value.details["current_version"] == 2
    db.session.rollback()
    assert db.session.get(Case, case_id).title == "先保存的标题"
