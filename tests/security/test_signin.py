"""Issue 8, defect 8: sign-in reveals no names by its timing, throttles a spraying address,
cannot be used to lock an owner out, and counts parallel tries atomically."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.auth.models import LoginAttempt
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token"
WRONG = "Wrong-passw0rd-1"
OWNER_ADDR = "10.20.30.40"


def _token(client, username, password=PASSWORD, addr="127.0.0.1"):
    return client.post(TOKEN_URL, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def _failures(db, **where) -> int:
    conditions = [getattr(LoginAttempt, k) == v for k, v in where.items()]
    db.session.expire_all()
    return db.session.execute(select(func.count()).where(*conditions, LoginAttempt.succeeded.is_(False))).scalar_one()


def _assert_rate_limited(resp) -> dict:
    assert resp.status_code == 429, (resp.status_code, resp.get_json())
    err = resp.get_json()["error"]
    assert err["code"] == "rate_limited" and "后再试" in err["message"]
    return err


# ------------------------------------------------------------------- timing

def _mean_seconds(client, username: str, tries: int) -> float:
    started = time.perf_counter()
    for _ in range(tries):
        assert _token(client, username, WRONG).status_code == 401
    return (time.perf_counter() - started) / tries


def test_unknown_names_take_as_long_as_wrong_passwords(app, client, world, db, monkeypatch):
    """With the production hash (scrypt), not the suite's cheap one."""
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 1000)
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 1000)
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_SLOWDOWN_AFTER", 1000)
    for user in (world.officer_nj, world.officer_hz):
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    world.officer_hz.is_active_flag = False
    db.session.commit()
    for name in ("officer_nj", "no_such_user", "officer_hz"):  # warm up (the dummy hash is made once)
        _token(client, name, WRONG)
    wrong_password = _mean_seconds(client, "officer_nj", 5)
    unknown_name = _mean_seconds(client, "no_such_user", 5)
    inactive = _mean_seconds(client, "officer_hz", 5)
    print(f"\nsign-in timing: wrong password {wrong_password * 1000:.1f} ms, unknown name {unknown_name * 1000:.1f} ms, "
          f"inactive account {inactive * 1000:.1f} ms")
    for other in (unknown_name, inactive):
        ratio = max(wrong_password, other) / min(wrong_password, other)
        assert ratio < 3, (wrong_password, unknown_name, inactive)


# ------------------------------------------------------------------- per address

def test_spraying_names_from_one_address_is_throttled(app, client, world, db):
    sprayer = "203.0.113.7"
    limit = app.config.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    # an officer of the same office (same address, behind its NAT) signed in from there before
    assert _token(client, "officer_js", addr=sprayer).status_code == 201
    names = [f"user{i:02d}" for i in range(55)] + ["officer_nj", "officer_hz", "admin1", "agency_nj", "expert_nj"]
    statuses = [_token(client, name, WRONG, addr=sprayer).status_code for name in names]
    assert statuses[:limit] == [401] * limit
    assert set(statuses[limit:]) == {429}
    _assert_rate_limited(_token(client, "user99", WRONG, addr=sprayer))
    assert _failures(db, ip=sprayer) == limit
    # the address is throttled, not the accounts: from elsewhere they sign in
    assert _token(client, "officer_nj", addr="198.51.100.1").status_code == 201
    # and whoever signed in from that address before still can
    assert _token(client, "officer_js", addr=sprayer).status_code == 201


# ------------------------------------------------------------------- per account

def test_a_guesser_cannot_lock_the_owner_out(app, client, world, db):
    limit = app.config["LOGIN_MAX_FAILURES"]
    slowdown_after = app.config.get("LOGIN_ACCOUNT_SLOWDOWN_AFTER", 10)
    assert _token(client, "officer_nj", addr=OWNER_ADDR).status_code == 201  # the owner's usual place
    guesser = "198.51.100.9"
    for _ in range(limit):
        assert _token(client, "officer_nj", WRONG, addr=guesser).status_code == 401
    err = _assert_rate_limited(_token(client, "officer_nj", PASSWORD, addr=guesser))
    assert f"{app.config['LOGIN_FAILURE_WINDOW_MINUTES']} 分钟" in err["message"]
    # guessers spread over many addresses: past the account's threshold, new addresses must wait
    addr = iter(f"198.51.101.{i}" for i in range(1, 250))
    while _failures(db, username="officer_nj") < slowdown_after:
        assert _token(client, "officer_nj", WRONG, addr=next(addr)).status_code == 401
    err = _assert_rate_limited(_token(client, "officer_nj", WRONG, addr=next(addr)))
    assert "秒后再试" in err["message"] and err["details"]["retry_after"] >= 1
    refused_from = next(addr)
    _assert_rate_limited(_token(client, "officer_nj", PASSWORD, addr=refused_from))
    # the owner, from the usual address, is not locked out at all
    assert _token(client, "officer_nj", addr=OWNER_ADDR).status_code == 201
    # and from a new address only waits the (short) backoff, not the whole window
    backoff = timedelta(seconds=app.config.get("LOGIN_BACKOFF_MAX_SECONDS", 300))
    for row in db.session.execute(select(LoginAttempt)).scalars():
        row.created_at -= backoff
    db.session.commit()
    assert _token(client, "officer_nj", addr=refused_from).status_code == 201
    # the strict per-address limit still holds for the guesser
    _assert_rate_limited(_token(client, "officer_nj", WRONG, addr=guesser))


def test_a_success_resets_only_its_own_address(app, client, world):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert _token(client, "agency_nj", WRONG, addr="198.51.100.20").status_code == 401
    assert _token(client, "agency_nj", addr=OWNER_ADDR).status_code == 201
    _assert_rate_limited(_token(client, "agency_nj", WRONG, addr="198.51.100.20"))


# ------------------------------------------------------------------- atomic counting

PARALLEL = 40


@pytest.mark.parametrize("path", ["api", "form"])
def test_parallel_wrong_attempts_record_at_most_the_limit(app, client, world, db, path):
    """Forty tries at once, each from its own client (own app context, session and connection)."""
    limit = app.config["LOGIN_MAX_FAILURES"]
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def attempt() -> None:
        own = app.test_client()
        barrier.wait(timeout=60)
        if path == "api":
            resp = own.post(TOKEN_URL, json={"username": "officer_nj", "password": WRONG})
        else:
            resp = own.post("/login", data={"username": "officer_nj", "password": WRONG})
        statuses.append(resp.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(statuses) == PARALLEL
    assert sorted(statuses) == [401] * limit + [429] * (PARALLEL - limit), statuses
    assert _failures(db, username="officer_nj") == limit


def test_proxy_fix_gives_the_client_address_to_the_throttle(app):
    """Behind nginx (PROXY_FIX_X_FOR=1) the throttle counts the client's address, not the proxy's."""
    from app import create_app

    proxied = create_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                     "INSTANCE_DIR": app.config["INSTANCE_DIR"], "PROXY_FIX_X_FOR": 1})
    seen = {}

    @proxied.route("/_whoami")
    def whoami():
        from app.auth.services import client_address

        seen["ip"] = client_address()
        return "ok"

    proxied.test_client().get("/_whoami", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                              headers={"X-Forwarded-For": "10.1.2.3"})
    assert seen["ip"] == "10.1.2.3"
