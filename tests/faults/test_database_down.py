"""The database goes away mid-load. PostgreSQL: the instance's own database refuses new
connections and every backend serving it is terminated (what a restart does to the app); SQLite:
another process holds the write lock longer than the busy timeout. Meanwhile requests fail with
503 ``database_unavailable`` (Chinese message, JSON error in the API), never a 500; afterwards the
app serves again by itself (the pool's pre-ping), and every case confirmed with a 201 is there."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import requests

from tests.faults.conftest import Api, audit_verifies, case_body, db_kind, ui_session

from loadkit import pg_execute  # bench/, put on the path by conftest


def _writer(agency: Api, stop: threading.Event, confirmed: list, answers: list) -> None:
    """Keeps registering cases, as an agency clerk would, noting what the server confirmed."""
    while not stop.is_set():
        try:
            resp = agency.call("POST", "/api/v1/cases", json=case_body(agency, "断库压测信访事项"), timeout=60)
        except requests.RequestException as exc:
            answers.append((0, repr(exc)))
            continue
        if resp.status_code == 201:
            confirmed.append(resp.json()["id"])
        answers.append((resp.status_code, resp.text[:300]))
        time.sleep(0.05)


def _assert_unavailable(resp: requests.Response) -> None:
    assert resp.status_code == 503, (resp.status_code, resp.text[:500])
    err = resp.json()["error"]
    assert err["code"] == "database_unavailable" and "数据库暂时不可用" in err["message"]


def test_database_outage_mid_load(served):
    officer, agency = Api(served.base_url, "nj_officer"), Api(served.base_url, "nj_agency")
    page = ui_session(served.base_url, "nj_officer")
    stop, confirmed, answers = threading.Event(), [], []
    writer = threading.Thread(target=_writer, args=(agency, stop, confirmed, answers))
    writer.start()
    try:
        time.sleep(1.5)
        if db_kind() == "postgresql":
            _postgres_outage(served, officer, agency, page)
        else:
            _sqlite_lock_outage(served, officer, agency, page)
        # back by itself: no restart of the app, the next requests succeed
        deadline = time.monotonic() + 30
        while officer.call("GET", "/api/v1/cases?per_page=5").status_code != 200:
            assert time.monotonic() < deadline, "the app did not recover"
            time.sleep(0.5)
        after = len(confirmed)
        time.sleep(1.5)
    finally:
        stop.set()
        writer.join(90)
    assert len(confirmed) > after, "writes did not resume after the outage"
    assert page.get(f"{served.base_url}/cases", timeout=30).status_code == 200
    statuses = {status for status, _ in answers}
    # on failure the server's log without its access lines: the traceback of whatever left Flask
    # (it was the access line reading the signed-in user's expired attributes: app.ops.logs.user_id)
    if not statuses <= {201, 503}:
        log = [line for line in served.log_tail(1_000_000).splitlines() if '"app.access"' not in line]
        pytest.fail(f"{[a for a in answers if a[0] not in (201, 503)][:3]}\n" + "\n".join(log[-120:]), pytrace=False)
    for status, body in answers:
        if status == 503:
            assert '"database_unavailable"' in body
    # nothing confirmed is lost
    for case_id in confirmed:
        officer.call("GET", f"/api/v1/cases/{case_id}", 200)
    audit_verifies(served)


def _postgres_outage(served, officer: Api, agency: Api, page: requests.Session) -> None:
    name = served.dbname
    pg_execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false', served.pg_admin)
    try:
        pg_execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                   "AND pid <> pg_backend_pid()", served.pg_admin)
        _assert_unavailable(officer.call("GET", "/api/v1/cases?per_page=5"))
        _assert_unavailable(agency.call("POST", "/api/v1/cases", json=case_body(agency)))
        ui = page.get(f"{served.base_url}/cases", timeout=30)
        assert ui.status_code == 503 and "数据库暂时不可用" in ui.text and "Traceback" not in ui.text
        time.sleep(2)  # the writer keeps trying through the outage
    finally:
        pg_execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true', served.pg_admin)


def _sqlite_lock_outage(served, officer: Api, agency: Api, page: requests.Session) -> None:
    case_id = officer.call("GET", "/api/v1/cases?per_page=1", 200).json()["items"][0]["id"]
    path = served.url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")  # another process takes the write lock and keeps it
    try:
        _assert_unavailable(agency.call("POST", "/api/v1/cases", json=case_body(agency)))
        # WAL: what only reads goes on (the case list does not: a staff view of personal data is audited)
        assert officer.call("GET", "/api/v1/experts?per_page=5").status_code == 200
        # a staff member's case page records the full view of personal data: it must wait, then say so
        ui = page.get(f"{served.base_url}/cases/{case_id}", timeout=60)
        assert ui.status_code == 503 and "数据库暂时不可用" in ui.text and "Traceback" not in ui.text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
