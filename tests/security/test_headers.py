"""Security headers and self-hosting (issue 8): every GET page of the access matrix, as every
role, answers with a Content-Security-Policy whose scripts are the app's own (no
'unsafe-inline', no other host), ``X-Content-Type-Options: nosniff``, frame denial
(``X-Frame-Options: DENY`` or ``frame-ancestors 'none'``) and a ``Referrer-Policy``; no page
and no stylesheet it loads references another host (src/href/action attributes, CSS url())."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.access.test_matrix import CASES as MATRIX_CASES
from tests.access.test_matrix import _norm, _request
from tests.security import world
from tests.security.test_route_coverage import ROUTES

_clean_tables, mworld = world._clean_tables, world.mworld

ATTR_URL = re.compile(r"""\b(?:src|href|action|formaction|poster|data|srcset)\s*=\s*["']?\s*([^"'\s>]+)""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""", re.I)
REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def _csp(value: str) -> dict[str, list[str]]:
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def check_headers(resp, what: str) -> None:
    h = resp.headers
    assert "Content-Security-Policy" in h, f"{what}: no Content-Security-Policy"
    csp = _csp(h["Content-Security-Policy"])
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None, f"{what}: CSP without script-src/default-src"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "*" not in scripts, (what, scripts)
    assert all(s in ("'self'", "'none'") or s.startswith(("'nonce-", "'sha256-")) for s in scripts), (what, scripts)
    assert csp.get("object-src") == ["'none'"] or csp.get("default-src") == ["'none'"], (what, csp)
    assert h.get("X-Content-Type-Options", "").lower() == "nosniff", f"{what}: X-Content-Type-Options"
    assert h.get("X-Frame-Options", "").upper() == "DENY" or csp.get("frame-ancestors") == ["'none'"], f"{what}: framing"
    assert h.get("Referrer-Policy", "").lower() in REFERRER_POLICIES, f"{what}: Referrer-Policy {h.get('Referrer-Policy')}"


def external_refs(html: str, own_hosts: set[str]) -> list[str]:
    found = []
    for url in ATTR_URL.findall(html) + CSS_URL.findall(html):
        for one in url.split(","):
            one = one.strip().split(" ")[0]
            parts = urlsplit(one)
            remote = one.startswith("//") or parts.scheme in ("http", "https", "ftp", "ws", "wss")
            if remote and parts.netloc.lower() not in own_hosts:
                found.append(one)
    return found


def _own_hosts(app) -> set[str]:
    return {"localhost", urlsplit(app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").netloc.lower()}


def _get_rows():
    seen = set()
    for case in MATRIX_CASES:
        if case.method == "GET" and not case.pending and (case.rule, case.label) not in seen:
            seen.add((case.rule, case.label))
            yield case


GET_ROWS = list(_get_rows())


def test_every_get_route_is_checked():
    gets = {r for m, r in ROUTES if m == "GET"}
    assert not gets - {_norm(c.rule) for c in GET_ROWS}, sorted(gets - {_norm(c.rule) for c in GET_ROWS})


@pytest.mark.parametrize("role", world.ROLES)
def test_every_get_page_carries_the_security_headers(app, client, mworld, role):
    own = _own_hosts(app)
    checked = 0
    for case in GET_ROWS:
        if role not in case.expect:
            continue
        resp = _request(client, case, mworld, role)
        what = f"GET {case.rule} {case.label} as {role} ({resp.status_code})"
        check_headers(resp, what)
        if resp.mimetype == "text/html":
            html = resp.get_data(as_text=True)
            assert not external_refs(html, own), f"{what}: external references {external_refs(html, own)}"
            checked += 1
    assert checked >= 3


def test_error_and_redirect_answers_carry_them_too(app, client, mworld):
    check_headers(client.get("/no-such-page"), "404 page")
    check_headers(client.get("/api/v1/no-such-endpoint"), "API 404")
    check_headers(client.get("/dashboard"), "redirect to sign-in")
    check_headers(client.get("/api/v1/cases"), "API 401")


@pytest.mark.parametrize("path", ["/static/css/app.css", "/bootstrap/static/css/bootstrap.min.css"])
def test_stylesheets_load_nothing_from_elsewhere(app, client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    css = resp.get_data(as_text=True)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments (licence URLs, source maps) load nothing
    remote = [u for u in CSS_URL.findall(css) if u.strip().startswith(("http:", "https:", "//"))]
    imports = re.findall(r"@import\s+[\"']?(?:url\()?\s*[\"']?(https?:|//)", css)
    assert not remote and not imports, (path, remote, imports)


def test_pages_load_only_local_scripts_and_styles(app, client, mworld):
    """Every <script src> and <link href> of the signed-in landing pages is served by the app."""
    for role in ("admin", "officer_same", "agency", "expert"):
        client.set_cookie("session", mworld.cookies[role])
        html = client.get("/dashboard").get_data(as_text=True)
        assets = re.findall(r"<script[^>]+src=\"([^\"]+)\"", html) + re.findall(r"<link[^>]+href=\"([^\"]+)\"", html)
        assert assets, role
        for asset in assets:
            assert asset.startswith("/"), (role, asset)
            assert client.get(asset).status_code in (200, 301, 302), (role, asset)
        assert "<script>" not in html.replace(" ", ""), f"{role}: an inline script (CSP forbids it)"
