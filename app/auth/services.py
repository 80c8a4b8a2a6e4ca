"""Sign-in, throttling, API tokens and the password policy."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app, has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import services as audit
from app.auth import sessions, throttle
from app.auth.models import ApiToken, User, hash_token
from app.db_types import utcnow
from app.errors import Unauthorized
from app.extensions import db

INVALID_CREDENTIALS = "用户名或密码错误"


def password_problems(password: str, username: str = "") -> list[str]:
    """The password policy: long enough, letters and digits, not the username."""
    problems = []
    min_len = current_app.config.get("PASSWORD_MIN_LENGTH", 10)
    if len(password) < min_len:
        problems.append(f"密码至少 {min_len} 位")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        problems.append("密码须同时包含字母和数字")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    return problems


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash of nothing anyone knows, made like real ones: checked for unknown and inactive
    names so that their answer takes as long as a wrong password for a real account."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _password_matches(user: User | None, password: str) -> bool:
    if user is None:
        check_password_hash(_dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")), password)
        return False
    return user.check_password(password)


def client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def authenticate(username: str, password: str) -> User:
    """Check credentials with throttling (app/auth/throttle.py); the try is recorded, audited
    and committed either way. Unknown, inactive and real names cost the same hash."""
    username = (username or "").strip()
    attempt = throttle.reserve(username, client_address())
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = _password_matches(user, password or "") and user.is_active
    throttle.settle(attempt, ok)
    if ok:
        audit.record("login", "user", user.id, f"{username} 登录成功", actor=user)
    else:
        audit.record("login_failed", "user", user.id if user else None, f"{username} 登录失败", actor=None)
    db.session.commit()
    if not ok:
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
    return user


def revoke_credentials(user: User, reason: str) -> None:
    """End every browser session and API token of ``user`` (password reset, deactivation), with
    one audit entry saying why. The caller commits."""
    now = utcnow()
    sessions_ended = sessions.revoke_all(user)
    tokens_revoked = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        .values(revoked_at=now)
    ).rowcount or 0
    audit.record("token_revoked", "user", user.id,
                 f"{reason}：注销 {user.username} 的 {sessions_ended} 个登录会话和 {tokens_revoked} 个 API 令牌",
                 after={"sessions": sessions_ended, "tokens": tokens_revoked})


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(hours=current_app.config["API_TOKEN_HOURS"]),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("token_issued", "user", user.id, f"{user.username} 获取 API 令牌", actor=user)
    return token, row


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    # One query for the token, its user and the user's organization (every API call needs all three).
    stmt = (select(ApiToken).where(ApiToken.token_hash == hash_token(token))
            .options(joinedload(ApiToken.user).joinedload(User.organization)))
    row = db.session.execute(stmt).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.accepts_credential_issued_at(row.created_at):
        return None
    return row.user, row


def revoke_token(row: ApiToken) -> None:
    row.revoked_at = utcnow()
    audit.record("token_revoked", "user", row.user_id, "注销 API 令牌", actor=row.user)
