"""Who may read ``/metrics``: administrators (signed in, or with an API token), and requests made
on this host directly — a Prometheus scraping the app's port on localhost. A request relayed by a
proxy (it carries ``X-Forwarded-For``) is never "local", even if the proxy connects from
127.0.0.1 and PROXY_FIX_X_FOR is off."""

from __future__ import annotations

import ipaddress

from flask import request
from flask_login import current_user

from app.auth.services import user_for_token


def is_local_request() -> bool:
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def is_admin() -> bool:
    if current_user.is_authenticated and current_user.role == "admin":
        return True
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        found = user_for_token(token.strip())
        return found is not None and found[0].role == "admin"
    return False


def may_read_metrics() -> bool:
    return is_local_request() or is_admin()
