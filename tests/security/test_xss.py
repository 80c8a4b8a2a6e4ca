"""Stored XSS (issue 8): script, attribute-breaking, ``javascript:`` and template-injection
payloads in every free-text field, created through the API, then every UI page that shows them
fetched as every signed-in role: the markup never comes back unescaped, no link or source is a
``javascript:`` URL, ``{{7*7}}`` stays literal; the issued opinion's PDF and DOCX carry the
payloads as plain text."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest

from app import clock
from app.extensions import db
from app.timeutil import SHANGHAI
from tests.access.test_matrix import _norm
from tests.conftest import PASSWORD
from tests.security import world
from tests.security.test_route_coverage import ROUTES

_clean_tables, mworld = world._clean_tables, world.mworld

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
JS_URL = "javascript:alert(1)"
SHORT = "甲" + SCRIPT + IMG  # fits the 64-character fields (names, titles)
LONG = f"乙{SCRIPT}{IMG}{TEMPLATE} {JS_URL} 丙"
RAW_MARKUP = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")
JS_ATTR = re.compile(r"""(?:href|src|action|formaction|data)\s*=\s*["']?\s*javascript:""", re.I)


def _ok(resp, status=201):
    assert resp.status_code == status, f"{resp.request.path}: {resp.status_code} {resp.get_data(as_text=True)[:500]}"
    return resp.get_json()


@pytest.fixture(scope="module")
def xss(app, mworld):
    """Objects whose free-text fields all carry payloads, created through the API."""
    from app.consultations.models import Consultation, PanelMember
    from tests.api.test_opinions import full_body

    w = mworld
    client = app.test_client()

    def call(method, url, role, **kw):
        with app.app_context():
            return client.open(url, method=method, headers={"Authorization": f"Bearer {w.tokens[role]}"}, **kw)

    ids = {}
    case = _ok(call("POST", "/api/v1/cases", "agency", json={
        "title": LONG, "summary": LONG, "claims": LONG, "category": "land_expropriation", "region_code": "320100",
        "handling_org_id": w.agency, "responsible_leader": SHORT, "first_petition_date": "2025-03-01", "cross_flags": [],
        "is_backlog": True,
        "petitioners": [{"name": SHORT, "id_number": "11010519491231002X", "phone": "13900000001", "address": LONG}]}))
    ids["case"] = case["id"]
    body = {"questions": LONG, "required_specialties": ["administrative_law"], "panel_size": 3, "urgency": "normal"}
    cons = _ok(call("POST", f"/api/v1/cases/{case['id']}/consultations", "agency", json=body))
    returned = _ok(call("POST", f"/api/v1/cases/{case['id']}/consultations", "agency", json=body))
    _ok(call("POST", f"/api/v1/consultations/{returned['id']}/return", "officer_same", json={"reason": LONG}), 200)
    ids["cons"], ids["cons_returned"] = cons["id"], returned["id"]
    with app.app_context():  # a seated panel: 王建国 the accepted chair (the draw itself is not under test)
        c = db.session.get(Consultation, cons["id"])
        c.members = [PanelMember(expert_id=w.e_nj, role="chair", status="accepted")]
        c.status = "panel_drawn"
        db.session.commit()
    meeting = _ok(call("POST", f"/api/v1/consultations/{cons['id']}/meetings", "officer_same", json={
        "start": "2026-10-14T09:30:00+08:00", "duration_minutes": 120, "mode": "onsite", "location": LONG}))
    ids["meeting"] = meeting["id"]
    with clock.frozen(datetime(2026, 10, 14, 11, 45, tzinfo=SHANGHAI)):  # minutes once the meeting was held
        _ok(call("POST", f"/api/v1/meetings/{meeting['id']}/minutes", "officer_same",
                 json={"text": LONG, "attendee_expert_ids": [w.e_nj]}))
    sections = dict.fromkeys(("basic_facts", "claims", "consultation_summary", "findings", "analysis"), LONG)
    opinion = _ok(call("POST", f"/api/v1/consultations/{cons['id']}/opinion", "officer_same",
                       json=full_body(**sections, title=LONG, addressee=SHORT, cc=SHORT)))
    ids["opinion"] = opinion["id"]
    _ok(call("POST", f"/api/v1/opinions/{opinion['id']}/comments", "officer_same", json={"section": "analysis", "text": LONG}))
    _ok(call("POST", f"/api/v1/opinions/{opinion['id']}/signatures", "expert", json={"password": PASSWORD}))
    _ok(call("POST", f"/api/v1/opinions/{opinion['id']}/issue", "officer_same"), 200)
    _ok(call("POST", f"/api/v1/opinions/{opinion['id']}/feedback", "agency",
             json={"adopted": True, "outcome": "in_progress", "note": LONG}))
    expert = _ok(call("POST", "/api/v1/experts", "officer_same", json={
        "name": SHORT, "tier": "municipal", "region_code": "320100", "employer": LONG[:120], "title": SHORT,
        "specialties": ["civil_law"], "phone": "13711112222", "email": "", "status": "active", "term_end": "2028-12-31",
        "max_open_consultations": 3}))
    ids["expert"] = expert["id"]
    _ok(call("POST", f"/api/v1/experts/{expert['id']}/conflicts", "officer_same", json={"person_name": SHORT, "reason": LONG}))
    _ok(call("POST", f"/api/v1/experts/{expert['id']}/unavailability", "officer_same", json={
        "start": "2026-12-21T09:00:00+08:00", "end": "2026-12-21T12:00:00+08:00", "reason": LONG[:200]}))
    org = _ok(call("POST", "/api/v1/organizations", "admin", json={
        "name": LONG[:120], "kind": "handling_agency", "tier": "municipal", "region_code": "320100", "parent_id": None}))
    ids["org"] = org["id"]
    user = _ok(call("POST", "/api/v1/users", "admin", json={
        "username": "xss_user", "password": "Secure-pass-2026", "display_name": SHORT, "role": "officer",
        "organization_id": w.nj}))
    ids["user"] = user["id"]
    return ids


