from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from app.experts.models import Expert, ExpertSpecialty
from app.experts.services import pool_statistics
from app.extensions import db
from app.main import bp


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.dashboard"))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/dashboard")
@login_required
def dashboard():
    role = current_user.role
    if role == "expert":
        return render_template("main/dashboard_expert.html", expert=current_user.expert)
    if role == "agency":
        return render_template("main/dashboard_agency.html", stats=_stats_for_region(current_user.organization.region_code))
    return render_template("main/dashboard.html", stats=pool_statistics(current_user))


def _stats_for_region(region_code: str) -> dict:
    """Active experts of the pools that serve a region (its city, province and the national pool):
    counts only, no personal data, for agencies planning a request."""
    serving = or_(
        Expert.region_code == "000000",
        Expert.region_code == region_code[:2] + "0000",
        Expert.region_code == region_code[:4] + "00",
    )
    where = [serving, Expert.status == "active"]
    by_tier = dict(db.session.execute(select(Expert.tier, func.count()).where(*where).group_by(Expert.tier)).all())
    by_specialty = dict(db.session.execute(
        select(ExpertSpecialty.specialty, func.count()).join(Expert, Expert.id == ExpertSpecialty.expert_id)
        .where(*where).group_by(ExpertSpecialty.specialty)
    ).all())
    return {"by_tier": by_tier, "by_specialty": by_specialty, "by_status": {"active": sum(by_tier.values())},
            "total": sum(by_tier.values())}
