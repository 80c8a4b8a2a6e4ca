"""Sign-in, throttling, API tokens and the password policy."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.audit import service as audit
from app.auth.models import ApiToken, LoginAttempt, User, hash_token
from app.db_types import utcnow
from app.errors import RateLimited, Unauthorized
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


def _recent_failures(username: str) -> int:
    """Failures since the last success, within the throttling window."""
    window = utcnow() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    last_ok = db.session.execute(
        select(func.max(LoginAttempt.created_at)).where(LoginAttempt.username == username, LoginAttempt.succeeded)
    ).scalar()
    since = max(window, last_ok) if last_ok else window
    return db.session.execute(
        select(func.count()).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since
        )
    ).scalar_one()


def authenticate(username: str, password: str) -> User:
    """Check credentials with throttling; records the attempt and commits it either way."""
    username = (username or "").strip()
    ip = request.remote_addr if has_request_context() else None
    if _recent_failures(username) >= current_app.config["LOGIN_MAX_FAILURES"]:
        minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
        raise RateLimited(f"该账号连续登录失败次数过多，请 {minutes} 分钟后再试")
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = user is not None and user.is_active and user.check_password(password or "")
    db.session.add(LoginAttempt(username=username, succeeded=ok, ip=ip))
    if ok:
        audit.record("login", "user", user.id, f"{username} 登录成功", actor=user)
    else:
        audit.record("login_failed", "user", user.id if user else None, f"{username} 登录失败", actor=None)
    db.session.commit()
    if not ok:
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
    return user


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
    if not row.user.is_active:
        return None
    return row.user, row


def revoke_token(row: ApiToken) -> None:
    row.revoked_at = utcnow()
    audit.record("token_revoked", "user", row.user_id, "注销 API 令牌", actor=row.user)
