"""``STORAGE_BACKEND=database``: stored objects as rows of ``stored_chunks`` (key, seq, bytes of
at most 1 MB each) — a ``bytea`` column on PostgreSQL, a BLOB on SQLite, one code path for both.

Why chunked rows rather than PostgreSQL large objects: they work on SQLite too; they are written
in the caller's transaction, so an attachment's bytes and its row commit or roll back together
(no orphan to clean up, unlike ``lo_unlink``/``vacuumlo``); and ``pg_dump`` copies them with
the rest of the data in the same snapshot. Neither a read nor a write holds more than one chunk
in memory.

Writes go through ``db.session`` (the caller commits); a download streams its chunks on a
connection of its own, one row at a time, so it needs no request context while it is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.storage.base import CHUNK
from app.storage.models import StoredChunk


class DatabaseStorage:
    name = "database"

    def local_path(self, key: str) -> Path | None:
        return None

    def exists(self, key: str) -> bool:
        return db.session.execute(select(exists().where(StoredChunk.key == key, StoredChunk.seq == 0))).scalar()

    def put_file(self, key: str, path: Path) -> bool:
        if self.exists(key):
            return False
        try:
            with db.session.begin_nested(), open(path, "rb") as fh:
                seq = 0
                while True:
                    block = fh.read(CHUNK)
                    if not block and seq:
                        break
                    chunk = StoredChunk(key=key, seq=seq, data=block)
                    db.session.add(chunk)
                    db.session.flush()
                    db.session.expunge(chunk)  # one chunk in memory at a time
                    seq += 1
                    if not block:
                        break
        except IntegrityError:  # stored by a concurrent transaction that committed first
            return False
        return True

    def put_bytes(self, key: str, data: bytes) -> None:
        try:
            with db.session.begin_nested():
                for seq, start in enumerate(range(0, max(len(data), 1), CHUNK)):
                    db.session.add(StoredChunk(key=key, seq=seq, data=data[start:start + CHUNK]))
                db.session.flush()
        except IntegrityError:
            raise FileExistsError(key) from None

    def read_bytes(self, key: str) -> bytes:
        rows = db.session.execute(select(StoredChunk.data).where(StoredChunk.key == key)
                                  .order_by(StoredChunk.seq)).scalars().all()
        if not rows:
            raise FileNotFoundError(key)
        return b"".join(rows)

    def chunks(self, key: str) -> Iterator[bytes]:
        count = db.session.execute(select(db.func.count()).select_from(StoredChunk)
                                   .where(StoredChunk.key == key)).scalar_one()
        if not count:
            raise FileNotFoundError(key)
        return _stream(db.engine, key, count)

    def delete(self, key: str) -> None:
        db.session.execute(delete(StoredChunk).where(StoredChunk.key == key))

    def keys(self, prefix: str) -> Iterator[str]:
        return iter(db.session.execute(select(StoredChunk.key).where(StoredChunk.seq == 0,
                                                                     StoredChunk.key.startswith(prefix, autoescape=True))
                                       .order_by(StoredChunk.key)).scalars().all())


def _stream(engine, key: str, count: int) -> Iterator[bytes]:
    table = StoredChunk.__table__
    with engine.connect() as conn:
        for seq in range(count):
            block = conn.execute(select(table.c.data).where(table.c.key == key, table.c.seq == seq)).scalar_one()
            yield bytes(block)
