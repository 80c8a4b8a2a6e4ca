"""Admin routes: the landing redirect; the pages live in routes_orgs / routes_users / routes_audit /
routes_fonts."""

from __future__ import annotations

from flask import redirect, url_for

from app.admin.blueprint import bp
from app.admin import routes_audit, routes_fonts, routes_orgs, routes_users  # noqa: F401  (register their routes)


@bp.route("/")
def index():
    return redirect(url_for("admin.organizations"))