# rule variable → the payload object it names (pages of other variables are not payload pages)
PATH = {"case_id": "case", "consultation_id": "cons", "meeting_id": "meeting", "opinion_id": "opinion",
        "expert_id": "expert", "org_id": "org", "user_id": "user", "version": None}
SKIP = {"/static/<filename>", "/bootstrap/static/<filename>", "/favicon.ico", "/logout"}


def _pages(ids: dict, w) -> list[str]:
    urls = []
    for method, rule in ROUTES:
        if method != "GET" or rule.startswith("/api/") or rule in SKIP:
            continue
        names = re.findall(r"<(\w+)>", rule)
        if any(n not in PATH for n in names):
            continue

        def value(m, ids=ids):
            key = PATH[m.group(1)]
            return "1" if key is None else str(ids[key])

        urls.append(re.sub(r"<(\w+)>", value, rule))
    urls += [f"/consultations/{ids['cons_returned']}", f"/meetings/consultations/{ids['cons']}",
             f"/consultations/new?case_id={ids['case']}", "/cases?q=alert", "/experts?q=alert", "/admin/audit?q=alert",
             f"/admin/organizations/new?parent_id={ids['org']}", f"/admin/users?organization_id={ids['org']}",
             f"/opinions/{ids['opinion']}/versions?from=1&to=1"]
    return urls


def _check_html(url: str, role: str, html: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in html, f"{url} as {role}: unescaped payload {raw!r}"
    assert not JS_ATTR.search(html), f"{url} as {role}: a javascript: URL in an attribute"


@pytest.mark.parametrize("role", ["admin", "officer_same", "agency", "expert"])
def test_no_page_renders_a_payload_as_markup(app, client, mworld, xss, role):
    client.set_cookie("session", mworld.cookies[role])
    shown = []
    for url in _pages(xss, mworld):
        resp = client.get(url)
        assert resp.status_code < 500, f"{url} as {role}: {resp.status_code}"
        if resp.status_code != 200 or not resp.mimetype.startswith("text/html"):
            continue
        html = resp.get_data(as_text=True)
        _check_html(url, role, html)
        if "&lt;script&gt;alert(1)&lt;/script&gt;" in html:
            shown.append(url)
    # the payloads did reach the pages (escaped), so the checks above saw them
    assert f"/cases/{xss['case']}" in shown, (role, shown)
    if role != "agency":
        assert any(u.startswith(f"/opinions/{xss['opinion']}") for u in shown), (role, shown)
    if role in ("admin", "officer_same"):
        assert f"/experts/{xss['expert']}" in shown and f"/consultations/{xss['cons_returned']}" in shown, shown


def test_case_page_keeps_template_syntax_literal(app, client, mworld, xss):
    client.set_cookie("session", mworld.cookies["officer_same"])
    html = client.get(f"/cases/{xss['case']}").get_data(as_text=True)
    assert TEMPLATE in html and "甲&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in html.replace("&quot;", "&#34;")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("path", ["/api/v1/opinions/{id}/pdf", "/opinions/{id}/pdf"])
def test_issued_pdf_prints_the_payloads_as_text(app, client, mworld, xss, path):
    from pypdf import PdfReader

    url = path.format(id=xss["opinion"])
    if url.startswith("/api/"):
        resp = client.get(url, headers={"Authorization": f"Bearer {mworld.tokens['officer_same']}"})
    else:
        client.set_cookie("session", mworld.cookies["officer_same"])
        resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _flat("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(resp.data)).pages))
    for literal in (SCRIPT, IMG, TEMPLATE, JS_URL):
        assert _flat(literal) in text, f"{literal!r} not printed literally in the PDF"


def test_issued_docx_holds_the_payloads_as_text(app, client, mworld, xss):
    from docx import Document

    resp = client.get(f"/api/v1/opinions/{xss['opinion']}/docx", headers={"Authorization": f"Bearer {mworld.tokens['officer_same']}"})
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    for literal in (SCRIPT, IMG, TEMPLATE, JS_URL):
        assert literal in text, f"{literal!r} not in the DOCX text"
    assert LONG in text  # a whole section, unchanged


def test_every_html_page_rule_is_visited(mworld):
    """Every UI GET rule with payload-bearing ids is in the page list (a new page is checked too)."""
    ids = dict.fromkeys(("case", "cons", "meeting", "opinion", "expert", "org", "user", "cons_returned"), 1)
    visited = {_norm(re.sub(r"/\d+", "/<n>", u.split("?")[0])) for u in _pages(ids, mworld)}
    assert "/cases/<n>" in visited and "/opinions/<n>/preview" in visited
