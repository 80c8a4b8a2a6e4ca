"""Issue 8, defect 6: sessions and tokens end when they should — at sign-out (every copy of that
session cookie), on a password reset and on deactivation (every session and token of the user),
at expiry; and a sign-in starts a fresh session (nothing carried over, a new CSRF token)."""

from __future__ import annotations

from datetime import timedelta

from flask_login.utils import encode_cookie
from sqlalchemy import select, update

from app.audit.models import AuditEntry
from app.auth.models import ApiToken
from app.db_types import utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "Fresh-passw0rd-9"
ME_URL = "/api/v1/users/me"


def _signed_in_client(app, user, password=PASSWORD):
    """A test client of its own (its own cookie jar), signed in through the form."""
    c = app.test_client()
    resp = c.post("/login", data={"username": user.username, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return c


def _redirected_to_sign_in(resp) -> bool:
    return resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def _bearer(client, user, password=PASSWORD) -> dict:
    resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": password})
    assert resp.status_code == 201, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _last_audit(db, action: str) -> AuditEntry:
    return db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id.desc()).limit(1)).scalar_one()


# ------------------------------------------------------------------- password reset, deactivation

def test_old_token_is_refused_after_an_admin_password_reset(app, client, world, db):
    old = _bearer(client, world.officer_nj)
    admin = _bearer(client, world.admin)
    assert client.get(ME_URL, headers=old).status_code == 200
    resp = client.patch(f"/api/v1/users/{world.officer_nj.id}", headers=admin, json={"password": NEW_PASSWORD})
    assert resp.status_code == 200, resp.get_json()
    resp = client.get(ME_URL, headers=old)
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "invalid_token"
    rows = db.session.execute(select(ApiToken).where(ApiToken.user_id == world.officer_nj.id)).scalars().all()
    assert rows and all(row.revoked_at is not None for row in rows)
    # the new password works and its token is good
    assert client.get(ME_URL, headers=_bearer(client, world.officer_nj, NEW_PASSWORD)).status_code == 200
    entry = _last_audit(db, "token_revoked")
    assert entry.object_id == world.officer_nj.id and "密码已重置" in entry.summary and entry.actor_id == world.admin.id


def test_old_ui_session_is_signed_out_after_a_password_reset_in_the_admin_ui(app, world, db):
    user = _signed_in_client(app, world.agency_user)
    assert user.get("/dashboard").status_code == 200
    admin = _signed_in_client(app, world.admin)
    resp = admin.post(f"/admin/users/{world.agency_user.id}/password",
                      data={"pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    assert _redirected_to_sign_in(user.get("/dashboard"))
    assert admin.get("/dashboard").status_code == 200  # the admin's own session is untouched
    assert _signed_in_client(app, world.agency_user, NEW_PASSWORD).get("/dashboard").status_code == 200


def test_deactivation_ends_sessions_and_tokens_for_good(app, client, world, db):
    browser = _signed_in_client(app, world.expert_user)
    token = _bearer(client, world.expert_user)
    admin = _bearer(client, world.admin)
    url = f"/api/v1/users/{world.expert_user.id}"
    assert client.patch(url, headers=admin, json={"is_active": False}).status_code == 200
    assert client.patch(url, headers=admin, json={"is_active": True}).status_code == 200
    # re-enabling the account does not bring back what was signed in before
    assert _redirected_to_sign_in(browser.get("/dashboard"))
    assert client.get(ME_URL, headers=token).status_code == 401
    assert "账号已停用" in _last_audit(db, "token_revoked").summary


def test_a_password_set_outside_the_admin_paths_still_invalidates_old_credentials(app, client, world, db):
    """The safety net: whatever sets a new password, older sessions and tokens stop working."""
    browser = _signed_in_client(app, world.officer_hz)
    token = _bearer(client, world.officer_hz)
    world.officer_hz.set_password(NEW_PASSWORD)
    db.session.commit()
    assert _redirected_to_sign_in(browser.get("/dashboard"))
    assert client.get(ME_URL, headers=token).status_code == 401


# ------------------------------------------------------------------- sign-out

def test_a_session_cookie_copied_before_sign_out_opens_nothing_afterwards(app, world, db):
    browser = _signed_in_client(app, world.officer_nj)
    other_device = _signed_in_client(app, world.officer_nj)
    copied = _session_cookie(browser)
    assert browser.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert _redirected_to_sign_in(thief.get("/dashboard"))
    assert _redirected_to_sign_in(thief.get("/cases"))
    # only that session ended: the user's other browser stays signed in
    assert other_device.get("/dashboard").status_code == 200
    entry = _last_audit(db, "logout")
    assert entry.actor_id == world.officer_nj.id


def test_a_remember_me_cookie_alone_signs_nobody_in(app, world):
    """Flask-Login's remember cookie names only the user id: without a live session it is refused."""
    c = app.test_client()
    c.set_cookie("remember_token", encode_cookie(str(world.admin.id)))
    assert _redirected_to_sign_in(c.get("/dashboard"))


def test_an_expired_session_is_refused_and_the_cookie_carries_flags(app, world, db):
    from app.auth.models import UserSession

    browser = app.test_client()
    resp = browser.post("/login", data={"username": world.officer_nj.username, "password": PASSWORD})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert browser.get("/dashboard").status_code == 200
    db.session.execute(update(UserSession).where(UserSession.user_id == world.officer_nj.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _redirected_to_sign_in(browser.get("/dashboard"))


# ------------------------------------------------------------------- sign-in starts afresh

def test_sign_in_rotates_the_session_and_the_csrf_token(app, world):
    from app.auth.sessions import SESSION_KEY

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        browser = app.test_client()
        html = browser.get("/login").get_data(as_text=True)
        assert 'name="csrf_token"' in html
        with browser.session_transaction() as sess:
            csrf_before = sess["csrf_token"]
            sess["planted"] = "by someone else"
        before = _session_cookie(browser)
        csrf = _field(html, "csrf_token")
        resp = browser.post("/login", data={"username": world.officer_nj.username, "password": PASSWORD,
                                            "csrf_token": csrf})
        assert resp.status_code == 302
        assert _session_cookie(browser) != before
        browser.get("/dashboard")  # renders forms: a new CSRF token is made
        with browser.session_transaction() as sess:
            assert "planted" not in sess
            assert sess.get("csrf_token") != csrf_before
            first_key = sess[SESSION_KEY]
        # the cookie from before sign-in is anonymous and stays so
        anonymous = app.test_client()
        anonymous.set_cookie("session", before)
        assert _redirected_to_sign_in(anonymous.get("/dashboard"))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    again = _signed_in_client(app, world.officer_nj)
    with again.session_transaction() as sess:
        assert sess[SESSION_KEY] != first_key


def _field(html: str, name: str) -> str:
    import re

    match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html) or re.search(rf'value="([^"]+)"[^>]*name="{name}"', html)
    assert match, f"no {name} in the form"
    return match.group(1)
