"""The administration blueprint (系统管理), admins only.

The check runs in ``before_request`` so a route added later cannot forget it: anonymous visitors
go to the sign-in page (``flask_login.login_required``), signed-in non-admins get 403.
Route modules take ``bp`` from here; ``routes.py`` gathers them.
"""

from flask import Blueprint
from flask_login import current_user, login_required

from app.errors import Forbidden

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    if current_user.role != "admin":
        raise Forbidden("只有系统管理员可以访问系统管理页面")
