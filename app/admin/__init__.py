"""Administration pages (系统管理): organizations, user accounts and the audit log.

Every route of this blueprint is for admins only. The check runs in ``before_request`` so a
route added later cannot forget it: anonymous visitors go to the sign-in page
(``flask_login.login_required``), signed-in non-admins get 403.
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


from app.admin import routes  # noqa: F401
