"""The three sentences of issue 3's access acceptance, each as one readable test (the matrix in
test_matrix.py checks every route × role; these follow one story end to end):

- an agency cannot see another agency's case (404);
- an expert sees only consultations they are invited to;
- an officer of another jurisdiction sees nothing until escalation makes it theirs.

They run on the matrix's module world (tests/access/conftest.py) and make their own objects
for anything they change.
"""

from __future__ import annotations

from tests.access.conftest import CONSULTATION_BODY, new_case, seated_consultation

NOT_FOUND = {"code": "not_found"}


def _api(w, role: str) -> dict:
    return {"Authorization": f"Bearer {w.tokens[role]}"}


def _ui(client, w, role: str):
    client.set_cookie("session", w.cookies[role])
    return client


def _assert_404(resp, what: str) -> None:
    assert resp.status_code == 404, f"{what}: {resp.status_code} {resp.get_data(as_text=True)[:300]}"
    if resp.is_json:
        assert resp.get_json()["error"]["code"] == "not_found", what


def _ids(client, url: str, headers: dict) -> set[int]:
    resp = client.get(url, headers=headers, query_string={"per_page": 100})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return {item["id"] for item in resp.get_json()["items"]}


# --------------------------------------------------------------------------- agencies


def test_an_agency_cannot_see_another_agencys_case(client, mworld):
    w = mworld
    mine, theirs = _api(w, "agency"), _api(w, "agency_b")
    # Each 南京 agency sees its own case and consultation …
    assert client.get(f"/api/v1/cases/{w.case}", headers=mine).status_code == 200
    assert client.get(f"/api/v1/cases/{w.case_b}", headers=theirs).status_code == 200
    assert client.get(f"/api/v1/consultations/{w.cons_b}", headers=theirs).status_code == 200
    # … and nothing of the other's: every read is the same 404 as for a case that does not exist.
    missing = client.get("/api/v1/cases/99999999", headers=mine).get_json()
    for headers, case_id, consultation_id in ((mine, w.case_b, w.cons_b), (theirs, w.case, w.cons)):
        for url in (f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/timeline",
                    f"/api/v1/cases/{case_id}/attachments", f"/api/v1/consultations/{consultation_id}",
                    f"/api/v1/consultations/{consultation_id}/panel",
                    f"/api/v1/consultations/{consultation_id}/meetings"):
            resp = client.get(url, headers=headers)
            _assert_404(resp, url)
        assert client.get(f"/api/v1/cases/{case_id}", headers=headers).get_json() == missing
    # Lists leave the other agency's case out.
    assert w.case in _ids(client, "/api/v1/cases", mine) and w.case_b not in _ids(client, "/api/v1/cases", mine)
    assert w.case_b in _ids(client, "/api/v1/cases", theirs) and w.case not in _ids(client, "/api/v1/cases", theirs)
    assert w.cons_b not in _ids(client, "/api/v1/consultations", mine)
    assert w.cons not in _ids(client, "/api/v1/consultations", theirs)
    # Acting on it is a 404 too (not a 403 that would confirm it exists), and changes nothing.
    resp = client.post(f"/api/v1/cases/{w.case_b}/consultations", json=dict(CONSULTATION_BODY), headers=mine)
    _assert_404(resp, "request a consultation on another agency's case")
    resp = client.patch(f"/api/v1/cases/{w.case_b}", json={"version": 1, "title": "改"}, headers=mine)
    _assert_404(resp, "edit another agency's case")
    assert client.get(f"/api/v1/cases/{w.case_b}", headers=theirs).get_json()["title"] == "某劳动争议信访事项"
    # The pages say the same.
    ui = _ui(client, w, "agency")
    for url in (f"/cases/{w.case_b}", f"/cases/{w.case_b}/edit", f"/consultations/{w.cons_b}",
                f"/consultations/new?case_id={w.case_b}"):
        resp = ui.get(url)
        _assert_404(resp, url)
        assert "某劳动争议信访事项" not in resp.get_data(as_text=True)
    assert "某劳动争议信访事项" not in ui.get("/cases").get_data(as_text=True)


# --------------------------------------------------------------------------- experts


