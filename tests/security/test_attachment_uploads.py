"""Hostile attachment uploads: a path in the file name, a program named .pdf, a zip bomb
named .docx. Nothing lands outside the content-addressed store, nothing is unpacked."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from app.cases.attachments import files_dir
from app.cases.models import Attachment, Case
from app.extensions import db
from tests.conftest import Factory

PDF = b"%PDF-1.4\n%upload test\n%%EOF\n"


def _case(world) -> Case:
    return Factory().case(world.agency, title="附件上传测试", category="housing")


def _upload(client, headers, case_id, content: bytes, name: str):
    return client.post(f"/api/v1/cases/{case_id}/attachments", headers=headers,
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _stored(store) -> set:
    return {p for p in store.rglob("*") if p.is_file() and p.relative_to(store).parts[0] != "tmp"}


def test_a_path_in_the_file_name_stays_a_name(client, api, world):
    case, headers = _case(world), api(world.agency_user)
    store = files_dir()
    before = _stored(store)  # earlier tests of the session may have stored theirs
    resp = _upload(client, headers, case.id, PDF, "../../../../tmp/evil/../../etc/passwd.pdf")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["filename"] == "passwd.pdf"
    assert [p.read_bytes() for p in _stored(store) - before] == [PDF]
    assert not Path("/tmp/evil").exists() and not Path("/etc/passwd.pdf").exists()


def test_a_program_named_pdf_is_refused(client, api, world):
    case, headers = _case(world), api(world.agency_user)
    resp = _upload(client, headers, case.id, b"MZ\x90\x00" + b"\x00" * 200, "报告.pdf")
    assert resp.status_code == 415
    assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0


def test_a_zip_bomb_named_docx_is_refused(client, api, world):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        with zf.open("word/media/zeros.bin", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(300):  # 300 MB unpacked, ~300 KB packed
                member.write(chunk)
    case, headers = _case(world), api(world.agency_user)
    resp = _upload(client, headers, case.id, buf.getvalue(), "材料.docx")
    assert resp.status_code == 413, resp.get_json()
    assert "解压后超过" in resp.get_json()["error"]["message"]
    assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
