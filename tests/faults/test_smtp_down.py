"""The SMTP server down: requests that notify go on (the mail waits in the outbox, written in the
event's transaction); the real worker command (`flask outbox deliver`) retries with backoff and
delivers every message exactly once when a local SMTP server (aiosmtpd) comes back."""

from __future__ import annotations

import email
import threading
import time
from email import policy

from aiosmtpd.controller import Controller
from sqlalchemy import text

from tests.faults.conftest import Api, new_case


class Collector:
    def __init__(self):
        self.messages, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _outbox(served) -> dict[int, tuple]:
    with served.engine().connect() as conn:
        rows = conn.execute(text("SELECT id, status, attempts, message_id, last_error FROM email_outbox")).all()
    return {r.id: (r.status, r.attempts, r.message_id, r.last_error) for r in rows}


def test_smtp_outage_keeps_retries_and_delivers_once(served):
    officer, agency = Api(served.base_url, "nj_officer"), Api(served.base_url, "nj_agency")
    case = new_case(agency, "邮件故障演练信访事项")
    # a consultation request notifies the office: the request succeeds with the mail server down
    agency.call("POST", f"/api/v1/cases/{case['id']}/consultations", 201, json={
        "questions": "征收补偿标准是否合法？", "required_specialties": ["administrative_law"], "panel_size": 3})
    waiting = {i for i, row in _outbox(served).items() if row[0] == "pending"}
    assert waiting, "the event wrote no e-mail to the outbox"

    served.flask("outbox", "deliver")
    rows = _outbox(served)
    for i in waiting:
        status, attempts, _, error = rows[i]
        assert status == "pending" and attempts >= 1 and error, rows[i]  # kept, to be retried later
    officer.call("GET", "/api/v1/cases?per_page=5", 200)  # the app is unaffected

    collector = Collector()
    smtp = Controller(collector, hostname="127.0.0.1", port=served.smtp_port)
    smtp.start()
    try:
        deadline = time.monotonic() + 60
        while any(_outbox(served)[i][0] != "sent" for i in waiting):
            assert time.monotonic() < deadline, _outbox(served)
            time.sleep(1)  # the backoff (1 s, doubling, at most 4 s) must pass first
            served.flask("outbox", "deliver")
        served.flask("outbox", "deliver")  # once more: nothing is sent twice
    finally:
        smtp.stop()
    rows = _outbox(served)
    ids = [m["Message-ID"] for m in collector.messages]
    assert len(ids) == len(set(ids)), "a message was sent twice"
    assert {rows[i][2] for i in waiting} <= set(ids)
    sent = {row[2] for row in rows.values() if row[0] == "sent"}
    assert set(ids) <= sent
    status = served.flask("outbox", "status")
    assert status.returncode == 0