def test_an_expert_sees_only_consultations_they_are_invited_to(client, mworld):
    w = mworld
    expert = _api(w, "expert")
    invited_case = new_case(w, "某专家受邀的信访事项")
    invited = seated_consultation(w, invited_case, [(w.pool[0], "chair", "invited"), (w.e_nj, "member", "invited"),
                                                    (w.pool[1], "member", "invited")])
    declined_case = new_case(w, "某专家已谢绝的信访事项")
    declined = seated_consultation(w, declined_case, [(w.pool[0], "chair", "accepted"),
                                                      (w.e_nj, "member", "declined"), (w.pool[1], "member", "invited")])
    absent_case = new_case(w, "某专家未入选的信访事项")
    absent = seated_consultation(w, absent_case, [(w.pool[0], "chair", "invited"), (w.pool[1], "member", "invited"),
                                                  (w.pool[2], "member", "invited")])
    # Invited or accepted (王建国 chairs ``cons`` and ``cons_done``): the consultation and its case.
    for consultation_id, case_id in ((invited.id, invited_case.id), (w.cons, w.case), (w.cons_done, w.case_done)):
        assert client.get(f"/api/v1/consultations/{consultation_id}", headers=expert).status_code == 200
        assert client.get(f"/api/v1/cases/{case_id}", headers=expert).status_code == 200
    # Declined, only a reserve (``cons_b``), or not drawn at all: nothing — neither the
    # consultation, its panel, meetings and opinion, nor its case.
    for consultation_id, case_id in ((declined.id, declined_case.id), (w.cons_b, w.case_b), (absent.id, absent_case.id),
                                     (w.cons_esc, w.case_esc)):
        for url in (f"/api/v1/consultations/{consultation_id}", f"/api/v1/consultations/{consultation_id}/panel",
                    f"/api/v1/consultations/{consultation_id}/meetings", f"/api/v1/consultations/{consultation_id}/opinion",
                    f"/api/v1/cases/{case_id}"):
            _assert_404(client.get(url, headers=expert), url)
        _assert_404(client.post(f"/api/v1/consultations/{consultation_id}/invitations/{w.e_nj}",
                                json={"response": "accept"}, headers=expert), "answer an invitation one does not have")
    # The list holds exactly the consultations the expert is invited to or sits on.
    assert _ids(client, "/api/v1/consultations", expert) == {invited.id, w.cons, w.cons_done}
    assert _ids(client, "/api/v1/cases", expert) == {invited_case.id, w.case, w.case_done}
    # Declining the invitation ends it: afterwards the consultation is invisible too.
    resp = client.post(f"/api/v1/consultations/{invited.id}/invitations/{w.e_nj}",
                       json={"response": "decline", "reason": "与当事人存在利害关系"}, headers=expert)
    assert resp.status_code == 200, resp.get_json()
    _assert_404(client.get(f"/api/v1/consultations/{invited.id}", headers=expert), "after declining")
    ui = _ui(client, w, "expert")
    for consultation_id in (invited.id, declined.id, w.cons_b, absent.id):
        _assert_404(ui.get(f"/consultations/{consultation_id}"), f"page of consultation {consultation_id}")
    assert ui.get(f"/consultations/{w.cons}").status_code == 200


# --------------------------------------------------------------------------- officers


