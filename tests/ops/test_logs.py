"""The request id (header, error pages, log lines) and the JSON log: one object per line."""

from __future__ import annotations

import json
import logging
import os
import re

import pytest
from werkzeug.exceptions import ServiceUnavailable

from app.ops import logs
from app.ops.request_id import accept

FIELDS = {"time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms"}


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize(("given", "kept"), [
    ("abc-123", True), ("0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c", True), ("req:2026.12.05_1", True),
    ("", False), ("<script>alert(1)</script>", False), ("a" * 65, False), ("两个字", False), ("ab cd", False),
    ("-leading-dash", False), ("line\nbreak", False),
])
def test_a_sane_request_id_is_kept_anything_else_replaced(given, kept):
    result = accept(given)
    assert (result == given) is kept
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", result)


def test_request_id_in_the_response_header(client):
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-0042"})
    assert given.headers["X-Request-ID"] == "nginx-0042"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id <x>"})
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert client.get("/healthz").headers["X-Request-ID"] != made.headers["X-Request-ID"]


def test_request_id_on_the_404_page(client):
    resp = client.get("/no-such-page", headers={"X-Request-ID": "quote-me-404"})
    assert resp.status_code == 404
    page = resp.get_data(as_text=True)
    assert "请求编号" in page and "quote-me-404" in page


def test_request_id_on_the_500_page_and_in_the_error_log(app, client, monkeypatch, json_log):
    def boom():
        raise RuntimeError("kaputt")

    monkeypatch.setitem(app.view_functions, "verify.upload", boom)
    resp = client.get("/verify", headers={"X-Request-ID": "quote-me-500"})
    assert resp.status_code == 500
    assert "quote-me-500" in resp.get_data(as_text=True) and "系统错误" in resp.get_data(as_text=True)
    errors = [e for e in lines(json_log) if e["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "quote-me-500" and errors[0]["path"] == "/verify"
    assert "RuntimeError: kaputt" in errors[0]["exception"]


def test_request_id_on_the_503_page(app, client, monkeypatch):
    def down():
        raise ServiceUnavailable()

    monkeypatch.setitem(app.view_functions, "verify.upload", down)
    resp = client.get("/verify", headers={"X-Request-ID": "quote-me-503"})
    assert resp.status_code == 503
    page = resp.get_data(as_text=True)
    assert "服务暂不可用" in page and "quote-me-503" in page


def test_json_access_lines_parse_and_carry_the_request(client, world, login, json_log):
    login(world.officer_nj)
    resp = client.get("/cases?q=刘德明", headers={"X-Request-ID": "trace-7"})
    assert resp.status_code == 200
    entries = lines(json_log)  # every line is one JSON object
    access = [e for e in entries if e["logger"] == logs.ACCESS_LOGGER and e.get("request_id") == "trace-7"]
    assert len(access) == 1
    line = access[0]
    assert set(line) >= FIELDS
    assert (line["level"], line["method"], line["path"], line["status"]) == ("INFO", "GET", "/cases", 200)
    assert line["user_id"] == world.officer_nj.id
    assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert "刘德明" not in json_log.getvalue()  # the query string (search terms, names) is never logged


def test_anonymous_requests_have_no_user_id(client, json_log):
    client.get("/healthz", headers={"X-Request-ID": "anon-1"})
    (line,) = [e for e in lines(json_log) if e.get("request_id") == "anon-1"]
    assert "user_id" not in line and line["status"] == 200


def test_the_access_line_names_the_user_without_a_query(app, world, json_log):
    """The access line is written after the response: reading the user's expired attributes there
    is a query, which during a database outage raised and became a 500 (seen in the outage fault
    test). The id comes from the object's identity instead."""
    from flask import g
    from sqlalchemy import event

    from app.extensions import db

    statements = []

    def count(*args):
        statements.append(args[2])

    with app.test_request_context("/cases", headers={"X-Request-ID": "expired-1"}):
        user = db.session.get(type(world.officer_nj), world.officer_nj.id)
        g._login_user = user
        db.session.expire(user)  # as after the request's commit
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            logs.access(200, 1.0)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []
    (line,) = [e for e in lines(json_log) if e.get("request_id") == "expired-1"]
    assert line["user_id"] == world.officer_nj.id


def test_records_outside_a_request_have_no_request_fields(app, json_log):
    logging.getLogger("app.notifications.outbox").warning("SMTP 服务器无法连接")
    (line,) = lines(json_log)
    assert line["message"] == "SMTP 服务器无法连接" and line["logger"] == "app.notifications.outbox"
    assert not set(line) & {"request_id", "method", "path", "status", "user_id"}


def test_log_format_default_follows_the_server(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOG_FORMAT", None)
    import sys

    monkeypatch.delitem(sys.modules, "gunicorn", raising=False)
    assert logs.log_format(app) == "text"
    monkeypatch.setitem(sys.modules, "gunicorn", sys)  # any module object: "gunicorn is running this"
    assert logs.log_format(app) == "json"


@pytest.mark.skipif("LOG_FORMAT" in os.environ, reason="LOG_FORMAT set in the environment")
def test_production_defaults_to_json_and_tests_stay_quiet():
    from app.config import Config, ProductionConfig, TestingConfig

    assert ProductionConfig.LOG_FORMAT == "json"
    assert TestingConfig.LOG_FORMAT == ""
    assert Config.LOG_FORMAT is None  # development: decided by the server (log_format)


def _user_store_bug():
    return RuntimeError("user store broken")


def _dropped_connection():
    from sqlalchemy.exc import OperationalError

    err = OperationalError("SELECT", {}, ConnectionRefusedError("database down"))
    err.connection_invalidated = True
    return err


@pytest.mark.parametrize("failure, status, says", [
    # A bug while loading the signed-in user, and so would the layout of the error page (it loads
    # the user again): the plain last-resort page.
    (_user_store_bug, 500, "系统错误"),
    # The database goes away (a dropped connection, on either database): a 503 that says nothing
    # was saved, rendered as to a visitor.
    (_dropped_connection, 503, "数据库暂时不可用"),
], ids=["bug-500", "database-gone-503"])
def test_the_error_page_names_the_request_when_loading_the_user_fails(client, world, login, monkeypatch,
                                                                       failure, status, says):
    login(world.officer_nj)

    def load_user(user_id):
        raise failure()

    monkeypatch.setattr("app.web.user_for_session", load_user)
    resp = client.get("/cases", headers={"X-Request-ID": "quote-me"})
    assert resp.status_code == status
    page = resp.get_data(as_text=True)
    assert says in page and "quote-me" in page
    assert resp.headers["X-Request-ID"] == "quote-me"
