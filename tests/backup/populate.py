"""A populated instance: the demo (cases, consultations, issued opinions with their PDFs, audit
entries), the signing root, and attachments — several over one storage chunk, one shared by
two cases, one deleted again."""

from __future__ import annotations

import io
import os

from sqlalchemy import select

from app.auth.models import User
from app.cases import attachments
from app.cases import permissions as perm
from app.cases.models import Attachment, Case
from app.extensions import db
from app.opinions.models import OpinionFile
from app.pki import store
from app.seed.demo import seed_demo
from app.storage import file_key, storage

BIG = 1024 * 1024 + 300_000  # more than one chunk of the database backend


def pdf_bytes(size: int) -> bytes:
    return b"%PDF-1.4\n%" + os.urandom(size) + b"\n%%EOF\n"


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(2000)


def populate(app) -> None:
    with app.app_context():
        store.create_root("测试根证书")
        db.session.commit()
        seed_demo()
        open_cases = db.session.execute(select(Case).where(Case.status != "closed").order_by(Case.id)).scalars().all()
        users = db.session.execute(select(User).order_by(User.id)).scalars().all()
        shared = pdf_bytes(5000)
        uploads = []
        for i, case in enumerate(open_cases[:3]):
            user = next(u for u in users if perm.can_manage_attachments(u, case))
            uploads.append(attachments.add_attachment(user, case, io.BytesIO(pdf_bytes(BIG + i)), f"证据材料{i}.pdf"))
            attachments.add_attachment(user, case, io.BytesIO(shared), "同一份材料.pdf")
            attachments.add_attachment(user, case, io.BytesIO(png_bytes()), f"现场照片{i}.png", "现场照片")
        gone = uploads[-1]
        case = db.session.get(Case, gone.case_id)
        user = next(u for u in users if perm.can_manage_attachments(u, case))
        attachments.delete_attachment(user, case, gone)
        db.session.remove()


def stored_files(app) -> dict[str, bytes]:
    """sha256 → bytes of every attachment row's file, read through the storage backend."""
    with app.app_context():
        shas = set(db.session.execute(select(Attachment.sha256)).scalars())
        out = {sha: storage().read_bytes(file_key(sha)) for sha in sorted(shas)}
        db.session.remove()
        return out


def opinion_pdfs(app) -> dict[int, bytes]:
    with app.app_context():
        rows = db.session.execute(select(OpinionFile.opinion_id, OpinionFile.data).where(OpinionFile.kind == "pdf")
                                  .order_by(OpinionFile.opinion_id)).all()
        db.session.remove()
        return {opinion_id: bytes(data) for opinion_id, data in rows}


def table_rows(app, skip=("stored_chunks",)) -> dict[str, list[tuple]]:
    """Every row of every table (ordered by primary key), for comparing two databases."""
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            if table.name in skip:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(row) for row in db.session.execute(select(table).order_by(*order))]
        db.session.remove()
        return out
