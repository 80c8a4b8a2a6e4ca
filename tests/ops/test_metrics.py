"""GET /metrics: Prometheus text format, requests and latencies per URL rule, failed sign-ins, the
outbox gauge; for admins or from this host only; added up over processes in multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.notifications.models import OutboxEmail
from tests.conftest import PASSWORD
from tests.ops.conftest import samples, value

ROOT = Path(__file__).resolve().parents[2]
REMOTE = {"REMOTE_ADDR": "10.20.30.40"}


def test_counts_a_request_by_its_rule_not_its_path(client, scrape):
    before = scrape()
    for code in ("AAAA-BBBB", "CCCC-DDDD"):
        assert client.get(f"/verify/{code}").status_code == 404
    after = scrape()
    labels = {"method": "GET", "route": "/verify/<code>", "status": "4xx"}
    assert value(after, "xf_http_requests_total", **labels) - value(before, "xf_http_requests_total", **labels) == 2
    hist = {"method": "GET", "route": "/verify/<code>"}
    assert (value(after, "xf_http_request_duration_seconds_count", **hist)
            - value(before, "xf_http_request_duration_seconds_count", **hist)) == 2
    assert value(after, "xf_http_request_duration_seconds_bucket", le="+Inf", **hist) >= 2
    assert "AAAA-BBBB" not in after and "CCCC-DDDD" not in after  # bounded labels: no raw paths


def test_unknown_paths_share_one_label(client, scrape):
    before = scrape()
    client.get("/no/such/page/1")
    client.get("/no/such/page/2")
    after = scrape()
    labels = {"method": "GET", "route": "<unmatched>", "status": "4xx"}
    assert value(after, "xf_http_requests_total", **labels) - value(before, "xf_http_requests_total", **labels) == 2
    assert "/no/such/page" not in after


def test_content_type_is_prometheus_text(client):
    resp = client.get("/metrics")
    assert resp.status_code == 200
    assert resp.content_type.startswith("text/plain; version=")
    assert "# TYPE xf_http_requests_total counter" in resp.get_data(as_text=True)


def test_failed_sign_ins_are_counted(app, client, world, scrape, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    before = scrape()
    for _ in range(2):
        assert client.post("/login", data={"username": "officer_nj", "password": "wrong-password"}).status_code == 401
    assert client.post("/login", data={"username": "officer_nj", "password": "wrong-password"}).status_code == 429
    assert client.post("/login", data={"username": "agency_nj", "password": PASSWORD}).status_code == 302
    after = scrape()

    def delta(reason):
        return (value(after, "xf_sign_in_failures_total", reason=reason)
                - value(before, "xf_sign_in_failures_total", reason=reason))

    assert delta("invalid_credentials") == 2
    assert delta("throttled") == 1


def test_outbox_gauge_by_state(db, scrape):
    rows = [("pending", 3), ("sending", 1), ("failed", 2), ("sent", 4)]
    n = 0
    for status, count in rows:
        for _ in range(count):
            n += 1
            db.session.add(OutboxEmail(message_id=f"<m{n}@test>", to_address="a@example.cn", subject="s", body="b",
                                       status=status))
    db.session.commit()
    text = scrape()
    assert {s: value(text, "xf_outbox_messages", state=s) for s in ("pending", "sending", "failed")} == {
        "pending": 3, "sending": 1, "failed": 2}


@pytest.mark.parametrize("who", ["anonymous", "officer", "agency"])
def test_remote_non_admins_are_refused(client, world, login, who, api):
    if who != "anonymous":
        login(world.officer_nj if who == "officer" else world.agency_user)
    resp = client.get("/metrics", environ_base=REMOTE)
    assert resp.status_code == 403
    assert "xf_http_requests" not in resp.get_data(as_text=True)


def test_remote_admin_signed_in_or_with_a_token(client, world, login, api):
    headers = api(world.admin)
    assert client.get("/metrics", environ_base=REMOTE, headers=headers).status_code == 200
    officer = api(world.officer_nj)
    assert client.get("/metrics", environ_base=REMOTE, headers=officer).status_code == 403
    login(world.admin)
    assert client.get("/metrics", environ_base=REMOTE).status_code == 200


def test_a_proxied_request_is_not_local(client):
    """nginx connects from 127.0.0.1: what it relays is the outside world's request."""
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


SCRIPT = textwrap.dedent("""
    import sys, tempfile
    from app import create_app
    from flask_migrate import upgrade
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "INSTANCE_DIR": tempfile.mkdtemp()})
    with app.app_context():
        upgrade()
    client = app.test_client()
    for _ in range(int(sys.argv[2])):
        assert client.get("/healthz").status_code == 200
    if sys.argv[3] == "scrape":
        sys.stdout.write(client.get("/metrics").get_data(as_text=True))
""")


def test_multiprocess_mode_adds_up_the_workers(tmp_path):
    """Two processes (as two gunicorn workers) with PROMETHEUS_MULTIPROC_DIR: the second one's
    /metrics counts the first one's requests too."""
    directory = tmp_path / "prom"
    directory.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(ROOT)}
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    subprocess.run([sys.executable, "-c", SCRIPT, url, "3", "-"], env=env, cwd=ROOT, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", SCRIPT, url, "2", "scrape"], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    assert value(out, "xf_http_requests_total", method="GET", route="/healthz", status="2xx") == 5
    assert any(name == "xf_outbox_messages" for name, _ in samples(out))
    assert list(directory.glob("*.db"))  # the workers' value files


def test_a_missing_multiprocess_directory_breaks_no_page(client, monkeypatch, tmp_path):
    """The scrape says so (503); the app's pages still answer."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "gone"))
    resp = client.get("/metrics")
    assert resp.status_code == 503
    assert "运行指标暂不可用" in resp.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200
