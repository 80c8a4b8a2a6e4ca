"""Two app servers (gunicorn processes, each with its own INSTANCE_DIR) on one database with
``STORAGE_BACKEND=database``: a session started on A works on B (the session key is the
database's, created once by whichever server started first) and ends on both when A signs out;
an attachment uploaded on A downloads byte-identical from B and is gone for A once B deletes it;
B signs with key material A created; the scheduled commands started on both at once do their
work once. PostgreSQL with TEST_DATABASE_URL, else one SQLite file shared by both processes."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app.auth.models import User
from app.cases import permissions as perm
from app.cases.models import Attachment, Case
from app.extensions import db
from app.notifications.models import OutboxEmail
from app.pki import store
from app.pki.models import SigningCertificate
from app.seed.demo import DEMO_PASSWORD, seed_demo
from app.storage.models import AppSecret
from app.supervision.models import SupervisionAlert
from tests.api.test_notifications_email import SmtpServer
from tests.backup.instances import on_postgresql
from tests.servers.servers import Server, csrf_token, flask, free_port

PASSPHRASE = "two-servers-pki-passphrase"
AUDIT_KEY = "two-servers-audit-key-0123456789abcdef"
SHARED = {"STORAGE_BACKEND": "database", "PKI_PASSPHRASE": PASSPHRASE, "AUDIT_KEY": AUDIT_KEY,
          "PKI_KDF_ROUNDS": 1000, "AUDIT_CHECKPOINTS": False}


@pytest.fixture
def deployment(instances):
    """The seeded database, and the environment of two servers on it (no SECRET_KEY: each must
    take the session key from the database)."""
    instance = instances.new("db", **SHARED)
    instance.migrate()
    with instance.app.app_context():
        store.create_root("测试根证书")
        db.session.commit()
        seed_demo()
        db.session.remove()
    checkpoints = instances.root / "checkpoints"  # on a volume both servers share
    envs = {}
    for name in ("a", "b"):
        directory = instances.root / f"server-{name}"
        directory.mkdir()
        env = instance.env() | {"INSTANCE_DIR": str(directory), "STORAGE_BACKEND": "database",
                                "PKI_PASSPHRASE": PASSPHRASE, "PKI_KDF_ROUNDS": "1000", "AUDIT_KEY": AUDIT_KEY,
                                "AUDIT_CHECKPOINT_DIR": str(checkpoints), "SMTP_TIMEOUT": "10",
                                "SEARCH_BACKEND": "postgresql" if on_postgresql() else "whoosh"}
        env.pop("SECRET_KEY", None)
        envs[name] = env
    return instance, envs


@pytest.fixture
def servers(deployment):
    _, envs = deployment
    running = [Server("A", envs["a"]), Server("B", envs["b"])]
    for server in running:
        server.start()
    try:
        for server in running:
            server.wait_ready()
        yield running
    finally:
        for server in running:
            server.stop()


def _case_for(app, username: str) -> int:
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        cases = db.session.execute(select(Case).where(Case.status != "closed").order_by(Case.id)).scalars()
        case_id = next(c.id for c in cases if perm.can_manage_attachments(user, c))
        db.session.remove()
        return case_id


def test_one_workflow_across_two_servers(deployment, servers):
    instance, envs = deployment
    a, b = servers
    app = instance.app
    case_id = _case_for(app, "nj_officer")
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(AppSecret)).scalar_one() == 1
        db.session.remove()

    browser = requests.Session()  # one browser behind a balancer: requests go to A or B
    token = csrf_token(browser.get(a.url + "/login").text)
    r = browser.post(a.url + "/login", data={"username": "nj_officer", "password": DEMO_PASSWORD, "csrf_token": token},
                     allow_redirects=False)
    assert r.status_code == 302, r.text[:500]

    r = browser.get(f"{b.url}/cases/{case_id}", allow_redirects=False)
    assert r.status_code == 200, "B does not accept the session started on A"
    token = csrf_token(r.text)  # made by B, accepted by A: one key

    content = b"%PDF-1.4\n%" + os.urandom(1_400_000) + b"\n%%EOF\n"  # more than one stored chunk
    r = browser.post(f"{a.url}/cases/{case_id}/attachments", data={"csrf_token": token, "description": "两台服务器"},
                     files={"file": ("两台服务器.pdf", content, "application/pdf")}, allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    with app.app_context():
        row = db.session.execute(select(Attachment).where(Attachment.case_id == case_id,
                                                          Attachment.description == "两台服务器")).scalar_one()
        attachment_id, sha = row.id, row.sha256
        db.session.remove()
    assert not list((Path(envs["a"]["INSTANCE_DIR"]) / "files").rglob(sha))  # nothing on A's disk

    r = browser.get(f"{b.url}/cases/{case_id}/attachments/{attachment_id}")
    assert r.status_code == 200 and r.content == content
    assert r.headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E4%B8%A4" in r.headers["Content-Disposition"]

    r = browser.post(f"{b.url}/cases/{case_id}/attachments/{attachment_id}/delete", data={"csrf_token": token},
                     allow_redirects=False)
    assert r.status_code == 302
    assert browser.get(f"{a.url}/cases/{case_id}/attachments/{attachment_id}").status_code == 404

    cookies = requests.utils.dict_from_cookiejar(browser.cookies)
    r = browser.post(a.url + "/logout", data={"csrf_token": token}, allow_redirects=False)
    assert r.status_code == 302
    replay = requests.get(f"{b.url}/cases/{case_id}", cookies=cookies, allow_redirects=False)
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]  # revoked on A → refused on B

    # B uses the signing keys A's side created (encrypted in the database, passphrase from the env)
    with app.app_context():
        office_id = db.session.execute(select(SigningCertificate.organization_id)).scalars().first()
        db.session.remove()
    done = flask(envs["b"], "pki", "rotate", "--office-id", str(office_id))
    out = done.communicate(timeout=180)[0]
    assert done.returncode == 0, out
    serial = re.search(r"新序列号 ([0-9a-f]+)", out).group(1)
    status = flask(envs["a"], "pki", "status")
    out = status.communicate(timeout=180)[0]
    assert status.returncode == 0 and serial[:16] in out

    verify = flask(envs["a"], "audit", "verify")
    out = verify.communicate(timeout=180)[0]
    assert verify.returncode == 0 and "hash chain intact" in out, out


def test_scheduled_commands_started_on_two_servers_at_once(deployment):
    instance, envs = deployment
    smtp = SmtpServer(free_port())
    smtp.start()
    try:
        for env in envs.values():
            env["SMTP_HOST"], env["SMTP_PORT"] = "127.0.0.1", str(smtp.port)
        with instance.app.app_context():
            pending = db.session.execute(select(func.count()).select_from(OutboxEmail)
                                         .where(OutboxEmail.status == "pending")).scalar_one()
            db.session.remove()
        assert pending > 50
        runs = [flask(env, "outbox", "deliver", "--once", "--limit", "1000") for env in envs.values()]
        outputs = [run.communicate(timeout=300)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        ids = [m["Message-ID"] for m in smtp.handler.messages]
        assert len(ids) == len(set(ids)) == pending  # each e-mail once, none lost
        with instance.app.app_context():
            statuses = dict(db.session.execute(select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)).all())
            db.session.remove()
        assert statuses == {"sent": pending}
    finally:
        smtp.stop()

    runs = [flask(env, "supervision", "run", "--today", "2026-12-31") for env in envs.values()]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    announced = sorted(int(re.search(r"新提醒 (\d+) 条", out).group(1)) for out in outputs)
    assert announced[0] == 0 and announced[1] > 0  # one run did the work, the other found it done
    with instance.app.app_context():
        rows = db.session.execute(select(SupervisionAlert.kind, SupervisionAlert.item_id, SupervisionAlert.threshold,
                                         SupervisionAlert.due_on)).all()
        db.session.remove()
    assert len(rows) == len(set(rows)) >= announced[1]
