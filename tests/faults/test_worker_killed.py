"""A gunicorn worker killed (SIGKILL) in the middle of issuing an opinion: the client gets an
error, the master starts new workers, the transaction is rolled back — the opinion is still a
draft and the document number it had taken is not consumed (numbers stay 1..n without a gap) —
and issuing it again succeeds with the next number.

To kill it at a known point the request is held where it waits for a lock: on PostgreSQL the
audit chain's advisory lock, taken after the number (the counter row is then locked by the
request's transaction, which the test checks); on SQLite the database's write lock."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time

import psycopg
import requests
from sqlalchemy import text

from app.locking import _advisory_key
from tests.faults.conftest import audit_verifies, db_kind, ready_opinion

from load import number_gaps  # bench/, put on the path by conftest


def _opinion(served, opinion_id: int):
    with served.engine().connect() as conn:
        return conn.execute(text("SELECT o.status, o.number, c.office_id FROM opinions o "
                                 "JOIN consultations c ON c.id = o.consultation_id WHERE o.id = :id"),
                            {"id": opinion_id}).one()


def _counter(served, office_id: int) -> int:
    with served.engine().connect() as conn:
        value = conn.execute(text("SELECT value FROM sequences WHERE name LIKE :name"),
                             {"name": f"opinion:{office_id}:%"}).scalar()
    return value or 0


def _wait(predicate, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_worker_killed_while_issuing(served):
    opinion_id, officer = ready_opinion(served)
    office_id = _opinion(served, opinion_id).office_id
    before = _counter(served, office_id)
    outcome: list = []

    def issue():
        try:
            outcome.append(officer.call("POST", f"/api/v1/opinions/{opinion_id}/issue", timeout=120))
        except requests.RequestException as exc:
            outcome.append(exc)

    if db_kind() == "postgresql":
        holder = psycopg.connect(served.url, autocommit=True)
        holder.execute("SELECT pg_advisory_lock(%s)", (_advisory_key("audit_chain"),))
    else:
        holder = sqlite3.connect(served.url.removeprefix("sqlite:///"), isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
    request = threading.Thread(target=issue)
    try:
        request.start()
        if db_kind() == "postgresql":
            waiting: list[int] = []

            def blocked() -> bool:
                waiting[:] = [r[0] for r in holder.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event = 'advisory'",
                    (served.dbname,)).fetchall()]
                return bool(waiting)

            _wait(blocked, "the issue request never reached the audit lock")
            # it holds the counter row: the number was taken inside the transaction
            taken = holder.execute("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                                   "WHERE c.relname = 'sequences' AND l.pid = %s", (waiting[0],)).fetchone()[0]
            assert taken >= 1
        else:
            time.sleep(1.5)  # the request now waits for the write lock (busy timeout 10 s)
        killed = served.worker_pids()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        request.join(60)
    finally:
        if db_kind() == "postgresql":
            holder.execute("SELECT pg_advisory_unlock_all()")
        else:
            holder.execute("ROLLBACK")
        holder.close()

    [answer] = outcome
    assert isinstance(answer, requests.RequestException) or answer.status_code >= 500, answer
    # the master replaced the workers and the app answers again
    _wait(lambda: served.worker_pids() and not set(served.worker_pids()) & set(killed), "no new workers")
    _wait(lambda: _ok(served.base_url + "/login"), "the app did not come back")
    if db_kind() == "postgresql":  # the orphaned backend finds its client gone and rolls back
        _wait(lambda: not _backends_waiting(served), "the killed request's transaction is still open")

    row = _opinion(served, opinion_id)
    assert row.status == "draft" and row.number is None
    assert _counter(served, office_id) == before

    issued = officer.call("POST", f"/api/v1/opinions/{opinion_id}/issue", 200).json()
    assert issued["number"].endswith(f"{before + 1}号")
    assert _counter(served, office_id) == before + 1
    problems, _ = number_gaps(served)
    assert problems == []
    audit_verifies(served)


def _ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _backends_waiting(served) -> bool:
    with psycopg.connect(served.url, autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
                                 "AND (wait_event = 'advisory' OR state = 'idle in transaction')",
                                 (served.dbname,)).fetchall())
