"""Sign-in throttling: how many wrong passwords an address and an account may collect.

Three rules, all counted over the last ``LOGIN_FAILURE_WINDOW_MINUTES``:

- **account + address** (strict): ``LOGIN_MAX_FAILURES`` failures for one name from one address
  since that pair's last success → refused until they age out of the window.
- **address**: ``LOGIN_MAX_FAILURES_PER_ADDRESS`` failures from one address over all names (a
  sprayer trying many names) → refused, except for names that signed in from that address before.
- **account, any address**: past ``LOGIN_ACCOUNT_SLOWDOWN_AFTER`` failures, an address the account
  never signed in from must wait after the account's last failure, ``LOGIN_BACKOFF_SECONDS``
  doubling with each further failure up to ``LOGIN_BACKOFF_MAX_SECONDS``. Guessers spread over
  many addresses are slowed down; nobody can lock the owner out: from an address the owner
  signed in from (within ``LOGIN_KNOWN_ADDRESS_DAYS``) this rule does not apply.

Unknown names are counted exactly like real ones, so the answers reveal nothing about which
names exist. :func:`reserve` checks the rules and records the try as failed in one critical
section (``lock_name`` on the address and on the name), so parallel tries cannot all pass the
check before any is counted; :func:`settle` marks it succeeded once the password was checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, select

from app.auth.models import LoginAttempt
from app.auth.signals import sign_in_failed
from app.db_types import utcnow
from app.errors import RateLimited
from app.extensions import db
from app.locking import lock_name

USERNAME_MAX = 64  # LoginAttempt.username; longer names cannot exist, they are recorded cut


@dataclass(frozen=True)
class Limits:
    window: timedelta
    per_pair: int
    per_address: int
    slowdown_after: int
    backoff_seconds: int
    backoff_max_seconds: int
    known_address_for: timedelta

    @classmethod
    def from_config(cls) -> Limits:
        c = current_app.config
        return cls(window=timedelta(minutes=c["LOGIN_FAILURE_WINDOW_MINUTES"]), per_pair=c["LOGIN_MAX_FAILURES"],
                   per_address=c["LOGIN_MAX_FAILURES_PER_ADDRESS"], slowdown_after=c["LOGIN_ACCOUNT_SLOWDOWN_AFTER"],
                   backoff_seconds=c["LOGIN_BACKOFF_SECONDS"], backoff_max_seconds=c["LOGIN_BACKOFF_MAX_SECONDS"],
                   known_address_for=timedelta(days=c["LOGIN_KNOWN_ADDRESS_DAYS"]))

    def backoff(self, failures: int) -> timedelta:
        """The wait an unknown address owes after the account's last failure."""
        extra = max(failures - self.slowdown_after, 0)
        return timedelta(seconds=min(self.backoff_seconds * 2 ** min(extra, 30), self.backoff_max_seconds))


def _failures(*conditions, since: datetime) -> int:
    return db.session.execute(
        select(func.count()).where(*conditions, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since)
    ).scalar_one()


def _last(*conditions) -> datetime | None:
    return db.session.execute(select(func.max(LoginAttempt.created_at)).where(*conditions)).scalar()


def _check_pair(limits: Limits, pair, last_ok: datetime | None, window_start: datetime) -> None:
    since = max(window_start, last_ok) if last_ok else window_start
    if _failures(pair, since=since) >= limits.per_pair:
        minutes = int(limits.window.total_seconds() // 60)
        raise RateLimited(f"该账号连续登录失败次数过多，请 {minutes} 分钟后再试",
                          details={"retry_after": int(limits.window.total_seconds())})


def _check_address(limits: Limits, ip: str | None, window_start: datetime) -> None:
    if _failures(LoginAttempt.ip == ip, since=window_start) >= limits.per_address:
        minutes = int(limits.window.total_seconds() // 60)
        raise RateLimited(f"该地址登录失败次数过多，请 {minutes} 分钟后再试",
                          details={"retry_after": int(limits.window.total_seconds())})


def _check_account(limits: Limits, username: str, now: datetime, window_start: datetime) -> None:
    failures = _failures(LoginAttempt.username == username, since=window_start)
    if failures < limits.slowdown_after:
        return
    last_failure = _last(LoginAttempt.username == username, LoginAttempt.succeeded.is_(False))
    wait = (last_failure + limits.backoff(failures) - now) if last_failure else timedelta(0)
    if wait > timedelta(0):
        seconds = max(int(wait.total_seconds() + 0.999), 1)
        raise RateLimited(f"该账号近期登录失败次数过多，请 {seconds} 秒后再试", details={"retry_after": seconds})


def reserve(username: str, ip: str | None) -> LoginAttempt:
    """Refuse with 429 when a limit is reached; otherwise record the try as failed and commit,
    before any password is checked. The caller commits :func:`settle` afterwards."""
    username = username[:USERNAME_MAX]
    limits = Limits.from_config()
    # Always address first, then name: two transactions never wait on each other in reverse.
    lock_name(f"login:address:{ip}", expire=False)
    lock_name(f"login:account:{username}", expire=False)
    now = utcnow()
    window_start = now - limits.window
    pair = and_(LoginAttempt.username == username, LoginAttempt.ip == ip)
    pair_last_ok = _last(pair, LoginAttempt.succeeded)
    # Where the name signed in lately is the owner's usual place: not slowed by others' guessing.
    known_address = pair_last_ok is not None and pair_last_ok > now - limits.known_address_for
    try:
        _check_pair(limits, pair, pair_last_ok, window_start)
        if not known_address:
            _check_address(limits, ip, window_start)
            _check_account(limits, username, now, window_start)
    except RateLimited:
        db.session.rollback()  # release the locks now, not at the end of the request
        sign_in_failed.send(None, reason="throttled")
        raise
    attempt = LoginAttempt(username=username, ip=ip, succeeded=False, created_at=now)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def settle(attempt: LoginAttempt, succeeded: bool) -> None:
    """Record the outcome of a reserved try (in the caller's transaction)."""
    if succeeded:
        attempt.succeeded = True
    else:
        sign_in_failed.send(None, reason="invalid_credentials")
