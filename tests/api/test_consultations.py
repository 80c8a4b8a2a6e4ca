"""Consultation workflow through the API: request, return/resubmit, accept, the verifiable
panel draw, invitations with reserve promotion, escalation and ratings."""

from __future__ import annotations


import pytest

from app.audit.models import AuditEntry
from app.consultations.models import Consultation, PanelDraw
from app.experts.models import Expert
from app.extensions import db


def _request(client, headers, case_id, **overrides):
    body = {"questions": "征收补偿标准是否合法？应如何处理？", "required_specialties": ["administrative_law", "land_property_law"],
            "panel_size": 3, "urgency": "normal"} | overrides
    return client.post(f"/api/v1/cases/{case_id}/consultations", json=body, headers=headers)


def test_request_return_resubmit_accept(client, world, api, case):
    agency = api(world.agency_user)
    resp = _request(client, agency, case.id)
    assert resp.status_code == 201, resp.get_json()
    c = resp.get_json()
    assert c["status"] == "submitted" and c["tier"] == "municipal" and c["office_id"] == world.nj.id
    officer = api(world.officer_nj)
    r = client.post(f"/api/v1/consultations/{c['id']}/return", json={"reason": "请补充征收决定书"}, headers=officer)
    assert r.status_code == 200 and r.get_json()["status"] == "returned"
    # wrong transition: accepting a returned request
    assert client.post(f"/api/v1/consultations/{c['id']}/accept", headers=officer).status_code == 409
    r = client.patch(f"/api/v1/consultations/{c['id']}", json={"questions": "补充后的问题：征收补偿是否合法？"}, headers=agency)
    assert r.status_code == 200 and r.get_json()["status"] == "submitted"
    r = client.post(f"/api/v1/consultations/{c['id']}/accept", headers=officer)
    assert r.status_code == 200 and r.get_json()["status"] == "accepted"
    timeline = [e.action for e in db.session.query(AuditEntry)
                .filter_by(subject=f"case:{case.id}")]
    assert {"create", "return", "resubmit", "accept"} <= set(timeline)


@pytest.mark.parametrize("bad, field", [
    ({"panel_size": 4}, "panel_size"), ({"panel_size": 11}, "panel_size"), ({"panel_size": 1}, "panel_size"),
    ({"required_specialties": ["astrology"]}, "required_specialties"), ({"questions": ""}, "questions"),
])
def test_request_validation(client, world, api, case, bad, field):
    resp = _request(client, api(world.agency_user), case.id, **bad)
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["details"]
    assert db.session.query(Consultation).count() == 0


def test_draw_verify_and_no_redraw(client, world, api, case, pool, factory):
    conflicted = pool[0]
    client.post(f"/api/v1/experts/{conflicted.id}/conflicts", json={"person_name": "刘德明", "reason": "亲属关系"},
                headers=api(world.officer_nj))
    c = _request(client, api(world.agency_user), case.id).get_json()
    officer = api(world.officer_nj)
    resp = client.post(f"/api/v1/consultations/{c['id']}/panel", json={"reserves": 2}, headers=officer)
    assert resp.status_code == 201, resp.get_json()
    panel = resp.get_json()
    members = [m["expert_id"] for m in panel["members"]]
    assert len(members) == 3 and sum(m["role"] == "chair" for m in panel["members"]) == 1
    assert all(m["status"] == "invited" for m in panel["members"])
    assert len(panel["reserves"]) == 2 and [r["rank"] for r in panel["reserves"]] == [1, 2]
    assert conflicted.id not in members + [r["expert_id"] for r in panel["reserves"]]
    assert {"expert_id": conflicted.id, "reason": "declared_conflict"} in panel["draw"]["excluded"]
    drawn_specialties = set()
    for eid in members:
        drawn_specialties |= set(db.session.get(Expert, eid).specialties)
    assert {"administrative_law", "land_property_law"} <= drawn_specialties
    verify = client.get(f"/api/v1/consultations/{c['id']}/panel/verify", headers=officer).get_json()
    assert verify["reproducible"] is True
    assert [m["expert_id"] for m in verify["members"]] == members
    assert [r["expert_id"] for r in verify["reserves"]] == [r["expert_id"] for r in panel["reserves"]]
    assert verify["seed"] == panel["draw"]["seed"] and verify["candidate_count"] == panel["draw"]["candidate_count"]
    again = client.post(f"/api/v1/consultations/{c['id']}/panel", json={}, headers=officer)
    assert again.status_code == 409


def test_drawing_from_submitted_records_the_acceptance_first(client, world, api, case, pool):
    """Issue 9, item 3: 受理 is never implied. A draw from 待受理 accepts the request explicitly:
    the timeline shows 受理 and then the draw, and the agency is told it was accepted."""
    c = _request(client, api(world.agency_user), case.id).get_json()
    assert c["status"] == "submitted"
    resp = client.post(f"/api/v1/consultations/{c['id']}/panel", json={"reserves": 2}, headers=api(world.officer_nj))
    assert resp.status_code == 201, resp.get_json()
    entries = (db.session.query(AuditEntry).filter_by(subject=f"case:{case.id}", object_type="consultation")
               .order_by(AuditEntry.id).all())
    actions = [e.action for e in entries]
    assert actions.index("accept") < actions.index("draw_panel")
    accept = next(e for e in entries if e.action == "accept")
    assert accept.before == {"status": "submitted"} and accept.after == {"status": "accepted"}
    assert "受理" in accept.summary
    from app.notifications.models import Notification

    assert db.session.query(Notification).filter_by(kind="consultation_accepted").count() >= 1


