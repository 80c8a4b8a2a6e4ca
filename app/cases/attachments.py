"""Case attachments: PDF, DOCX, JPG and PNG, recognised by their content, never by their name.

Files are content-addressed (``files/<sha256>`` in the storage backend, :mod:`app.storage`: the
local ``<INSTANCE_DIR>/files/<sha256[:2]>/<sha256>`` or the database): the upload is streamed to a
temporary file (counting and hashing, refusing once over the size limit), checked, then stored.
The database row and its audit entry are committed together here — unlike the other services —
because the file and the row must succeed or fail as one: a failed transaction removes a file it
brought in (in the database backend the bytes roll back with the row), and deleting the last row that uses a file
removes the file after the commit. One file may back several rows (the same bytes uploaded
twice): placing it and removing it both happen under a lock named after its hash, with the
rows counted inside that transaction, so a delete racing an upload of the same bytes never
removes the file the new row needs.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from urllib.parse import quote
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Response, current_app, send_file
from sqlalchemy import func, select

from app.audit import services as audit
from app.cases import permissions as perm
from app.cases.models import Attachment, Case
from app.errors import Conflict, Forbidden, NotFound, TooLarge, UnsupportedType, ValidationFailed
from app.extensions import db
from app.locking import lock, lock_name
from app.storage import file_key, files_dir, storage

DEFAULT_MAX_MB = 10
CHUNK = 64 * 1024
# A real Word document unpacks to a few MB; a zip bomb named .docx is refused before anyone's
# Word (or an indexer) opens it. Declared sizes are what a reader trusts to allocate.
DOCX_MAX_PARTS = 1000
DOCX_MAX_UNPACKED = 256 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
DOCX = FileKind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
JPEG = FileKind("JPG", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("PNG", "image/png", (".png",))
ALLOWED_TEXT = "PDF、Word（.docx）、JPG、PNG"


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024)


def max_mb() -> float:
    return current_app.config.get("ATTACHMENT_MAX_MB", DEFAULT_MAX_MB)


def detect_kind(path: Path) -> FileKind | None:
    """The kind of the file at ``path`` from its magic bytes (a DOCX is a ZIP holding
    ``word/document.xml``), None for anything else."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                parts = zf.infolist()
                if "word/document.xml" in zf.namelist():
                    if len(parts) > DOCX_MAX_PARTS or sum(p.file_size for p in parts) > DOCX_MAX_UNPACKED:
                        raise TooLarge(f"Word 文件解压后超过 {DOCX_MAX_UNPACKED // 1024 // 1024} MB"
                                       f"（或部件超过 {DOCX_MAX_PARTS} 个），不能作为附件上传")
                    return DOCX
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


_UNSAFE = re.compile(r'[\\/:*?"<>|]+')


