"""Bearer tokens, sign-in throttling and the error shape of unauthenticated calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from app.auth.models import ApiToken, LoginAttempt, User, hash_token
from app.db_types import utcnow
from tests.api.helpers import assert_error
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/users/me"


def _token(client, username, password=PASSWORD):
    return client.post(TOKEN_URL, json={"username": username, "password": password})


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_token_create_has_contract_shape_and_is_stored_hashed(client, world, db):
    resp = _token(client, "officer_nj")
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"token", "expires_at", "user"}
    assert body["user"] == {"id": world.officer_nj.id, "username": "officer_nj", "role": "officer",
                            "organization_id": world.nj.id}
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() == timedelta(hours=8)  # ISO 8601 with the Asia/Shanghai offset
    assert timedelta(hours=23) < expires - utcnow() <= timedelta(hours=24, minutes=1)
    token = body["token"]
    assert len(token) >= 32
    rows = db.session.execute(select(ApiToken).where(ApiToken.user_id == world.officer_nj.id)).scalars().all()
    assert len(rows) == 1
    assert rows[0].token_hash == hash_token(token) and token not in rows[0].token_hash
    me = client.get(ME_URL, headers=_bearer(token))
    assert me.status_code == 200 and me.get_json()["username"] == "officer_nj"


def test_bad_credentials_401(client, world):
    err = assert_error(_token(client, "officer_nj", "Wrong-password-1"), 401, "invalid_credentials")
    assert "用户名或密码错误" in err["message"]
    # an unknown user gets the very same answer (no user enumeration)
    assert assert_error(_token(client, "nobody_here", "Wrong-password-1"), 401, "invalid_credentials") == err


def test_token_request_validation(client, world):
    assert_error(client.post(TOKEN_URL, data="{not json", content_type="application/json"), 400, "malformed_json")
    assert_error(client.post(TOKEN_URL, json={}), 422, "validation_error", fields=("username", "password"))
    assert_error(client.post(TOKEN_URL, json={"username": "officer_nj", "password": 12345}), 422, fields=("password",))


def test_delete_token_revokes_only_that_token(client, world, db):
    first = _token(client, "officer_nj").get_json()["token"]
    second = _token(client, "officer_nj").get_json()["token"]
    resp = client.delete(TOKEN_URL, headers=_bearer(first))
    assert resp.status_code == 204 and resp.get_data() == b""
    assert_error(client.get(ME_URL, headers=_bearer(first)), 401, "invalid_token")
    assert_error(client.delete(TOKEN_URL, headers=_bearer(first)), 401)
    assert client.get(ME_URL, headers=_bearer(second)).status_code == 200
    row = db.session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(first))).scalar_one()
    assert row.revoked_at is not None


def test_expired_token_401(client, world, db):
    token = _token(client, "officer_nj").get_json()["token"]
    assert client.get(ME_URL, headers=_bearer(token)).status_code == 200
    db.session.execute(update(ApiToken).where(ApiToken.token_hash == hash_token(token))
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert_error(client.get(ME_URL, headers=_bearer(token)), 401, "invalid_token")


def test_missing_or_malformed_authorization_401_with_error_shape(client, world):
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic b2ZmaWNlcl9uajpwYXNz"},
                    {"Authorization": "Bearer not-a-real-token"}, {"Authorization": "bearer"}):
        for method, url in (("get", "/api/v1/experts"), ("get", ME_URL), ("post", "/api/v1/experts"),
                            ("delete", TOKEN_URL)):
            err = assert_error(getattr(client, method)(url, headers=headers), 401)
            assert err["code"] in ("unauthorized", "invalid_token"), err


def test_throttle_after_five_failures_for_that_account_only(client, world, db):
    for _ in range(5):
        assert_error(_token(client, "officer_nj", "Wrong-password-1"), 401, "invalid_credentials")
    # 6th try, even with the right password → 429
    err = assert_error(_token(client, "officer_nj"), 429, "rate_limited")
    assert "15" in err["message"] and "分钟" in err["message"]
    assert_error(_token(client, "officer_nj", "Wrong-password-1"), 429)
    # other accounts are unaffected
    assert _token(client, "officer_hz").status_code == 201
    # a throttled try is not even recorded as a failure (the count stays at 5)
    failures = db.session.execute(select(func.count()).where(LoginAttempt.username == "officer_nj",
                                                             LoginAttempt.succeeded.is_(False))).scalar_one()
    assert failures == 5
    # once the failures are older than 15 minutes the account signs in again
    db.session.execute(update(LoginAttempt).where(LoginAttempt.username == "officer_nj")
                       .values(created_at=utcnow() - timedelta(minutes=15, seconds=5)))
    db.session.commit()
    assert _token(client, "officer_nj").status_code == 201


def test_four_failures_then_success_resets_the_count(client, world):
    for _ in range(4):
        assert _token(client, "officer_nj", "Wrong-password-1").status_code == 401
    assert _token(client, "officer_nj").status_code == 201
    for _ in range(4):
        assert _token(client, "officer_nj", "Wrong-password-1").status_code == 401
    assert _token(client, "officer_nj").status_code == 201


def test_throttle_through_the_login_form(client, world):
    for _ in range(5):
        resp = client.post("/login", data={"username": "agency_nj", "password": "Wrong-password-1"})
        assert resp.status_code == 401
        assert "用户名或密码错误" in resp.get_data(as_text=True)
    resp = client.post("/login", data={"username": "agency_nj", "password": PASSWORD})
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "该账号连续登录失败次数过多" in html and "15 分钟后再试" in html
    # not signed in
    assert client.get("/dashboard").status_code == 302
    # the API shares the same counter for that account
    assert_error(_token(client, "agency_nj"), 429)
    # another account signs in through the form
    resp = client.post("/login", data={"username": "officer_nj", "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/")


def test_disabled_user_cannot_get_a_token_and_loses_existing_ones(client, world, db):
    token = _token(client, "expert_nj").get_json()["token"]
    db.session.execute(update(User).where(User.id == world.expert_user.id).values(is_active_flag=False))
    db.session.commit()
    assert_error(_token(client, "expert_nj"), 401, "invalid_credentials")
    assert_error(client.get(ME_URL, headers=_bearer(token)), 401, "invalid_token")
    resp = client.post("/login", data={"username": "expert_nj", "password": PASSWORD})
    assert resp.status_code == 401


def test_ui_sign_in_and_sign_out(client, world):
    assert client.get("/dashboard").headers["Location"].startswith("/login")
    resp = client.post("/login?next=/dashboard", data={"username": "officer_nj", "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"
    # signed in: the sign-in page sends the user on (the pages themselves are in the access matrix)
    assert client.get("/login").status_code == 302
    resp = client.post("/logout")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert client.get("/login").status_code == 200
    assert client.get("/dashboard").headers["Location"].startswith("/login")


def test_login_next_is_not_an_open_redirect(client, world):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client.post("/logout")
        resp = client.post(f"/login?next={target}", data={"username": "officer_nj", "password": PASSWORD})
        assert resp.status_code == 302
        location = resp.headers["Location"]
        assert "evil.example" not in location, (target, location)
