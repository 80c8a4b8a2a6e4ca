"""The legal review opinion through the API: draft (pre-filled) → edit in versions (stale → 409)
→ comments → sign by all (re-authentication) → issue (number, hashes, stored PDF/DOCX) →
immutable → feedback closes the consultation; bad input, permissions and corrections.

``build_panel`` (also used by the web, numbering and browser tests) puts a case with a drawn
panel whose members accepted straight into the database: the draw itself is tested elsewhere.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from docx import Document

from app.audit.models import AuditEntry
from app.cases.models import Attachment, Case, Petitioner
from app.consultations.models import Consultation, PanelMember
from app.extensions import db
from app.meetings.models import Meeting
from app.opinions.models import Opinion, OpinionFile
from app.timeutil import SHANGHAI
from tests.api.helpers import assert_error, stub_opinion_files

_numbers = itertools.count(1)

ANALYSIS = ("（一）关于补偿标准。依照《中华人民共和国土地管理法》第48条，征收土地应当给予公平、合理的补偿。"
            "\n（二）关于信访程序。依照《信访工作条例》第三十五条，复核后不再受理。")


def build_panel(world, factory, *, size: int = 3, office=None, status: str = "panel_drawn", meeting: bool = True,
                accepted: int | None = None, title: str = "某小区征收补偿信访事项", petitioner: str = "刘德明"):
    """A case of ``world.agency`` with a consultation staffed by ``office`` (南京市信访局) whose
    drawn panel has ``size`` members (the first the chair), ``accepted`` of them accepted (all by
    default), each with a user account; a held meeting and two attachments."""
    office = office or world.nj
    n = next(_numbers)
    experts = [factory.expert(f"审查专家{n}-{i}", employer=f"南京第{i + 1}律师事务所", title="律师") for i in range(size)]
    users = [factory.user("expert", expert=e, username=f"op_exp_{n}_{i}", display_name=e.name)
             for i, e in enumerate(experts)]
    case = Case(case_number=f"320100-2026-8{n:04d}", title=title, summary="信访人对征收补偿标准有异议，多次到市信访局走访。",
                claims="要求提高补偿标准", category="land_expropriation", region_code="320100",
                handling_org_id=world.agency.id, first_petition_date=date(2025, 3, 1), repeat_visits=4,
                cross_flags=[], responsible_leader="张某", is_backlog=True, status="consulting")
    case.petitioners = [Petitioner(name=petitioner, id_number="", phone="13900000001", address="")]
    case.attachments = [
        Attachment(filename="征收补偿决定书.pdf", content_type="application/pdf", size=10, sha256="a" * 64),
        Attachment(filename="scan.pdf", content_type="application/pdf", size=10, sha256="b" * 64, description="房屋评估报告"),
    ]
    c = Consultation(case=case, questions="征收补偿标准是否合法？", required_specialties=["administrative_law"],
                     panel_size=size, status=status, tier=office.tier, office_id=office.id,
                     requesting_org_id=world.agency.id)
    accepted = size if accepted is None else accepted
    c.members = [PanelMember(expert_id=e.id, role="chair" if i == 0 else "member",
                             status="accepted" if i < accepted else "invited") for i, e in enumerate(experts)]
    db.session.add_all([case, c])
    if meeting:
        start = datetime(2026, 12, 8, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
        db.session.add(Meeting(consultation=c, uid=f"op-test-{n}@test", start=start, end=start + timedelta(hours=2),
                               mode="onsite", location="南京市信访局第一会议室", status="held", minutes="会商纪要",
                               minutes_recorded_at=start + timedelta(hours=2)))
    db.session.commit()
    return SimpleNamespace(case=case, consultation=c, experts=experts, users=users, chair=users[0], members=users[1:])


def full_body(**overrides) -> dict:
    body = {"basic_facts": "2022年1月，区人民政府作出征收补偿决定，信访人未申请复议。", "findings": "补偿标准依据已公布的标准确定。",
            "analysis": ANALYSIS, "conclusion": "claim_partly_reasonable",
            "recommendations": ["explain_and_educate", "legal_channel"],
            "legal_basis": ["信访工作条例第33条", "《中华人民共和国土地管理法》第四十八条"]}
    body.update(overrides)
    return body


@pytest.fixture
def panel(world, factory):
    return build_panel(world, factory)


def create(client, headers, consultation_id, body=None):
    return client.post(f"/api/v1/consultations/{consultation_id}/opinion", json=body or {}, headers=headers)


def signed_by_all(client, api, panel, opinion_id):
    for user in panel.users:
        resp = client.post(f"/api/v1/opinions/{opinion_id}/signatures", json={}, headers=api(user))
        assert resp.status_code == 201, resp.get_json()


def draft_ready(client, api, panel, **overrides) -> dict:
    """A complete draft signed by every member (returns the GET body)."""
    chair = api(panel.chair)
    op = create(client, chair, panel.consultation.id, full_body(**overrides)).get_json()
    signed_by_all(client, api, panel, op["id"])
    return client.get(f"/api/v1/opinions/{op['id']}", headers=chair).get_json()


# --------------------------------------------------------------------------- the whole flow


def test_full_flow_draft_edit_sign_issue_files_feedback(client, world, api, panel):
    world.nj.doc_prefix = "宁信专审"
    db.session.commit()
    chair, officer, agency = api(panel.chair), api(world.officer_nj), api(world.agency_user)
    member = api(panel.members[0])
    cid = panel.consultation.id

    # Draft: omitted sections are pre-filled from the case and the meeting.
    resp = create(client, chair, cid)
    assert resp.status_code == 201, resp.get_json()
    op = resp.get_json()
    assert op["status"] == "draft" and op["version"] == 1
    assert op["title"] == "关于某小区征收补偿信访事项的法律审查意见书"
    assert op["addressee"] == world.agency.name
    assert "刘德明" in op["claims"] and "要求提高补偿标准" in op["claims"]
    assert "多次到市信访局走访" in op["basic_facts"]
    summary = op["consultation_summary"]
    assert "2026年12月8日9时30分" in summary and "南京市信访局第一会议室" in summary and "现场会商" in summary
    for e in panel.experts:
        assert e.name in summary
    assert "南京第1律师事务所律师" in summary and "组长" in summary
    assert "征收补偿决定书" in summary and "房屋评估报告" in summary
    assert set(op["missing_sections"]) == {"analysis", "conclusion", "recommendations"}
    oid = op["id"]
    assert client.get(f"/api/v1/consultations/{cid}", headers=officer).get_json()["opinion_id"] == oid

    # One live draft per consultation.
    assert_error(create(client, officer, cid), 409, "draft_exists")

    # Who sees it.
    for headers in (officer, agency, member, api(world.admin), api(world.officer_js)):
        assert client.get(f"/api/v1/opinions/{oid}", headers=headers).status_code == 200
    assert_error(client.get(f"/api/v1/opinions/{oid}", headers=api(world.officer_hz)), 404)
    assert_error(client.get(f"/api/v1/opinions/{oid}", headers=api(world.expert_user)), 404)

    # A member saves version 2; legal basis stored in canonical form.
    resp = client.put(f"/api/v1/opinions/{oid}", json=full_body(version=1), headers=member)
    assert resp.status_code == 200, resp.get_json()
    v2 = resp.get_json()
    assert v2["version"] == 2 and v2["changed"] is True
    assert v2["legal_basis"] == ["《信访工作条例》第三十三条", "《中华人民共和国土地管理法》第四十八条"]
    assert v2["missing_sections"] == {}
    assert "刘德明" in v2["claims"]  # omitted on update: unchanged

    # The chair, still on version 1, gets the member's text back instead of overwriting it.
    resp = client.put(f"/api/v1/opinions/{oid}", json={"version": 1, "analysis": "组长的分析"}, headers=chair)
    err = assert_error(resp, 409, "stale_version")
    assert err["details"]["current_version"] == 2 and err["details"]["your_version"] == 1
    assert err["details"]["current"]["analysis"] == ANALYSIS
    assert "analysis" in err["details"]["changed_sections"] and "analysis" in err["details"]["conflicting_sections"]
    assert client.get(f"/api/v1/opinions/{oid}", headers=chair).get_json()["analysis"] == ANALYSIS

    # Citations written in the analysis but missing from the legal basis are offered.
    sugg = client.get(f"/api/v1/opinions/{oid}/citation-suggestions", headers=chair).get_json()
    assert sugg["suggestions"] == ["《信访工作条例》第三十五条"]
    assert client.get(f"/api/v1/opinions/{oid}", headers=chair).get_json()["citation_suggestions"] == sugg["suggestions"]

    # Comments on sections.
    resp = client.post(f"/api/v1/opinions/{oid}/comments", json={"section": "analysis", "text": "请补充复核程序"}, headers=chair)
    assert resp.status_code == 201
    comment = resp.get_json()
    assert client.post(f"/api/v1/opinions/{oid}/comments/{comment['id']}/resolve", headers=member).get_json()["resolved"]
    assert [c["text"] for c in client.get(f"/api/v1/opinions/{oid}/comments", headers=officer).get_json()["items"]] == \
        ["请补充复核程序"]
    assert client.get(f"/api/v1/opinions/{oid}/comments", headers=agency).get_json()["items"] == []

    # Issuing before every member signed: 409 naming who has not.
    err = assert_error(client.post(f"/api/v1/opinions/{oid}/issue", headers=officer), 409, "signatures_missing")
    assert {u["name"] for u in err["details"]["unsigned"]} == {e.name for e in panel.experts}

    # Everyone signs; the chair with the password, the others with a fresh token.
    resp = client.post(f"/api/v1/opinions/{oid}/signatures", json={"password": "Passw0rd-test"}, headers=chair)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["version"] == 2
    assert_error(client.post(f"/api/v1/opinions/{oid}/signatures", json={}, headers=chair), 409, "already_signed")
    err = assert_error(client.post(f"/api/v1/opinions/{oid}/issue", headers=officer), 409, "signatures_missing")
    assert len(err["details"]["unsigned"]) == 2
    for user in panel.members:
        assert client.post(f"/api/v1/opinions/{oid}/signatures", headers=api(user)).status_code == 201
    status = client.get(f"/api/v1/opinions/{oid}/signatures", headers=officer).get_json()
    assert status["unsigned"] == [] and all(s["signed"] for s in status["items"])

    # A dissent changes the document: new version, signatures cleared (and audited).
    resp = client.post(f"/api/v1/opinions/{oid}/dissent", json={"text": "应当参照先例补偿附属用房。"}, headers=member)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["version"] == 3 and body["signatures"] == [] and len(body["unsigned"]) == 3
    assert body["dissents"][0]["name"] == panel.experts[1].name
    cleared = db.session.query(AuditEntry).filter_by(object_type="signature", action="delete").all()
    assert len(cleared) == 1 and len(cleared[0].before["signatures"]) == 3
    signed_by_all(client, api, panel, oid)

    # Issue.
    resp = client.post(f"/api/v1/opinions/{oid}/issue", headers=officer)
    assert resp.status_code == 200, resp.get_json()
    issued = resp.get_json()
    year = datetime.now(SHANGHAI).year
    assert issued["number"] == f"〔{year}〕宁信专审1号"
    assert issued["status"] == "issued" and issued["issued_at"]
    stored = db.session.query(OpinionFile).filter_by(opinion_id=oid, kind="content").one()
    content = json.loads(stored.data)
    assert hashlib.sha256(stored.data).hexdigest() == issued["sha256"]
    assert content["number"] == issued["number"] and [s["name"] for s in content["signers"]] == [e.name for e in panel.experts]
    assert "应当参照先例补偿附属用房" in content["dissent"]
    assert db.session.get(Consultation, cid).status == "opinion_issued"
    assert db.session.get(Case, panel.case.id).status == "opinion_issued"

    # Files: the stored PDF (ETag = its SHA-256) and the DOCX.
    resp = client.get(f"/api/v1/opinions/{oid}/pdf", headers=agency)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    assert hashlib.sha256(resp.data).hexdigest() == issued["pdf_sha256"]
    assert resp.headers["ETag"].strip('"') == issued["pdf_sha256"]
    again = client.get(f"/api/v1/opinions/{oid}/pdf", headers={**agency, "If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
    resp = client.get(f"/api/v1/opinions/{oid}/docx", headers=member)
    assert resp.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(resp.data)).paragraphs)
    assert issued["number"] in text and "某小区征收补偿信访事项" in text

    # Issued opinions never change.
    assert_error(client.put(f"/api/v1/opinions/{oid}", json={"version": 4, "analysis": "改"}, headers=member), 409,
                 "already_issued")
    assert_error(client.post(f"/api/v1/opinions/{oid}/signatures", headers=member), 409)
    assert_error(client.post(f"/api/v1/opinions/{oid}/dissent", json={"text": "再改"}, headers=member), 409)
    assert_error(client.post(f"/api/v1/opinions/{oid}/issue", headers=officer), 409, "already_issued")
    assert_error(create(client, chair, cid), 409, "already_issued")
    assert db.session.get(Opinion, oid).version == 4 - 1

    # Feedback: only the agency owning the case; the consultation and (resolved) the case close.
    fb = {"adopted": True, "outcome": "resolved", "note": "已按意见书落实，信访人息诉罢访。"}
    assert_error(client.post(f"/api/v1/opinions/{oid}/feedback", json=fb, headers=officer), 403)
    assert_error(client.post(f"/api/v1/opinions/{oid}/feedback", json=fb | {"outcome": "done"}, headers=agency), 422,
                 fields=("outcome",))
    resp = client.post(f"/api/v1/opinions/{oid}/feedback", json=fb, headers=agency)
    assert resp.status_code == 201, resp.get_json()
    assert db.session.get(Consultation, cid).status == "closed"
    assert db.session.get(Case, panel.case.id).status == "closed"
    timeline = db.session.query(AuditEntry).filter_by(subject=f"case:{panel.case.id}").all()
    actions = {(e.object_type, e.action) for e in timeline}
    assert {("opinion", "draft"), ("opinion", "edit"), ("signature", "sign"), ("opinion", "issue"),
            ("feedback", "feedback"), ("consultation", "issue_opinion"), ("consultation", "close")} <= actions

    # History and a readable diff.
    versions = client.get(f"/api/v1/opinions/{oid}/versions", headers=chair).get_json()
    assert [v["version"] for v in versions["items"]] == [1, 2, 3]
    assert "analysis" in versions["items"][1]["changed_sections"]
    diff = client.get(f"/api/v1/opinions/{oid}/diff?from=1&to=2", headers=chair).get_json()
    analysis = next(s for s in diff["sections"] if s["section"] == "analysis")
    assert analysis["changed"] and "<ins>" in analysis["html"]
    assert "conclusion" in diff["changed_sections"] and "title" not in diff["changed_sections"]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("body, field", [
    ({"recommendations": ["support_claim", "pray"]}, "recommendations[1]"),
    ({"recommendations": ["pray"]}, "recommendations"),
    ({"conclusion": "claim_fantastic"}, "conclusion"),
    ({"legal_basis": ["《信访工作条例》第三十三条", "信访条例第X条"]}, "legal_basis[1]"),
    ({"legal_basis": ["《信访工作条例》"]}, "legal_basis"),
    ({"legal_basis": ["第三十三条"]}, "legal_basis[0]"),
    ({"analysis": 42}, "analysis"),
    ({"title": ""}, "title"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_422_naming_the_field(client, world, api, panel, body, field):
    chair = api(panel.chair)
    assert_error(create(client, chair, panel.consultation.id, body), 422, fields=(field,))
    assert db.session.query(Opinion).count() == 0
    op = create(client, chair, panel.consultation.id).get_json()
    assert_error(client.put(f"/api/v1/opinions/{op['id']}", json=body | {"version": 1}, headers=chair), 422, fields=(field,))
    assert db.session.get(Opinion, op["id"]).version == 1


def test_put_needs_a_version_and_a_json_object(client, api, panel):
    chair = api(panel.chair)
    op = create(client, chair, panel.consultation.id).get_json()
    assert_error(client.put(f"/api/v1/opinions/{op['id']}", json={"analysis": "x"}, headers=chair), 422, fields=("version",))
    assert_error(client.put(f"/api/v1/opinions/{op['id']}", data="{", headers={**chair, "Content-Type": "application/json"}),
                 400, "malformed_json")


def test_incomplete_draft_saves_but_cannot_be_signed_or_issued(client, world, api, panel):
    chair = api(panel.chair)
    op = create(client, chair, panel.consultation.id, {"analysis": ""}).get_json()
    assert op["status"] == "draft"
    err = assert_error(client.post(f"/api/v1/opinions/{op['id']}/signatures", json={}, headers=chair), 422,
                       "incomplete_opinion", fields=("analysis", "conclusion", "recommendations"))
    assert "basic_facts" not in err["details"]  # pre-filled from the case
    err = assert_error(client.post(f"/api/v1/opinions/{op['id']}/issue", headers=api(world.officer_nj)), 422,
                       "incomplete_opinion")
    resp = client.put(f"/api/v1/opinions/{op['id']}", json={"version": 1, "basic_facts": "  "}, headers=chair)
    assert resp.status_code == 200 and "basic_facts" in resp.get_json()["missing_sections"]


def test_who_may_draft_edit_sign(client, world, api, factory):
    panel = build_panel(world, factory, size=3, accepted=2)  # the last member has not answered yet
    invited = panel.users[2]
    member = panel.users[1]
    cid = panel.consultation.id
    assert_error(create(client, api(member), cid), 403)
    assert_error(create(client, api(invited), cid), 403)
    assert_error(create(client, api(world.agency_user), cid), 403)
    assert_error(create(client, api(world.officer_js), cid), 403)  # sees it (jurisdiction) but does not staff it
    assert_error(create(client, api(world.officer_hz), cid), 404)
    op = create(client, api(world.officer_nj), cid, full_body()).get_json()
    oid = op["id"]
    assert_error(client.put(f"/api/v1/opinions/{oid}", json={"version": 1, "analysis": "x"}, headers=api(invited)), 403)
    assert_error(client.put(f"/api/v1/opinions/{oid}", json={"version": 1, "analysis": "x"}, headers=api(world.agency_user)),
                 403)
    # Signing as anyone but an accepted member is refused.
    for user in (world.officer_nj, world.admin, world.agency_user, invited):
        assert_error(client.post(f"/api/v1/opinions/{oid}/signatures", json={}, headers=api(user)), 403)
    assert_error(client.post(f"/api/v1/opinions/{oid}/signatures", json={}, headers=api(world.expert_user)), 404)
    assert_error(client.post(f"/api/v1/opinions/{oid}/issue", headers=api(panel.chair)), 403)
    assert_error(client.post(f"/api/v1/opinions/{oid}/comments", json={"section": "analysis", "text": "x"},
                             headers=api(world.agency_user)), 403)
    assert_error(client.post(f"/api/v1/opinions/{oid}/comments", json={"section": "preface", "text": "x"},
                             headers=api(member)), 422, fields=("section",))
    # Only accepted members sign; the invited one need not (and cannot) for issuing.
    for user in panel.users[:2]:
        assert client.post(f"/api/v1/opinions/{oid}/signatures", json={}, headers=api(user)).status_code == 201
    resp = client.post(f"/api/v1/opinions/{oid}/issue", headers=api(world.officer_nj))
    assert resp.status_code == 200, resp.get_json()
    number = resp.get_json()["number"]
    assert number.endswith("南京信专审1号")  # no doc_prefix: derived from the office name


def test_signing_needs_fresh_authentication(client, world, api, panel):
    from app.auth.models import ApiToken

    chair = api(panel.chair)
    op = create(client, chair, panel.consultation.id, full_body()).get_json()
    url = f"/api/v1/opinions/{op['id']}/signatures"
    assert_error(client.post(url, json={"password": "wrong-password-1"}, headers=chair), 401, "invalid_credentials")
    # the token is 20 minutes old (the password older still, so the token itself stays valid)
    for token in db.session.query(ApiToken).filter_by(user_id=panel.chair.id):
        token.created_at = datetime.now(UTC) - timedelta(minutes=20)
    panel.chair.password_changed_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    assert_error(client.post(url, json={}, headers=chair), 401, "reauth_required")
    assert_error(client.post(url, headers=chair), 401, "reauth_required")
    resp = client.post(url, json={"password": "Passw0rd-test"}, headers=chair)
    assert resp.status_code == 201, resp.get_json()


def test_edit_clears_signatures_and_unchanged_save_keeps_them(client, world, api, panel):
    chair = api(panel.chair)
    op = draft_ready(client, api, panel)
    assert op["unsigned"] == []
    same = client.put(f"/api/v1/opinions/{op['id']}", json={"version": op["version"], "analysis": ANALYSIS}, headers=chair)
    assert same.status_code == 200 and same.get_json()["changed"] is False and same.get_json()["unsigned"] == []
    changed = client.put(f"/api/v1/opinions/{op['id']}", json={"version": op["version"], "findings": "新查明的事实。"},
                         headers=chair).get_json()
    assert changed["version"] == op["version"] + 1 and len(changed["unsigned"]) == 3 and changed["signatures"] == []
    assert_error(client.post(f"/api/v1/opinions/{op['id']}/issue", headers=api(world.officer_nj)), 409, "signatures_missing")


def test_dissent_rules(client, api, panel):
    member = api(panel.members[0])
    op = create(client, api(panel.chair), panel.consultation.id, full_body()).get_json()
    url = f"/api/v1/opinions/{op['id']}/dissent"
    assert_error(client.post(url, json={"text": ""}, headers=member), 422, fields=("text",))
    assert client.post(url, json={"text": "我有不同意见。"}, headers=member).status_code == 201
    assert client.post(url, json={"text": "我有不同意见，理由如下。"}, headers=member).status_code == 200
    resp = client.post(url, json={"text": ""}, headers=member)
    assert resp.status_code == 200 and resp.get_json()["dissents"] == [] and resp.get_json()["version"] == 4


def test_draft_pdf_is_rendered_with_watermark_and_not_stored(client, api, panel):
    chair = api(panel.chair)
    op = create(client, chair, panel.consultation.id, full_body()).get_json()
    resp = client.get(f"/api/v1/opinions/{op['id']}/pdf", headers=chair)
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert "ETag" not in resp.headers and resp.headers["Cache-Control"] == "no-store"
    import pdfplumber

    with pdfplumber.open(io.BytesIO(resp.data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert all("草" in page and "稿" in page for page in pages)  # the watermark, rotated, on every page
    assert "关于某小区征收补偿信访事项的法律审查意见书" in pages[0].replace("\n", "")
    assert db.session.query(OpinionFile).count() == 0


def test_correction_supersedes_and_both_stay_readable(client, world, api, panel):
    officer = api(world.officer_nj)
    op = draft_ready(client, api, panel)
    first = client.post(f"/api/v1/opinions/{op['id']}/issue", headers=officer).get_json()
    assert_error(client.post(f"/api/v1/opinions/{op['id']}/correction", headers=api(panel.chair)), 403)
    resp = client.post(f"/api/v1/opinions/{op['id']}/correction", headers=officer)
    assert resp.status_code == 201, resp.get_json()
    corr = resp.get_json()
    assert corr["status"] == "draft" and corr["supersedes_id"] == op["id"] and corr["version"] == 1
    assert corr["analysis"] == ANALYSIS and corr["unsigned"]
    assert_error(client.post(f"/api/v1/opinions/{op['id']}/correction", headers=officer), 409, "draft_exists")
    assert client.get(f"/api/v1/consultations/{panel.consultation.id}", headers=officer).get_json()["opinion_id"] == corr["id"]
    # The old one is still in force until the correction is issued.
    assert client.get(f"/api/v1/opinions/{op['id']}", headers=officer).get_json()["status"] == "issued"
    fixed = client.put(f"/api/v1/opinions/{corr['id']}", json={"version": 1, "findings": "更正后的查明事实。"},
                       headers=api(panel.chair)).get_json()
    signed_by_all(client, api, panel, corr["id"])
    resp = client.post(f"/api/v1/opinions/{corr['id']}/issue", headers=officer)
    assert resp.status_code == 200, resp.get_json()
    second = resp.get_json()
    assert second["number"] != first["number"] and second["number"].endswith("2号")
    old = client.get(f"/api/v1/opinions/{op['id']}", headers=officer).get_json()
    assert old["status"] == "superseded" and old["superseded_by_id"] == corr["id"] and old["number"] == first["number"]
    old_pdf = client.get(f"/api/v1/opinions/{op['id']}/pdf", headers=officer)
    assert hashlib.sha256(old_pdf.data).hexdigest() == first["pdf_sha256"]
    content = json.loads(db.session.query(OpinionFile).filter_by(opinion_id=corr["id"], kind="content").one().data)
    assert content["supersedes"] == first["number"] and first["number"] in content["review_opinion"]
    assert fixed["version"] == 2
    assert_error(client.post(f"/api/v1/opinions/{op['id']}/feedback", json={"adopted": True, "outcome": "resolved",
                                                                                  "note": "已按意见书落实，信访人息诉罢访。"},
                             headers=api(world.agency_user)), 409, "invalid_status")


def test_no_signing_or_issuing_before_the_minutes(client, world, api, factory, freeze_clock):
    """Issue 9, item 1 (was: a written consultation issued without any meeting): the panel may
    draft before it meets, but the final version is signed and issued only once a meeting was
    held and minuted. A meeting held without being scheduled here is recorded afterwards."""
    freeze_clock(datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))
    panel = build_panel(world, factory, meeting=False)
    chair, officer = api(panel.chair), api(world.officer_nj)
    cid = panel.consultation.id
    op = create(client, chair, cid, full_body()).get_json()
    assert op["status"] == "draft"  # drafting notes before the meeting is fine
    err = assert_error(client.post(f"/api/v1/opinions/{op['id']}/signatures", json={}, headers=api(panel.users[1])), 409,
                       "no_minutes")
    assert "会议纪要" in err["message"]
    assert_error(client.post(f"/api/v1/opinions/{op['id']}/issue", headers=officer), 409, "no_minutes")
    held = {"start": "2026-12-09T09:30:00+08:00", "duration_minutes": 90, "mode": "onsite", "location": "南京市信访局第一会议室"}
    # a past start is refused unless the meeting is recorded as held
    assert_error(client.post(f"/api/v1/consultations/{cid}/meetings", json=held, headers=officer), 422, "in_the_past")
    assert_error(client.post(f"/api/v1/consultations/{cid}/meetings", json=held | {"held": True,
                                                                                  "start": "2026-12-10T09:30:00+08:00"},
                             headers=officer), 422, "not_held_yet")
    resp = client.post(f"/api/v1/consultations/{cid}/meetings", json=held | {"held": True}, headers=officer)
    assert resp.status_code == 201, resp.get_json()
    meeting = db.session.get(Meeting, resp.get_json()["id"])
    assert meeting.status == "held" and meeting.sequence == 0
    assert_error(client.post(f"/api/v1/opinions/{op['id']}/issue", headers=officer), 409, "no_minutes")
    resp = client.post(f"/api/v1/meetings/{meeting.id}/minutes",
                       json={"text": "专家组就征收补偿标准进行了讨论。", "attendee_expert_ids": [e.id for e in panel.experts]},
                       headers=officer)
    assert resp.status_code == 201, resp.get_json()
    signed_by_all(client, api, panel, op["id"])
    resp = client.post(f"/api/v1/opinions/{op['id']}/issue", headers=officer)
    assert resp.status_code == 200, resp.get_json()
    assert db.session.get(Consultation, cid).status == "opinion_issued"


def test_drafting_needs_a_drawn_panel(client, world, api, factory):
    panel = build_panel(world, factory, status="accepted")
    assert_error(create(client, api(world.officer_nj), panel.consultation.id), 409, "invalid_transition")


def test_feedback_not_before_issue_and_in_progress_keeps_case_open(client, world, api, panel):
    agency = api(world.agency_user)
    op = draft_ready(client, api, panel)
    fb = {"adopted": False, "outcome": "in_progress", "note": "正在协调住建部门重新评估补偿方案"}
    assert_error(client.post(f"/api/v1/opinions/{op['id']}/feedback", json=fb, headers=agency), 409, "not_issued")
    client.post(f"/api/v1/opinions/{op['id']}/issue", headers=api(world.officer_nj))
    assert client.post(f"/api/v1/opinions/{op['id']}/feedback", json=fb, headers=agency).status_code == 201
    assert db.session.get(Consultation, panel.consultation.id).status == "closed"
    assert db.session.get(Case, panel.case.id).status == "opinion_issued"
    body = client.get(f"/api/v1/opinions/{op['id']}", headers=agency).get_json()
    assert body["feedback"][0]["outcome_label"] == "化解中" and body["can"]["feedback"] is True


def test_diff_arguments_are_validated(client, api, panel):
    chair = api(panel.chair)
    op = create(client, chair, panel.consultation.id).get_json()
    assert_error(client.get(f"/api/v1/opinions/{op['id']}/diff?from=1", headers=chair), 422, fields=("to",))
    assert_error(client.get(f"/api/v1/opinions/{op['id']}/diff?from=1&to=7", headers=chair), 422, fields=("to",))
    assert_error(client.get(f"/api/v1/opinions/{op['id']}/diff?from=a&to=1", headers=chair), 422, fields=("from",))
    same = client.get(f"/api/v1/opinions/{op['id']}/diff?from=1&to=1", headers=chair).get_json()
    assert same["changed_sections"] == []


def test_openapi_lists_the_opinion_routes(client, api, world):
    doc = client.get("/api/v1/openapi.json", headers=api(world.admin)).get_json()
    for path in ("/consultations/{consultation_id}/opinion", "/opinions/{opinion_id}", "/opinions/{opinion_id}/signatures",
                 "/opinions/{opinion_id}/issue", "/opinions/{opinion_id}/pdf", "/opinions/{opinion_id}/feedback"):
        assert path in doc["paths"], path


# --------------------------------------------------------------------------- pieces


def test_diff_is_by_sentence_then_character_and_escaped():
    from app.opinions.diff import sentences, text_diff, to_html

    assert sentences("甲说：“好。”乙不同意！\n第二段") == ["甲说：“好。”", "乙不同意！", "\n", "第二段"]
    assert text_diff("程序合法。补偿标准偏低。应当重新评估。", "程序合法。补偿标准明显偏低。应当重新评估。") == [
        ("equal", "程序合法。补偿标准"), ("insert", "明显"), ("equal", "偏低。应当重新评估。")]
    assert text_diff("一。二。", "一。三。四。") == [("equal", "一。"), ("delete", "二。"), ("insert", "三。四。")]
    assert str(to_html(text_diff("<b>旧</b>", "<script>新</script>"))) == \
        "<del>&lt;b&gt;旧&lt;/b&gt;</del><ins>&lt;script&gt;新&lt;/script&gt;</ins>"


@pytest.mark.parametrize("name, tier, region, prefix, expected", [
    ("江苏省信访局", "provincial", "320000", None, "苏信专审"),
    ("国家信访局", "national", "000000", None, "国信专审"),
    ("南京市信访局", "municipal", "320100", None, "南京信专审"),
    ("南京市江宁区信访局", "county", "320115", None, "江宁信专审"),
    ("北京市朝阳区人民政府信访办公室", "county", "110105", None, "朝阳信专审"),
    ("南京市信访局", "municipal", "320100", " 宁信专审 ", "宁信专审"),
])
def test_document_number_prefix(app, name, tier, region, prefix, expected):
    from app.opinions.issuing import document_prefix
    from app.orgs.models import Organization

    assert document_prefix(Organization(name=name, tier=tier, region_code=region, doc_prefix=prefix)) == expected


def test_derived_prefix_taken_by_another_office_falls_back(client, world, api, factory, monkeypatch):
    """Two offices whose names give the same short prefix never issue the same number."""
    stub_opinion_files(monkeypatch)
    twin = factory.org("南京信访局", tier="municipal", region_code="320100", parent=world.js)
    first = build_panel(world, factory, office=twin)
    second = build_panel(world, factory)
    numbers = []
    for panel, officer in ((first, factory.user("officer", twin, username="officer_twin")), (second, world.officer_nj)):
        op = draft_ready(client, api, panel)
        resp = client.post(f"/api/v1/opinions/{op['id']}/issue", headers=api(officer))
        assert resp.status_code == 200, resp.get_json()
        numbers.append(resp.get_json()["number"])
    assert numbers[0].endswith("〕南京信专审1号")
    assert numbers[1].endswith("〕南京市信专审1号")  # 南京信专审 is taken: the next derived prefix


def test_feedback_assumes_nothing_and_needs_a_note(client, world, api, panel):
    """Issue 9, item 2: no outcome is assumed, a note of at least 10 characters is required, and
    once a final outcome is reported nothing more is taken (a 化解中 report allows one follow-up)."""
    agency = api(world.agency_user)
    op = draft_ready(client, api, panel)
    client.post(f"/api/v1/opinions/{op['id']}/issue", headers=api(world.officer_nj))
    url = f"/api/v1/opinions/{op['id']}/feedback"
    err = assert_error(client.post(url, json={}, headers=agency), 422, fields=("adopted", "outcome", "note"))
    assert "说明" in err["message"] and "note" not in err["message"]
    assert_error(client.post(url, json={"adopted": True, "outcome": "resolved", "note": "已落实"}, headers=agency), 422,
                 fields=("note",))
    assert_error(client.post(url, json={"adopted": True, "outcome": "resolved", "note": "          已落实     "},
                             headers=agency), 422, fields=("note",))
    assert db.session.get(Consultation, panel.consultation.id).status == "opinion_issued"
    progress = {"adopted": True, "outcome": "in_progress", "note": "已启动重新评估程序，预计下月完成补偿。"}
    assert client.post(url, json=progress, headers=agency).status_code == 201
    assert client.get(f"/api/v1/opinions/{op['id']}", headers=agency).get_json()["can"]["feedback"] is True
    done = {"adopted": True, "outcome": "resolved", "note": "补偿款已发放到位，信访人签字息诉罢访。"}
    assert client.post(url, json=done, headers=agency).status_code == 201
    assert db.session.get(Case, panel.case.id).status == "closed"
    assert client.get(f"/api/v1/opinions/{op['id']}", headers=agency).get_json()["can"]["feedback"] is False
    assert_error(client.post(url, json=done, headers=agency), 409, "feedback_exists")
