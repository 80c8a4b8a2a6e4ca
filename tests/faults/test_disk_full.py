"""The upload disk full (ENOSPC while the attachment is written): a clear 507 in the API and the
page, nothing half-written (no row, no file, no temporary file, no audit entry), and the next
upload works once there is room again. In-process: the write is made to fail as a full disk
makes it fail, part-way through."""

from __future__ import annotations

import errno
import io
import os

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.cases.models import Attachment
from app.extensions import db
from tests.api.test_cases import PDF, stored_files

BIG_PDF = PDF + b"%" + b"x" * 300_000 + b"\n"


class FullDisk:
    """``os.fdopen`` whose files accept a first chunk, then fail like a full disk."""

    def __init__(self, real):
        self.real, self.active = real, True

    def __call__(self, fd, *args, **kwargs):
        handle = self.real(fd, *args, **kwargs)
        if not self.active or "w" not in (args[0] if args else kwargs.get("mode", "r")):
            return handle
        return _FillingFile(handle)


class _FillingFile:
    def __init__(self, handle):
        self.handle, self.written = handle, 0

    def write(self, data):
        if self.written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written += len(data)
        return self.handle.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def __getattr__(self, name):
        return getattr(self.handle, name)


@pytest.fixture
def full_disk(monkeypatch):
    disk = FullDisk(os.fdopen)
    monkeypatch.setattr(os, "fdopen", disk)
    return disk


def _counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Attachment)),
            db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "attachment")))


def test_full_disk_is_507_leaves_nothing_and_recovers(client, world, api, app, case, login, full_disk):
    h = api(world.agency_user)
    files_before = set(stored_files(app))  # other tests of the session may have left theirs
    url = f"/api/v1/cases/{case.id}/attachments"
    resp = client.post(url, headers=h, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(BIG_PDF), "答复意见.pdf")})
    assert resp.status_code == 507, resp.get_data(as_text=True)[:500]
    err = resp.get_json()["error"]
    assert err["code"] == "storage_full" and "存储空间不足" in err["message"]
    assert _counts() == (0, 0)
    assert set(stored_files(app)) == files_before  # neither the stored file nor the temporary one

    login(world.agency_user)
    page = client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(BIG_PDF), "答复意见.pdf"), "description": "答复"})
    assert page.status_code == 507
    html = page.get_data(as_text=True)
    assert "存储空间不足" in html and "Traceback" not in html
    assert _counts() == (0, 0) and set(stored_files(app)) == files_before

    full_disk.active = False  # room again
    resp = client.post(url, headers=h, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(BIG_PDF), "答复意见.pdf")})
    assert resp.status_code == 201, resp.get_json()
    assert _counts() == (1, 1) and len(set(stored_files(app)) - files_before) == 1
    got = client.get(f"{url}/{resp.get_json()['id']}", headers=h)
    assert got.status_code == 200 and got.data == BIG_PDF
