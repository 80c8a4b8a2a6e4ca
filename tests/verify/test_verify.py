"""Verification (验真), public: the six answers for uploaded files, through the API and the page;
the page of a verification code shows no case or personal data; the rate limit; old numbers are
never re-signed and stay verifiable after a rotation."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfReader, PdfWriter

from app.extensions import db
from app.pki import services
from app.pki.models import IssuedSignature
from app.pki.stamping import format_code
from tests.api.test_opinions import ANALYSIS, build_panel, draft_ready, signed_by_all
from tests.verify.conftest import CASE_TITLE, PETITIONER, issue
from tests.verify.signed_sample import pki, sign_sample

KEYS = {"authentic", "signature_valid", "matches_issued", "number", "office", "issued_on", "status"}


def verify(client, data: bytes) -> dict:
    resp = client.post("/api/v1/verify", data={"file": (io.BytesIO(data), "意见书.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:400]
    body = resp.get_json()
    assert set(body) >= KEYS
    return body


def test_genuine_file_is_authentic(client, issued, world):
    body = verify(client, issued.pdf)
    assert body["authentic"] and body["signature_valid"] and body["matches_issued"]
    assert body["number"] == issued.number and body["office"] == "南京市信访局" and body["status"] == "valid"
    assert body["issued_on"] == issued.body["issued_at"][:10] or body["issued_on"]
    assert body["result"] == "authentic" and body["message"].startswith("真实有效")


def test_one_flipped_byte_is_refused(client, issued):
    for offset in (len(issued.pdf) // 3, 200, len(issued.pdf) - 40):
        data = bytearray(issued.pdf)
        data[offset] ^= 0x01
        body = verify(client, bytes(data))
        assert not body["authentic"] and not body["matches_issued"], offset
        assert body["number"] is None and body["message"]


def test_a_copy_resaved_by_another_tool_is_refused(client, issued):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued.pdf)))
    out = io.BytesIO()
    writer.write(out)
    body = verify(client, out.getvalue())
    assert not body["authentic"] and not body["signature_valid"] and not body["matches_issued"]
    assert body["result"] in ("resaved", "tampered", "modified_after_signing") and "重新保存" in body["message"]


def test_an_incremental_edit_after_signing_is_refused(client, issued):
    writer = PdfWriter(io.BytesIO(issued.pdf), incremental=True)
    writer.add_metadata({"/Title": "改过的标题"})
    out = io.BytesIO()
    writer.write(out)
    body = verify(client, out.getvalue())
    assert not body["authentic"] and body["result"] in ("modified_after_signing", "resaved")


def test_a_signature_from_a_foreign_root_is_refused(client, issued):
    foreign = sign_sample(material=pki("他人伪造的根证书")[1])
    body = verify(client, foreign)
    assert not body["authentic"] and not body["signature_valid"] and body["result"] == "untrusted"
    assert "不是由本平台信任的证书" in body["message"]


def test_a_file_never_issued_is_refused(client, issued, world, api):
    # a draft (unsigned), a random PDF, and one signed with the office's own key but never issued
    draft = PdfWriter()
    draft.add_blank_page(595, 842)
    out = io.BytesIO()
    draft.write(out)
    for data, result in ((out.getvalue(), "unsigned"), (b"not a pdf at all", "not_pdf")):
        body = verify(client, data)
        assert not body["authentic"] and body["result"] == result
    material = services.material(services.active_certificate(world.nj.id))
    unissued = sign_sample(material=material)
    body = verify(client, unissued)
    assert body["signature_valid"] and not body["matches_issued"] and not body["authentic"]
    assert body["result"] == "not_issued" and "没有印发过" in body["message"]


def test_superseded_opinion_names_its_successor_and_is_never_resigned(client, world, api, issued):
    officer = api(world.officer_nj)
    before = hashlib.sha256(issued.pdf).hexdigest()
    code_before = db.session.get(IssuedSignature, issued.id).code
    corr = client.post(f"/api/v1/opinions/{issued.id}/correction", headers=officer).get_json()
    client.put(f"/api/v1/opinions/{corr['id']}", json={"version": 1, "analysis": ANALYSIS + "（更正）"},
               headers=api(issued.panel.chair))
    signed_by_all(client, api, issued.panel, corr["id"])
    second = issue(client, api, world.officer_nj, corr["id"])
    old_pdf = client.get(f"/api/v1/opinions/{issued.id}/pdf", headers=officer).data
    assert hashlib.sha256(old_pdf).hexdigest() == before  # the old number is not signed again
    db.session.expire_all()
    assert db.session.get(IssuedSignature, issued.id).code == code_before
    body = verify(client, issued.pdf)
    assert body["authentic"] and body["status"] == "superseded" and body["superseded_by"] == second["number"]
    assert second["number"] in body["message"] and "已失效" in body["message"]
    page = client.get(f"/verify/{code_before}").get_data(as_text=True)
    assert second["number"] in page and "更正替代" in page
    new_pdf = client.get(f"/api/v1/opinions/{corr['id']}/pdf", headers=officer).data
    assert verify(client, new_pdf)["status"] == "valid"


def test_rotation_keeps_old_opinions_verifiable(client, world, api, factory, issued):
    old = db.session.get(IssuedSignature, issued.id).certificate_id
    services.rotate(world.nj)
    db.session.commit()
    assert verify(client, issued.pdf)["authentic"]
    op = draft_ready(client, api, build_panel(world, factory))
    issue(client, api, world.officer_nj, op["id"])
    new_pdf = client.get(f"/api/v1/opinions/{op['id']}/pdf", headers=api(world.officer_nj)).data
    assert verify(client, new_pdf)["authentic"]
    assert db.session.get(IssuedSignature, op["id"]).certificate_id != old


def test_code_page_shows_the_public_record_and_no_personal_data(client, issued):
    code = db.session.get(IssuedSignature, issued.id).code
    for typed in (code, format_code(code), format_code(code).lower()):
        resp = client.get(f"/verify/{typed}")
        assert resp.status_code == 200, typed
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert issued.number in html and "南京市信访局" in html and "现行有效" in html
    case = issued.panel.case
    private = [PETITIONER, "13900000001", case.case_number, "征收补偿标准是否合法", "要求提高补偿标准", "张某",
               "征收补偿决定书", "南京市住房保障和房产局", *(e.name for e in issued.panel.experts),
               "2022年1月", "补偿标准依据"]
    for value in private:
        assert value not in html, value
    assert "法律审查意见书" in html  # the title as anonymized at issue
    assert CASE_TITLE not in html
    assert client.get("/verify/ZZZZ-ZZZZ").status_code == 404
    assert client.get("/verify/not-a-code").status_code == 404


def test_upload_page_answers_in_chinese(client, issued):
    page = client.get("/verify")
    assert page.status_code == 200 and "上传" in page.get_data(as_text=True)
    ok = client.post("/verify", data={"file": (io.BytesIO(issued.pdf), "a.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 200 and "真实有效" in ok.get_data(as_text=True)
    data = bytearray(issued.pdf)
    data[len(data) // 2] ^= 0xFF
    bad = client.post("/verify", data={"file": (io.BytesIO(bytes(data)), "a.pdf")}, content_type="multipart/form-data")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "验真未通过" in text and "真实有效" not in text
    assert client.post("/verify", data={}).status_code == 422


def test_verification_is_rate_limited_per_address(app, client, issued):
    code = db.session.get(IssuedSignature, issued.id).code
    app.config["VERIFY_RATE_PER_MINUTE"] = 3
    try:
        assert [client.get(f"/verify/{code}").status_code for _ in range(3)] == [200, 200, 200]
        assert client.get(f"/verify/{code}").status_code == 429
        resp = client.post("/api/v1/verify", data={"file": (io.BytesIO(b"%PDF-"), "x.pdf")}, content_type="multipart/form-data")
        assert resp.status_code == 429 and resp.get_json()["error"]["code"] == "rate_limited"
        other = client.get(f"/verify/{code}", environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert other.status_code == 200
    finally:
        app.config["VERIFY_RATE_PER_MINUTE"] = 1000


def test_api_verify_needs_a_file(client):
    resp = client.post("/api/v1/verify", data={}, content_type="multipart/form-data")
    assert resp.status_code == 422 and resp.get_json()["error"]["details"]["file"]


@pytest.mark.parametrize("path", ["/api/v1/openapi.json"])
def test_openapi_documents_verify_as_public(client, path, api, world):
    doc = client.get(path, headers=api(world.admin)).get_json()
    op = doc["paths"]["/verify"]["post"]
    assert "security" not in op and "multipart/form-data" in op["requestBody"]["content"]
    assert re.search("429", " ".join(op["responses"]))
