"""deploy/: what can be checked without nginx or systemd running — the files agree with the app
and with each other (upload limit, proxy headers and PROXY_FIX_X_FOR, upstream address, static
directory, commands the units run, timers and their services)."""

from __future__ import annotations

import configparser
import re
import runpy
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.config import BASE_DIR, Config

DEPLOY = BASE_DIR / "deploy"
NGINX = (DEPLOY / "nginx" / "xinfang.conf").read_text(encoding="utf-8")
CHECKOUT = "/srv/xinfang"  # where the units and the site expect the repository


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "xinfang.env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def nginx_directive(name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", NGINX, flags=re.M)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_nginx_body_limit_is_the_apps_upload_limit():
    (size,) = nginx_directive("client_max_body_size")
    assert size.endswith("m")
    nginx_mb = int(size[:-1])
    assert nginx_mb == Config.MAX_CONTENT_LENGTH // (1024 * 1024)  # MAX_UPLOAD_MB as configured here
    env = env_example()
    assert nginx_mb == int(env["MAX_UPLOAD_MB"])
    assert int(env["ATTACHMENT_MAX_MB"]) <= nginx_mb  # an attachment at its limit passes nginx


def test_proxy_headers_match_proxy_fix():
    headers = dict(re.findall(r"^\s*proxy_set_header\s+(\S+)\s+(.+?);", NGINX, flags=re.M))
    assert headers["X-Forwarded-For"] == "$remote_addr"  # one proxy, client values overwritten
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["X-Request-ID"] == "$request_id"
    assert headers["Host"] == "$host"
    proxies = int(env_example()["PROXY_FIX_X_FOR"])
    assert proxies == 1  # exactly this nginx in front
    app = create_app("testing", {"PROXY_FIX_X_FOR": proxies})
    assert isinstance(app.wsgi_app, ProxyFix) and (app.wsgi_app.x_for, app.wsgi_app.x_proto) == (1, 1)


def test_proxied_requests_carry_the_client_address_and_request_id(tmp_path):
    """What nginx sends, as the app sees it with PROXY_FIX_X_FOR=1."""
    app = create_app("testing", {"PROXY_FIX_X_FOR": 1, "INSTANCE_DIR": str(tmp_path),
                                 "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    seen = {}

    @app.before_request
    def look():
        from flask import request

        seen["remote"], seen["scheme"] = request.remote_addr, request.scheme

    resp = app.test_client().get("/no-such-page", headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Request-ID": "0123456789abcdef0123456789abcdef"})
    assert resp.status_code == 404
    assert seen == {"remote": "203.0.113.7", "scheme": "https"}
    assert resp.headers["X-Request-ID"] == "0123456789abcdef0123456789abcdef"  # nginx's $request_id is kept


def test_nginx_upstream_is_gunicorns_bind():
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    (server,) = re.findall(r"^\s*server\s+(\S+?)\s*;", NGINX, flags=re.M)
    assert server == settings["bind"]
    assert settings["accesslog"] is None and settings["preload_app"] is False
    (read_timeout,) = nginx_directive("proxy_read_timeout")
    assert int(read_timeout.rstrip("s")) > settings["timeout"]  # gunicorn gives up first, with a clean answer
    assert callable(settings["child_exit"])


def test_nginx_serves_tls_and_redirects_http():
    assert re.search(r"^\s*listen 443 ssl", NGINX, flags=re.M)
    assert nginx_directive("ssl_certificate") and nginx_directive("ssl_certificate_key")
    assert "return 301 https://$host$request_uri" in NGINX
    assert set(nginx_directive("ssl_protocols")[0].split()) == {"TLSv1.2", "TLSv1.3"}


def test_nginx_static_alias_is_the_apps_static_folder():
    (alias,) = nginx_directive("alias")
    assert alias.startswith(CHECKOUT + "/")
    local = BASE_DIR / alias.removeprefix(CHECKOUT + "/")
    app = create_app("testing")
    assert local.resolve() == Path(app.static_folder).resolve()
    assert any(local.iterdir())


SERVICES = ["xinfang.service", "xinfang-outbox.service", "xinfang-supervision.service", "xinfang-audit-verify.service"]


@pytest.mark.parametrize("name", SERVICES)
def test_units_run_from_the_checkout_with_the_environment_file(name):
    service = unit(name)["Service"]
    assert service["WorkingDirectory"] == CHECKOUT
    assert service["EnvironmentFile"] == "/etc/xinfang/xinfang.env"
    assert service["User"] == "xinfang"
    command = shlex.split(service["ExecStart"])
    assert command[0].startswith(CHECKOUT + "/.venv/bin/")
    assert "/var/lib/xinfang" in service["ReadWritePaths"]
    assert env_example()["INSTANCE_DIR"] == "/var/lib/xinfang"


@pytest.mark.parametrize("name", [s for s in SERVICES if s != "xinfang.service"])
def test_worker_units_run_real_commands(name, runner):
    """Each worker's `flask --app app …` command exists with those options (asked for --help)."""
    command = shlex.split(unit(name)["Service"]["ExecStart"])
    assert command[1:3] == ["--app", "app"]
    args = command[3:]
    result = runner.invoke(args=[*args, "--help"])
    assert result.exit_code == 0, result.output
    assert unit(name)["Service"]["Type"] == "oneshot"  # a timer never starts a second run while one is going


@pytest.mark.parametrize("timer", ["xinfang-outbox.timer", "xinfang-supervision.timer", "xinfang-audit-verify.timer"])
def test_each_timer_starts_its_service(timer):
    section = unit(timer)["Timer"]
    service = section["Unit"]
    assert service == timer.replace(".timer", ".service")
    assert (DEPLOY / "systemd" / service).exists()
    assert unit(timer)["Install"]["WantedBy"] == "timers.target"
    calendar = section.get("OnCalendar")
    if calendar and shutil.which("systemd-analyze"):
        check = subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_gunicorn_unit_sets_up_multiprocess_metrics():
    service = unit("xinfang.service")["Service"]
    assert service["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/xinfang/metrics"
    assert service["RuntimeDirectory"] == "xinfang"  # emptied by systemd at every start
    assert "/run/xinfang/metrics" in service["ExecStartPre"]
    command = shlex.split(service["ExecStart"])
    assert command[1:3] == ["--config", CHECKOUT + "/deploy/gunicorn.conf.py"]
    assert command[3] == "app:create_app()"
    assert "PROMETHEUS_MULTIPROC_DIR" not in env_example()  # only the web workers share that directory


def postgresql_settings() -> dict[str, str]:
    found = {}
    for line in (DEPLOY / "postgresql" / "xinfang.conf").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition("=")
            found[name.strip()] = value.strip()
    return found


def test_postgresql_settings_are_real_settings_with_valid_values(app):
    """deploy/postgresql/xinfang.conf names settings this PostgreSQL knows, with values it accepts
    (checked against the server when the tests run on PostgreSQL)."""
    from sqlalchemy import text

    from app.extensions import db

    settings = postgresql_settings()
    assert {"shared_buffers", "effective_cache_size", "autovacuum"} <= set(settings)
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL=postgresql://…")
    kinds = dict(db.session.execute(text("SELECT name, vartype FROM pg_settings WHERE name = ANY(:n)"),
                                    {"n": list(settings)}).all())
    assert set(kinds) == set(settings)
    for name, value in settings.items():
        if kinds[name] == "integer":   # sizes: what pg_size_bytes reads
            assert db.session.execute(text("SELECT pg_size_bytes(:v) > 0"), {"v": value}).scalar()
        elif kinds[name] == "bool":
            assert value in ("on", "off", "true", "false")
