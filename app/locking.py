"""The one way a state change serializes itself against concurrent ones, the same on SQLite and
PostgreSQL.

A use case that reads, decides and writes ("is the panel still undrawn? then draw") must hold a
lock from before the read until its commit, or two workers both see "undrawn" and both draw.

- **PostgreSQL** has row locks: :func:`lock_row` runs ``SELECT … FOR UPDATE`` on the row, and
  :func:`lock_name` takes a transaction-scoped advisory lock for what is not one row (the audit
  chain, the meeting calendar). Other rows stay writable by other transactions.
- **SQLite** has one writer for the whole database and no row locks. Both functions start the
  transaction with ``BEGIN IMMEDIATE``: the write lock is taken *now* (waiting up to the
  connection's ``busy_timeout``), so every read that follows sees the latest committed state and
  nobody else can commit until this transaction ends. Without it pysqlite opens the transaction
  only at the first INSERT/UPDATE, after the decisive reads were made on an older snapshot.

Both release the lock at commit or rollback. Objects read before the lock may be stale: the
session is expired after locking (pending changes are flushed first, so nothing is lost), so the
next attribute access reads the row again under the lock. Call the lock before deciding anything.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select, text

from app.extensions import db


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _sqlite_write_lock() -> None:
    """Take SQLite's write lock for the rest of the transaction (``BEGIN IMMEDIATE``)."""
    db.session.flush()  # pending writes first: a flush may itself open the write transaction
    raw = db.session.connection().connection.dbapi_connection
    if not raw.in_transaction:  # a transaction that already wrote holds the lock already
        raw.execute("BEGIN IMMEDIATE")


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock`` (the same in every process)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_row(model, row_id: int) -> None:
    """Hold the write lock on one row of ``model`` until the transaction ends."""
    lock_rows(model, (row_id,))


def lock_rows(model, row_ids) -> None:
    """Hold the write lock on the rows of ``model`` with these ids until the transaction ends
    (a batch job that changes many rows, each of which a request may be editing). Ids are taken
    in ascending order, as every batch locker must, so two batches never wait on each other."""
    ids = sorted(set(row_ids))
    if _dialect() == "postgresql":
        db.session.flush()
        table = model.__table__
        for start in range(0, len(ids), 1000):
            db.session.execute(select(table.c.id).where(table.c.id.in_(ids[start:start + 1000]))
                               .order_by(table.c.id).with_for_update())
    elif ids:
        _sqlite_write_lock()
    db.session.expire_all()


def lock(obj):
    """Write-lock ``obj``'s row and return it re-read from the database."""
    lock_row(type(obj), obj.id)
    db.session.refresh(obj)
    return obj


def lock_name(name: str, expire: bool = True) -> None:
    """Serialize every transaction that takes the lock called ``name`` (not tied to one row).
    ``expire=False`` for callers that read nothing through objects loaded before the lock."""
    if _dialect() == "postgresql":
        db.session.flush()
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_key(name)})
    else:
        _sqlite_write_lock()
    if expire:
        db.session.expire_all()