def sanitize_filename(name: str, kind: FileKind | None = None) -> str:
    """A safe display/download name that keeps Chinese: no directories, path separators,
    control or reserved characters, no leading dots; the extension matches the content."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = "." + ext.lower() if ext else ""
    if kind is not None and ext not in kind.extensions:
        ext = kind.extensions[0]  # a PDF named 报告.docx downloads as 报告.pdf
    stem = stem.strip() or "附件"
    return stem[: 200 - len(ext)] + ext


def _receive(stream: BinaryIO, tmp_dir: Path) -> tuple[Path, str, int]:
    """Copy ``stream`` into a temporary file; (path, sha256, size); TooLarge past the limit."""
    limit = max_bytes()
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", dir=tmp_dir)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"附件不能超过 {max_mb():g} MB", details={"max_mb": max_mb()})
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), digest.hexdigest(), size


def add_attachment(user, case: Case, stream: BinaryIO | None, filename: str, description: str = "") -> Attachment:
    """Check, store and record one upload; commits. 413 too large, 415 not an allowed type,
    409 on a closed case; nothing is left behind on any failure."""
    if not perm.can_manage_attachments(user, case):
        raise Forbidden("无权为该信访事项上传附件")
    description = (description or "").strip()
    if len(description) > 200:
        raise ValidationFailed({"description": "说明不能超过 200 个字符"})
    if stream is None:
        raise ValidationFailed({"file": "请选择要上传的文件（字段名 file）"})
    # Received before any lock is taken: a slow upload must not hold the database's write lock.
    tmp, sha, size = _receive(stream, files_dir() / "tmp")
    created = False
    try:
        if size == 0:
            raise ValidationFailed({"file": "文件为空"})
        kind = detect_kind(tmp)
        if kind is None:
            raise UnsupportedType(f"只能上传 {ALLOWED_TEXT} 文件（按文件内容识别，与扩展名无关）",
                                  details={"allowed": ["pdf", "docx", "jpg", "png"]})
        case = lock(case)
        if case.status == "closed":
            raise Conflict("信访事项已办结，不能再上传附件", code="case_closed")
        lock_name(_file_lock(sha), expire=False)
        created = storage().put_file(file_key(sha), tmp)
        row = Attachment(case_id=case.id, filename=sanitize_filename(filename, kind), content_type=kind.content_type,
                         size=size, sha256=sha, description=description, uploaded_by_id=getattr(user, "id", None))
        db.session.add(row)
        db.session.flush()
        audit.record("create", "attachment", row.id, f"上传附件《{row.filename}》（{kind.label}，{_size_text(size)}）",
                     after=row.to_dict(), subject=f"case:{case.id}")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if created:
            _drop_file_if_unused(sha)
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return row


def get_attachment(case: Case, attachment_id: int) -> Attachment:
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.case_id != case.id:
        raise NotFound("附件不存在")
    return row


def download_response(row: Attachment):
    """The file with its recorded type, ``attachment`` disposition with an RFC 5987
    ``filename*`` (Chinese names survive) and ``nosniff``."""
    store, key = storage(), file_key(row.sha256)
    path = store.local_path(key)
    if path is not None:
        if not path.is_file():
            raise NotFound("附件文件缺失，请联系管理员")
        response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.filename,
                             max_age=0, etag=row.sha256)
    else:
        try:
            chunks = store.chunks(key)
        except FileNotFoundError:
            raise NotFound("附件文件缺失，请联系管理员") from None
        response = Response(chunks, mimetype=row.content_type, direct_passthrough=True)
        response.headers.set("Content-Disposition", "attachment", **_disposition(row.filename))
        response.headers["Content-Length"] = str(row.size)
        response.set_etag(row.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def delete_attachment(user, case: Case, row: Attachment) -> None:
    """Remove the row (audited, committed), then the file when no other row uses it."""
    if not perm.can_manage_attachments(user, case):
        raise Forbidden("无权删除该信访事项的附件")
    case = lock(case)
    if case.status == "closed":
        raise Conflict("信访事项已办结，不能删除附件", code="case_closed")
    sha = row.sha256
    audit.record("delete", "attachment", row.id, f"删除附件《{row.filename}》", before=row.to_dict(),
                 subject=f"case:{case.id}")
    db.session.delete(row)
    db.session.commit()
    _drop_file_if_unused(sha)


def _file_lock(sha: str) -> str:
    """The lock every change to the rows using one stored file takes: placing the file and
    adding a row, or counting the rows and removing the file, happen under it."""
    return f"attachment_file:{sha}"


def _drop_file_if_unused(sha: str) -> None:
    """In a transaction of its own and under the file's lock: remove the stored file when no
    attachment row uses it. An upload of the same bytes either committed its row first (the
    file stays) or waits for the lock and then finds no file and stores its own copy."""
    lock_name(_file_lock(sha), expire=False)
    unused = db.session.execute(select(func.count()).select_from(Attachment)
                                .where(Attachment.sha256 == sha)).scalar_one() == 0
    if unused:
        storage().delete(file_key(sha))
    db.session.commit()


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def _disposition(filename: str) -> dict[str, str]:
    """``filename`` plus, for a non-ASCII name, ``filename*`` (RFC 5987) — as send_file does."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": f"UTF-8''{quote(filename, safe='!#$&+-.^_`|~')}"}
    return {"filename": filename}