def test_an_officer_of_another_jurisdiction_sees_nothing_until_escalation_makes_it_theirs(client, mworld):
    w = mworld
    agency, nanjing, jiangsu = _api(w, "agency"), _api(w, "officer_same"), _api(w, "officer_js")
    outsiders = {"杭州": _api(w, "officer_other"), "苏州": _api(w, "officer_sz")}
    case = new_case(w, "某跨地区征收安置信访事项", cross_flags=["cross_region"])
    resp = client.post(f"/api/v1/cases/{case.id}/consultations", json=dict(CONSULTATION_BODY), headers=agency)
    assert resp.status_code == 201, resp.get_json()
    cid = resp.get_json()["id"]
    assert resp.get_json()["tier"] == "municipal"

    def outsiders_see_nothing():
        for city, headers in outsiders.items():
            for url in (f"/api/v1/consultations/{cid}", f"/api/v1/cases/{case.id}", f"/api/v1/consultations/{cid}/slots"):
                _assert_404(client.get(url, headers=headers), f"{city}: {url}")
            for url, body in ((f"/api/v1/consultations/{cid}/accept", None), (f"/api/v1/consultations/{cid}/panel", {}),
                              (f"/api/v1/consultations/{cid}/escalate", {"reason": "跨地区"})):
                _assert_404(client.post(url, json=body, headers=headers), f"{city}: POST {url}")
            assert cid not in _ids(client, "/api/v1/consultations", headers)
            assert case.id not in _ids(client, "/api/v1/cases", headers)

    # Before escalation: 杭州 and 苏州 see nothing; 江苏's office sees the 南京 case (its province)
    # but may not act on a consultation 南京 staffs.
    outsiders_see_nothing()
    assert client.get(f"/api/v1/consultations/{cid}", headers=jiangsu).status_code == 200
    for url, body in ((f"/api/v1/consultations/{cid}/accept", None), (f"/api/v1/consultations/{cid}/panel", {}),
                      (f"/api/v1/consultations/{cid}/return", {"reason": "材料不全"}),
                      (f"/api/v1/consultations/{cid}/escalate", {"reason": "跨地区"})):
        resp = client.post(url, json=body, headers=jiangsu)
        assert resp.status_code == 403, (url, resp.get_json())
        assert resp.get_json()["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/consultations/{cid}", headers=jiangsu).get_json()["status"] == "submitted"

    # 南京 escalates: the consultation is now staffed by 江苏's office.
    resp = client.post(f"/api/v1/consultations/{cid}/escalate", json={"reason": "跨地区，需省级专家库援助"}, headers=nanjing)
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["tier"], resp.get_json()["escalation"]["to_office_id"]) == ("provincial", w.js)

    # Now it is 江苏's: its officer draws from the provincial pool …
    resp = client.post(f"/api/v1/consultations/{cid}/panel", json={"reserves": 2}, headers=jiangsu)
    assert resp.status_code == 201, resp.get_json()
    drawn = resp.get_json()
    assert drawn["draw"]["tier"] == "provincial" and drawn["draw"]["escalated"] is True
    assert {m["expert_id"] for m in drawn["members"]} | {r["expert_id"] for r in drawn["reserves"]} <= set(w.js_pool)
    # … 南京 still sees its own city's consultation but no longer acts on it …
    assert client.get(f"/api/v1/consultations/{cid}", headers=nanjing).status_code == 200
    resp = client.post(f"/api/v1/consultations/{cid}/panel/reserves", json={"count": 1}, headers=nanjing)
    assert resp.status_code == 403, resp.get_json()
    # … and the other jurisdictions still see nothing, on the pages either.
    outsiders_see_nothing()
    ui = _ui(client, w, "officer_sz")
    _assert_404(ui.get(f"/consultations/{cid}"), "苏州's page")
    _assert_404(ui.get(f"/meetings/consultations/{cid}"), "苏州's meeting page")
    assert _ui(client, w, "officer_js").get(f"/consultations/{cid}").status_code == 200


# --------------------------------------------------------------------------- a bug found by the matrix


def test_only_the_requester_withdraws_a_request(client, mworld):
    """Withdrawing (撤回) is the requester's decision. It used to be allowed to every officer
    whose jurisdiction covers the case — the staffing office (which returns requests instead)
    and the provincial office included."""
    w = mworld
    reason = {"reason": "信访人已撤回诉求"}
    by_agency = client.post(f"/api/v1/cases/{new_case(w, '某撤回测试事项').id}/consultations", json=dict(CONSULTATION_BODY),
                            headers=_api(w, "agency")).get_json()["id"]
    for role in ("officer_same", "officer_js"):
        resp = client.post(f"/api/v1/consultations/{by_agency}/withdraw", json=reason, headers=_api(w, role))
        assert resp.status_code == 403, (role, resp.get_json())
    resp = client.post(f"/api/v1/consultations/{by_agency}/withdraw", json=reason, headers=_api(w, "agency"))
    assert (resp.status_code, resp.get_json()["status"]) == (200, "withdrawn")
    by_office = client.post(f"/api/v1/cases/{new_case(w, '某撤回测试事项二').id}/consultations",
                            json=dict(CONSULTATION_BODY), headers=_api(w, "officer_same")).get_json()["id"]
    assert client.post(f"/api/v1/consultations/{by_office}/withdraw", json=reason,
                       headers=_api(w, "officer_js")).status_code == 403
    resp = client.post(f"/api/v1/consultations/{by_office}/withdraw", json=reason, headers=_api(w, "officer_same"))
    assert (resp.status_code, resp.get_json()["status"]) == (200, "withdrawn")
