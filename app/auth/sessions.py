"""Browser sign-in sessions, kept on the server so that they can end.

Flask's session is a signed cookie: on its own, a copy keeps working for as long as it is
presented. Each sign-in therefore gets a random key, stored in the cookie and (as SHA-256) in a
``user_sessions`` row; the user loader accepts the cookie only while that row is unrevoked and
unexpired. Sign-out revokes the row (every copy of that cookie stops working); a password change
or deactivation revokes all of the user's rows (``services.revoke_credentials``).
"""

from __future__ import annotations

import secrets

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.auth.models import User, UserSession, hash_token
from app.db_types import utcnow
from app.extensions import db

SESSION_KEY = "auth_session"


def sign_in(user: User) -> None:
    """Start a fresh session for ``user``: whatever the browser's session held before (a CSRF
    token, a planted value) is dropped, so nothing from before sign-in carries over. Commits."""
    _revoke_this_browsers()  # a session replaced by a new sign-in must not live on in a copy
    key = secrets.token_urlsafe(32)
    now = utcnow()
    # Expired sessions of this user serve no purpose: drop them as new ones start.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < now))
    db.session.add(UserSession(user_id=user.id, key_hash=hash_token(key), ip=request.remote_addr, created_at=now,
                               expires_at=now + current_app.permanent_session_lifetime))
    db.session.commit()
    session.clear()
    login_user(user)
    session[SESSION_KEY] = key
    session.permanent = True  # the cookie expires with the server-side row (SESSION_HOURS)


def sign_out(user: User) -> None:
    """End this browser's session on the server and in the cookie. Commits."""
    _revoke_this_browsers()
    audit.record("logout", "user", user.id, f"{user.username} 退出登录", actor=user)
    db.session.commit()
    logout_user()
    session.clear()


def _revoke_this_browsers() -> None:
    key = session.get(SESSION_KEY)
    if isinstance(key, str) and key:
        db.session.execute(update(UserSession)
                           .where(UserSession.key_hash == hash_token(key), UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))


def user_for_session(user_id: str) -> User | None:
    """The user loader's answer: the signed-in user if this cookie's session is still valid."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str) or not key:
        return None  # includes Flask-Login's remember-me cookie: it carries no session key
    row = db.session.execute(
        select(UserSession).where(UserSession.key_hash == hash_token(key)).options(joinedload(UserSession.user))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or str(row.user_id) != str(user_id):
        return None
    return row.user if row.user.accepts_credential_issued_at(row.created_at) else None


def revoke_all(user: User) -> int:
    """Revoke every live session of ``user`` (the caller audits and commits); returns how many."""
    now = utcnow()
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        .values(revoked_at=now)
    )
    return result.rowcount or 0
