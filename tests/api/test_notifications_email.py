"""E-mail through the outbox to a real local SMTP server (aiosmtpd), and the notification API.

With the server stopped, scheduling a meeting leaves its e-mails pending; each delivery run
records the failure and backs off. Started again, the worker delivers every e-mail exactly
once — also with two workers running at the same time — and the .ics arrives intact.
"""

from __future__ import annotations

import email
import socket
import threading
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from app.extensions import db
from app.notifications import outbox
from app.notifications.models import Notification, OutboxEmail
from app.notifications.services import notify
from app.db_types import utcnow
from tests.api.meeting_fixtures import drawn_consultation, make_case, make_pool, meeting_body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """An aiosmtpd handler keeping every message it accepts; refuses addresses in ``reject``."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.reject: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer(free_port())
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)
    yield server
    server.stop()


@pytest.fixture
def scheduled(client, api, world, factory, freeze_clock):
    """A meeting scheduled on 2026-10-12; returns its JSON."""
    freeze_clock()
    world.officer_nj.email, world.agency_user.email = "officer@xinfang.example.cn", "agency@zfj.example.cn"
    db.session.commit()
    make_pool(factory)
    c = drawn_consultation(client, api, world, make_case(world))
    resp = client.post(f"/api/v1/consultations/{c['id']}/meetings", json=meeting_body(), headers=api(world.officer_nj))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


@pytest.fixture
def t0():
    """A moment just after the rows were written (they are due at their creation time)."""
    return utcnow() + timedelta(seconds=5)


def _rows() -> list[OutboxEmail]:
    db.session.expire_all()
    return db.session.query(OutboxEmail).order_by(OutboxEmail.id).all()


def test_outage_then_delivery_exactly_once(app, smtp, scheduled, t0):
    rows = _rows()
    invites = [r for r in rows if r.attachments]
    assert len(invites) == 5 and all(r.status == "pending" for r in rows)

    # 1. server down: every due row is tried once, fails and backs off by OUTBOX_BACKOFF_SECONDS
    report = outbox.deliver_due(t0)
    assert report.sent == 0 and report.retrying == len(rows)
    for r in _rows():
        assert r.status == "pending" and r.attempts == 1 and "无法连接" in r.last_error
        assert r.next_attempt_at == t0 + timedelta(seconds=60)
    # nothing is due before the backoff has passed
    assert outbox.deliver_due(t0 + timedelta(seconds=30)).attempted == 0
    # the second failure waits twice as long
    outbox.deliver_due(t0 + timedelta(seconds=60))
    assert {(r.attempts, r.next_attempt_at) for r in _rows()} == {(2, t0 + timedelta(seconds=180))}

    # 2. server up: delivered once; running the worker again sends nothing more
    smtp.start()
    later = t0 + timedelta(hours=1)
    assert outbox.deliver_due(later).sent == len(rows)
    assert outbox.deliver_due(later).attempted == 0
    assert outbox.deliver_due(later + timedelta(days=1)).attempted == 0
    received = smtp.handler.messages
    assert len(received) == len(rows)
    assert sorted(m["Message-ID"] for m in received) == sorted(r.message_id for r in rows)
    assert all(r.status == "sent" and r.sent_at is not None and r.attempts == 3 for r in _rows())

    # 3. what arrived: a Chinese subject and body, the .ics as text/calendar; method=REQUEST
    by_id = {m["Message-ID"]: m for m in received}
    for row in invites:
        msg = by_id[row.message_id]
        assert msg["Subject"] == row.subject and "会商会议通知" in msg["Subject"]
        assert msg["To"] == row.to_address
        assert "会商会议已安排" in msg.get_body(("plain",)).get_content()
        [att] = list(msg.iter_attachments())
        assert att.get_filename() == "invite.ics"
        assert att.get_content_type() == "text/calendar" and att.get_param("method") == "REQUEST"
        cal = Calendar.from_ical(att.get_payload(decode=True))
        ev = cal.walk("VEVENT")[0]
        assert str(cal["METHOD"]) == "REQUEST" and str(ev["UID"]) == scheduled["uid"] and int(ev["SEQUENCE"]) == 0


def test_two_workers_deliver_each_message_once(app, smtp, scheduled, t0):
    smtp.start()
    rows = _rows()
    reports = []
    errors = []

    def work():
        try:
            with app.app_context():
                reports.append(outbox.deliver_due(t0 + timedelta(minutes=1)))
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(r.sent for r in reports) == len(rows)
    ids = [m["Message-ID"] for m in smtp.handler.messages]
    assert len(ids) == len(set(ids)) == len(rows)


def test_permanent_refusal_and_attempt_limit(app, smtp, monkeypatch, world, factory, t0):
    smtp.start()
    smtp.handler.reject.add("gone@example.cn")
    bad = factory.user("agency", world.agency, email="gone@example.cn")
    world.officer_nj.email = "officer@xinfang.example.cn"
    notify([world.officer_nj], "test", "测试通知", "正文")
    notify([bad], "test", "退信测试", "正文", email=True)
    db.session.commit()
    report = outbox.deliver_due(t0)
    assert (report.sent, report.failed) == (1, 1)
    failed = db.session.query(OutboxEmail).filter_by(to_address="gone@example.cn").one()
    assert failed.status == "failed" and failed.attempts == 1 and "550" in failed.last_error
    # a transient outage ends in "failed" after OUTBOX_MAX_ATTEMPTS tries; retry queues it again
    smtp.stop()
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    notify([factory.user("agency", world.agency, email="later@example.cn")], "test", "重试测试", "正文")
    db.session.commit()
    outbox.deliver_due(t0)
    outbox.deliver_due(t0 + timedelta(minutes=5))
    row = db.session.query(OutboxEmail).filter_by(to_address="later@example.cn").one()
    db.session.refresh(row)
    assert row.status == "failed" and row.attempts == 2
    assert outbox.retry_failed([row.id]) == 1
    smtp.start()
    assert outbox.deliver_due().sent == 1
    assert [m["To"] for m in smtp.handler.messages][-1] == "later@example.cn"


def test_stale_claim_is_recovered(app, smtp, world, factory, t0):
    """A row left 'sending' by a worker that died is delivered once its lease has run out."""
    smtp.start()
    notify([factory.user("agency", world.agency, email="lease@example.cn")], "test", "租约测试", "正文")
    db.session.commit()
    row = db.session.query(OutboxEmail).one()
    row.status, row.next_attempt_at = "sending", t0 + outbox.LEASE
    db.session.commit()
    assert outbox.deliver_due(t0).attempted == 0
    report = outbox.deliver_due(t0 + outbox.LEASE)
    assert report.recovered == 1 and report.sent == 1


def test_backoff_is_capped():
    s = outbox.SmtpSettings(backoff_seconds=60, backoff_max_seconds=3600)
    assert [outbox.backoff(s, n).total_seconds() for n in (1, 2, 3, 7, 20)] == [60, 120, 240, 3600, 3600]


def test_cli_deliver_once_and_status(app, smtp, runner, scheduled):
    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0 and "待发送" in result.output
    smtp.start()
    result = runner.invoke(args=["outbox", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "已发送" in result.output
    assert len(smtp.handler.messages) == len(_rows())
    result = runner.invoke(args=["outbox", "status"])
    assert f"已发送：{len(_rows())}" in result.output


# ------------------------------------------------------------------- notifications API

def test_notifications_api(client, api, world, scheduled, factory):
    headers = api(world.agency_user)
    body = client.get("/api/v1/notifications", headers=headers).get_json()
    assert body["total"] >= 1 and body["unread"] == body["total"]
    first = body["items"][0]
    assert first["read"] is False and "会商会议" in first["title"] and first["link"].startswith("/consultations/")
    r = client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers)
    assert r.status_code == 200 and r.get_json()["read"] is True
    body = client.get("/api/v1/notifications", headers=headers).get_json()
    assert body["unread"] == body["total"] - 1
    assert body["items"][-1]["id"] == first["id"]  # unread first
    assert client.get("/api/v1/notifications?unread=true", headers=headers).get_json()["total"] == body["unread"]
    assert client.get("/api/v1/notifications?unread=maybe", headers=headers).status_code == 422
    # somebody else's notification is not there
    other = api(world.officer_hz)
    assert client.post(f"/api/v1/notifications/{first['id']}/read", headers=other).status_code == 404
    assert client.get("/api/v1/notifications", headers=other).get_json()["total"] == 0
    r = client.post("/api/v1/notifications/read-all", headers=headers)
    assert r.status_code == 200 and r.get_json()["unread"] == 0
    assert db.session.query(Notification).filter_by(user_id=world.agency_user.id, read_at=None).count() == 0
    assert client.get("/api/v1/notifications").status_code == 401
