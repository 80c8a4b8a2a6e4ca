from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth import sessions
from app.auth.blueprint import bp
from app.auth.forms import LoginForm
from app.auth.services import authenticate
from app.errors import RateLimited, Unauthorized


def _safe_next(target: str | None) -> str:
    """Only same-site relative redirects after sign-in (no open redirect)."""
    # A backslash counts as a slash in browsers ("/\\evil.example" is "//evil.example").
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except RateLimited as err:
            flash(err.message, "danger")
            status = 429
        except Unauthorized as err:
            flash(err.message, "danger")
            status = 401
        else:
            sessions.sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.sign_out(current_user._get_current_object())
    flash("已安全退出。", "success")
    return redirect(url_for("auth.login"))
