"""The Supervision API of api.md: extensions requested by the agency and decided by the office,
supervision notices numbered like documents with the agency's reply, the deadlines list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEntry
from tests.supervision.conftest import new_case


def test_extension_is_requested_by_the_agency_and_decided_by_the_office(client, db, api, sup, factory, frozen_at):
    frozen_at(date(2026, 9, 1))
    case = new_case(factory, sup, accepted_on=date(2026, 8, 3), due=date(2026, 10, 2))
    agency, officer = api(sup.agency_user), api(sup.officer_nj)
    url = f"/api/v1/cases/{case.id}/extensions"
    assert client.post(url, json={"days": 30, "reason": "需补充调查"}, headers=officer).status_code == 403
    assert client.post(url, json={"days": 31, "reason": "需补充调查核实"}, headers=agency).status_code == 422
    assert client.post(url, json={"days": 30, "reason": "需补充调查核实"}, headers=api(sup.officer_hz)).status_code == 404
    resp = client.post(url, json={"days": 30, "reason": "需补充调查核实"}, headers=agency)
    assert resp.status_code == 201, resp.get_json()
    ext = resp.get_json()
    assert ext["status"] == "pending"
    assert client.post(url, json={"days": 10, "reason": "再次申请延期"}, headers=agency).status_code == 409
    db.session.expire_all()
    assert case.due_date == date(2026, 10, 2)  # nothing moves until approved
    decide = f"/api/v1/extensions/{ext['id']}/decision"
    assert client.post(decide, json={"approve": True}, headers=agency).status_code == 403
    assert client.post(decide, json={"approve": True}, headers=api(sup.officer_hz)).status_code == 404
    resp = client.post(decide, json={"approve": True, "note": "同意"}, headers=officer)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["case_due_on"] == "2026-11-01"  # accepted 3 Aug + 90 days
    assert client.post(decide, json={"approve": False, "note": "重复"}, headers=officer).status_code == 409
    assert client.post(url, json={"days": 5, "reason": "第二次申请延期"}, headers=agency).status_code == 409
    actions = db.session.execute(select(AuditEntry.action).where(AuditEntry.subject == f"case:{case.id}")).scalars().all()
    assert "extension_request" in actions and "extension_approve" in actions


def test_a_refused_extension_keeps_the_due_date(client, db, api, sup, factory, frozen_at):
    frozen_at(date(2026, 9, 1))
    case = new_case(factory, sup, accepted_on=date(2026, 8, 3), due=date(2026, 10, 2))
    ext = client.post(f"/api/v1/cases/{case.id}/extensions", json={"days": 15, "reason": "需补充调查核实"},
                      headers=api(sup.agency_user)).get_json()
    officer = api(sup.officer_js)  # the provincial office covers 南京 too
    assert client.post(f"/api/v1/extensions/{ext['id']}/decision", json={"approve": False}, headers=officer).status_code == 422
    resp = client.post(f"/api/v1/extensions/{ext['id']}/decision", json={"approve": False, "note": "理由不充分"},
                       headers=officer)
    assert resp.status_code == 200 and resp.get_json()["status"] == "rejected"
    db.session.expire_all()
    assert case.due_date == date(2026, 10, 2)


def test_supervision_notice_numbered_and_replied(client, db, api, sup, factory, frozen_at):
    frozen_at(date(2026, 9, 1))
    case = new_case(factory, sup, accepted_on=date(2026, 8, 3), due=date(2026, 10, 2))
    officer, agency = api(sup.officer_nj), api(sup.agency_user)
    url = f"/api/v1/cases/{case.id}/supervision-notices"
    body = {"due_on": "2026-09-15", "requirements": "请于9月15日前报送化解方案。"}
    assert client.post(url, json=body, headers=agency).status_code == 403
    assert client.post(url, json={**body, "due_on": "2026-08-01"}, headers=officer).status_code == 422
    first = client.post(url, json=body, headers=officer)
    second = client.post(url, json=body, headers=officer)
    assert first.status_code == 201 and second.status_code == 201
    assert first.get_json()["number"] == "〔2026〕南京信督1号" and second.get_json()["number"] == "〔2026〕南京信督2号"
    nid = first.get_json()["id"]
    reply = f"/api/v1/supervision-notices/{nid}/reply"
    assert client.post(reply, json={"text": "已制定化解方案并报送。"}, headers=officer).status_code == 403
    assert client.post(reply, json={"text": "已制定化解方案并报送。"}, headers=api(sup.officer_hz)).status_code == 404
    resp = client.post(reply, json={"text": "已制定化解方案并报送。"}, headers=agency)
    assert resp.status_code == 201 and resp.get_json()["status"] == "replied"
    assert client.post(reply, json={"text": "再次回复的内容。"}, headers=agency).status_code == 409
    got = client.get(f"/api/v1/supervision-notices/{nid}", headers=agency).get_json()
    assert got["reply"] == "已制定化解方案并报送。"
    actions = db.session.execute(select(AuditEntry.action).where(AuditEntry.subject == f"case:{case.id}")).scalars().all()
    assert actions.count("supervision_notice") == 2 and "supervision_reply" in actions


def test_deadlines_list_by_scope_and_state(client, db, api, sup, factory, frozen_at):
    frozen_at(date(2026, 9, 29))
    soon = new_case(factory, sup, accepted_on=date(2026, 8, 3), due=date(2026, 10, 2), created=date(2026, 8, 3))
    late = new_case(factory, sup, accepted_on=date(2026, 7, 1), due=date(2026, 8, 30), created=date(2026, 7, 1))
    new_case(factory, sup, accepted_on=date(2026, 9, 1), due=date(2026, 10, 31), created=date(2026, 9, 1))
    hz_agency = factory.org("杭州某局", kind="handling_agency", region_code="330100")
    factory.case(hz_agency, region_code="330100", accepted_on=date(2026, 7, 1), due_date=date(2026, 8, 30))
    officer = api(sup.officer_nj)
    body = client.get("/api/v1/deadlines?scope=case&state=overdue", headers=officer).get_json()
    assert [i["id"] for i in body["items"]] == [late.id] and body["total"] == 1
    item = body["items"][0]
    assert item == {"kind": "case", "id": late.id, "title": late.title, "due_on": "2026-08-30",
                    "working_days_left": item["working_days_left"], "responsible_org_id": sup.agency.id,
                    "state": "escalated", "case_id": late.id}
    assert item["working_days_left"] < -10
    soon_items = client.get("/api/v1/deadlines?scope=case&state=due_soon", headers=officer).get_json()["items"]
    assert [i["id"] for i in soon_items] == [soon.id] and soon_items[0]["working_days_left"] == 1
    assert client.get("/api/v1/deadlines?state=late", headers=officer).status_code == 422
    national = client.get("/api/v1/deadlines?scope=case&state=overdue", headers=api(sup.officer_nat)).get_json()
    assert national["total"] == 2
    assert client.get("/api/v1/deadlines", headers=api(sup.expert_user)).status_code == 403
