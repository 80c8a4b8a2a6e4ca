"""Browser tests: the test app served on a free 127.0.0.1 port, driven by Debian's chromium
through Playwright (Playwright's own browser download is not available here).

The live server runs the very ``app`` of tests/conftest.py in a background thread, so it uses
the same test database (SQLite file or PostgreSQL schema). Data the test creates through the
factories is committed before the browser asks for it; each request on the server gets its
own app context and session. CSRF protection is switched on while the server runs, so the
browser exercises the real tokens in every form.
"""

from __future__ import annotations

import os
import threading

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SKIP_REASON = f"chromium not found at {CHROMIUM}: browser tests need Debian's chromium (apt-get install chromium)"


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="module")
def live_server(app):
    """Base URL of the test app served by werkzeug in a background thread."""
    from werkzeug.serving import make_server

    saved_csrf = app.config.get("WTF_CSRF_ENABLED")
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.config["WTF_CSRF_ENABLED"] = saved_csrf


@pytest.fixture(scope="module")
def browser():
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test, closed before the tables are emptied.

    ``page.problems`` collects console errors (e.g. CSP violations) and requests to any host
    other than the live server; tests assert it stays empty."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []

    def on_console(msg) -> None:
        where = (msg.location or {}).get("url", "")
        if msg.type == "error" and not where.endswith("/favicon.ico"):  # the browser asks for one on its own
            problems.append(f"console {msg.type}: {msg.text} at {where}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("request", lambda req: None if req.url.startswith((live_server, "data:", "about:"))
           else problems.append(f"external request: {req.url}"))
    tab.problems = problems
    try:
        yield tab
    finally:
        context.close()
