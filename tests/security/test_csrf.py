"""CSRF (issue 8): every state-changing UI form (POST on a non-/api/ rule), signed in as a role
the access matrix lets use it, with no CSRF token and with a wrong one → refused.

The app answers a CSRFError with a redirect back (``request.referrer`` or the landing page) and
the flash "页面已过期或表单校验失败"; nothing in the database changes (every row of every table
is compared before and after) and the session is kept. CSRF is switched on for these tests only
(TestingConfig turns it off for the rest of the suite). Bearer-token API calls are exempt
(api.md), which is also checked."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.access.test_matrix import CASES as MATRIX_CASES
from tests.access.test_matrix import Case, _norm, _url
from tests.security import world
from tests.security.test_route_coverage import ROUTES

_clean_tables, mworld = world._clean_tables, world.mworld

CSRF_FLASH = "页面已过期或表单校验失败"
ROLE_PREFERENCE = ("officer_same", "admin", "agency", "expert")


@pytest.fixture
def csrf_on(app):
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(app.config, "WTF_CSRF_ENABLED", True)
        yield


def fingerprint() -> str:
    """A digest of every row of every table."""
    digest = hashlib.sha256()
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        for row in db.session.execute(select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
        digest.update(table.name.encode())
    db.session.rollback()
    return digest.hexdigest()


def _allowed(status) -> bool:
    code = status[0] if isinstance(status, tuple) else status
    return code not in (401, 403, 404) and not (isinstance(status, tuple) and status[1] == "/login")


def _form_routes() -> list[tuple[Case, str]]:
    """One (matrix row, role) per UI POST route: the first row and role that may use it."""
    picked: dict[tuple, tuple[Case, str]] = {}
    for case in MATRIX_CASES:
        key = (case.method, _norm(case.rule))
        if case.method != "POST" or case.rule.startswith("/api/") or key in picked:
            continue
        role = next((r for r in ROLE_PREFERENCE if r in case.expect and _allowed(case.expect[r])), None)
        if case.rule == "/login":
            role = "anonymous"
        if case.rule == "/logout":
            role = "spare"  # a user of its own: should the forged logout end a session, no other test notices
        if role is not None:
            picked[key] = (case, role)
    return list(picked.values())


FORM_ROUTES = _form_routes()


def test_every_ui_form_route_is_tried():
    ui_posts = {(m, r) for m, r in ROUTES if m == "POST" and not r.startswith("/api/")}
    tried = {(c.method, _norm(c.rule)) for c, _ in FORM_ROUTES}
    assert not ui_posts - tried, f"UI form routes without a CSRF check: {sorted(ui_posts - tried)}"


def _kwargs(case: Case, w, role: str, token: str | None) -> dict:
    kwargs = case.body(w, role) if case.body else {}
    if case.rule == "/login":
        kwargs = {"data": {"username": w.usernames["spare"], "password": "Passw0rd-test"}}
    if "json" in kwargs:
        if token is not None:
            kwargs["headers"] = {"X-CSRFToken": token}
        return kwargs
    data = dict(kwargs.get("data") or {})
    if kwargs.get("content_type") == "multipart/form-data":
        data = {k: (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
    if token is not None:
        data["csrf_token"] = token
    kwargs["data"] = data
    return kwargs


FORGED = "IjA1ZDk0NTA4ZjUxYzQ5YTEi.Zx1fXw.forged"  # shaped like a Flask-WTF token, signed by nobody


@pytest.mark.parametrize("token", [None, "wrong-token", FORGED], ids=["no token", "wrong token", "forged token"])
@pytest.mark.parametrize(("case", "role"), FORM_ROUTES, ids=[f"{c.method} {c.rule} [{r}]" for c, r in FORM_ROUTES])
def test_form_post_without_a_valid_token_is_refused(app, client, mworld, csrf_on, case: Case, role: str, token):
    if role != "anonymous":
        client.set_cookie("session", mworld.cookies[role])
    # a session that has a CSRF secret of its own, so a wrong token is compared with a real one
    assert client.get("/login" if role == "anonymous" else "/dashboard").status_code == 200
    url = _url(case, mworld, role)  # may create the row the request names (before the fingerprint is taken)
    before = fingerprint()
    resp = client.post(url, **_kwargs(case, mworld, role, token))
    assert resp.status_code == 302, f"{case.id} as {role}: {resp.status_code}\n{resp.get_data(as_text=True)[:400]}"
    assert fingerprint() == before, f"{case.id} as {role}: the database changed without a valid CSRF token"
    page = client.get(resp.headers["Location"], follow_redirects=True)
    assert CSRF_FLASH in page.get_data(as_text=True), f"{case.id}: refused without the CSRF message"
    if role != "anonymous":  # still signed in: a forged logout or post does not end the session
        assert client.get("/dashboard").status_code == 200
    else:
        assert client.get("/dashboard").status_code == 302


def _token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def test_the_same_form_with_its_token_goes_through(app, client, mworld, csrf_on):
    """The control: the refusals above are CSRF's doing, not the forms' — with the page's own
    token a post is carried out (marking notifications read changes the database)."""
    from app.auth.models import User
    from app.notifications.services import notify

    [note] = notify([db.session.get(User, mworld.user_ids["officer_same"])], "matrix", "CSRF 对照通知", email=False)
    db.session.commit()
    client.set_cookie("session", mworld.cookies["officer_same"])
    token = _token_from(client.get("/notifications").get_data(as_text=True))
    before = fingerprint()
    resp = client.post(f"/notifications/{note.id}/read", data={"csrf_token": token})
    assert resp.status_code == 302
    assert fingerprint() != before
    assert CSRF_FLASH not in client.get(resp.headers["Location"], follow_redirects=True).get_data(as_text=True)


def test_bearer_api_calls_need_no_csrf_token(app, client, mworld, csrf_on):
    resp = client.post("/api/v1/notifications/read-all", headers={"Authorization": f"Bearer {mworld.tokens['agency']}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]


def test_a_session_cookie_on_the_api_does_not_authenticate(app, client, mworld, csrf_on):
    """Cookie sessions never reach the API (so CSRF exemption of the API is safe)."""
    client.set_cookie("session", mworld.cookies["admin"])
    resp = client.post("/api/v1/notifications/read-all")
    assert resp.status_code == 401
