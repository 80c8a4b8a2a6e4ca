"""Builders shared by the API and access tests: request bodies and roster files."""

from __future__ import annotations

import csv
import io
import itertools

from openpyxl import Workbook

# The roster's Chinese column headers as the issue fixes them (not imported from the app, so a
# change there is caught here).
ROSTER_HEADERS = ["姓名", "层级", "行政区划代码", "工作单位", "职称", "专业领域", "手机", "邮箱", "状态", "聘期截止",
                  "最多同时承担会商数"]

_phones = itertools.count(1)


def unique_phone() -> str:
    return f"137{next(_phones):08d}"


def expert_body(**overrides) -> dict:
    body = {"name": "周立新", "tier": "municipal", "region_code": "320100", "employer": "江苏某律师事务所",
            "title": "律师", "specialties": ["civil_law", "labor_law"], "phone": "13812345678",
            "email": "zhou@example.cn", "status": "active", "term_end": "2028-12-31", "max_open_consultations": 3}
    body.update(overrides)
    return body


def roster_row(i: int, **overrides) -> list:
    """One roster row (Chinese labels as Excel users write them); ``i`` makes it unique."""
    values = {"姓名": f"名册专家{i}", "层级": "市", "行政区划代码": "320100", "工作单位": "南京大学法学院",
              "职称": "教授", "专业领域": "行政法与行政诉讼、信访政策", "手机": f"136{i:08d}",
              "邮箱": f"roster{i}@example.cn", "状态": "在库", "聘期截止": "2028-12-31", "最多同时承担会商数": "3"}
    values.update(overrides)
    return [values[h] for h in ROSTER_HEADERS]


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig", headers: list[str] | None = None) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers or ROSTER_HEADERS)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers or ROSTER_HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, headers: dict, filename: str, content: bytes, url: str = "/api/v1/experts/import"):
    return client.post(url, headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), filename)})


def assert_error(resp, status: int, code: str | None = None, fields: tuple[str, ...] = ()) -> dict:
    """The contract's error shape, the status, optionally the code and the fields named in details."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:800])
    body = resp.get_json()
    assert isinstance(body, dict) and set(body["error"]) == {"code", "message", "details"}, body
    err = body["error"]
    assert isinstance(err["code"], str) and err["code"], body
    assert isinstance(err["message"], str) and err["message"].strip(), body
    assert isinstance(err["details"], dict), body
    if code is not None:
        assert err["code"] == code, body
    for name in fields:
        assert name in err["details"], (name, body)
        assert err["details"][name], (name, body)
    return err


def stub_opinion_files(monkeypatch, pdf=lambda doc: b"%PDF stub", docx=lambda doc: b"PK stub") -> None:
    """Issue opinions without rendering or signing (numbering tests): the stub bytes are stored as
    they are, with a real verification code and office certificate."""
    from app.opinions import issuing
    from app.pki import services, stamping

    monkeypatch.setattr(issuing, "render_pdf_bytes", pdf)
    monkeypatch.setattr(issuing, "render_docx_bytes", docx)
    monkeypatch.setattr(stamping, "sign_issued", lambda office, doc, data, fonts: stamping.SignedPdf(
        data, stamping.new_code(), services.office_certificate(office), None))
    monkeypatch.setattr(stamping, "mark_docx", lambda data, code: data)