def test_decline_promotes_reserve_and_exhaustion(client, world, api, case, pool, factory):
    c = _request(client, api(world.agency_user), case.id).get_json()
    officer = api(world.officer_nj)
    panel = client.post(f"/api/v1/consultations/{c['id']}/panel", json={"reserves": 2}, headers=officer).get_json()
    first = panel["members"][1]["expert_id"]
    top_reserve = panel["reserves"][0]["expert_id"]
    r = client.post(f"/api/v1/consultations/{c['id']}/invitations/{first}", json={"response": "decline", "reason": "出差"},
                    headers=officer)
    assert r.status_code == 200, r.get_json()
    after = r.get_json()
    invited = {m["expert_id"]: m["status"] for m in after["members"]}
    assert invited[first] == "declined"
    assert len(after["reserves"]) == 1
    promoted = [eid for eid, st in invited.items() if st == "invited" and eid not in [m["expert_id"] for m in panel["members"]]]
    assert len(promoted) == 1 and promoted[0] in {r_["expert_id"] for r_ in panel["reserves"]}
    # responding twice is a conflict
    again = client.post(f"/api/v1/consultations/{c['id']}/invitations/{first}", json={"response": "accept"}, headers=officer)
    assert again.status_code == 409
    assert top_reserve in {r_["expert_id"] for r_ in panel["reserves"]}


def test_expert_accepts_own_invitation_only(client, world, api, case, factory):
    experts = [factory.expert(f"专家乙{i}", specialties=("administrative_law", "land_property_law")) for i in range(6)]
    user = factory.user("expert", expert=experts[0], username="exp_a")
    c = _request(client, api(world.agency_user), case.id).get_json()
    panel = client.post(f"/api/v1/consultations/{c['id']}/panel", json={}, headers=api(world.officer_nj)).get_json()
    drawn = [m["expert_id"] for m in panel["members"]]
    headers = api(user)
    if experts[0].id in drawn:
        other = next(e for e in drawn if e != experts[0].id)
        assert client.post(f"/api/v1/consultations/{c['id']}/invitations/{other}", json={"response": "accept"},
                           headers=headers).status_code == 403
        ok = client.post(f"/api/v1/consultations/{c['id']}/invitations/{experts[0].id}", json={"response": "accept"},
                         headers=headers)
        assert ok.status_code == 200
        assert client.get(f"/api/v1/consultations/{c['id']}", headers=headers).status_code == 200
    else:
        assert client.get(f"/api/v1/consultations/{c['id']}", headers=headers).status_code == 404


def test_insufficient_experts_explains_why(client, world, api, case, factory):
    factory.expert("甲", specialties=("administrative_law",))
    factory.expert("乙", specialties=("administrative_law",), status="suspended")
    factory.expert("丙", specialties=("criminal_law",))
    c = _request(client, api(world.agency_user), case.id).get_json()
    resp = client.post(f"/api/v1/consultations/{c['id']}/panel", json={}, headers=api(world.officer_nj))
    assert resp.status_code == 422
    err = resp.get_json()["error"]
    assert err["code"] == "insufficient_experts"
    assert err["details"]["needed"] == 5
    assert err["details"]["eligible"] == 2  # 甲 + world's 王建国 (administrative_law)
    assert err["details"]["excluded_by_reason"] == {"inactive": 1, "specialty_mismatch": 1}
    assert db.session.query(PanelDraw).count() == 0


def test_escalation_moves_to_provincial_office(client, world, api, case, factory):
    for i in range(6):
        factory.expert(f"省专家{i}", tier="provincial", region_code="320000", specialties=("administrative_law",))
    c = _request(client, api(world.agency_user), case.id).get_json()
    officer_nj = api(world.officer_nj)
    # the provincial office cannot act before the escalation
    assert client.post(f"/api/v1/consultations/{c['id']}/panel", json={}, headers=api(world.officer_js)).status_code == 403
    # an officer of another jurisdiction sees nothing
    assert client.get(f"/api/v1/consultations/{c['id']}", headers=api(world.officer_hz)).status_code == 404
    resp = client.post(f"/api/v1/consultations/{c['id']}/escalate", json={"reason": "本级专家库无法组成专家组"}, headers=officer_nj)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["tier"] == "provincial" and resp.get_json()["office_id"] == world.js.id
    officer_js = api(world.officer_js)
    queue = client.get("/api/v1/consultations?queue=true", headers=officer_js).get_json()
    assert [x["id"] for x in queue["items"]] == [c["id"]]
    assert client.post(f"/api/v1/consultations/{c['id']}/panel", json={}, headers=officer_nj).status_code == 403
    drawn = client.post(f"/api/v1/consultations/{c['id']}/panel", json={}, headers=officer_js)
    assert drawn.status_code == 201, drawn.get_json()
    assert drawn.get_json()["draw"]["tier"] == "provincial" and drawn.get_json()["draw"]["escalated"] is True


def test_escalation_refused_when_not_needed(client, world, api, case, pool):
    c = _request(client, api(world.agency_user), case.id).get_json()
    resp = client.post(f"/api/v1/consultations/{c['id']}/escalate", json={"reason": "试试"}, headers=api(world.officer_nj))
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "escalation_not_needed"


def test_agency_cannot_see_other_agencies_consultation(client, world, api, case, factory):
    other_agency = factory.org("南京市人社局", kind="handling_agency", region_code="320100")
    other_user = factory.user("agency", other_agency, username="agency_other")
    c = _request(client, api(world.agency_user), case.id).get_json()
    assert client.get(f"/api/v1/consultations/{c['id']}", headers=api(other_user)).status_code == 404
    assert _request(client, api(other_user), case.id).status_code in (403, 404)
