"""签章管理 pages (admins only): office certificates and seals. The check runs in
``before_request``, as for the administration blueprint."""

from flask import Blueprint
from flask_login import current_user, login_required

from app.errors import Forbidden

bp = Blueprint("pki", __name__, url_prefix="/admin/pki")


@bp.before_request
@login_required
def _admins_only():
    if current_user.role != "admin":
        raise Forbidden("只有系统管理员可以管理签章证书和印章")
