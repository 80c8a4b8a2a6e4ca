from flask import Blueprint

bp = Blueprint("opinions", __name__, url_prefix="/opinions")

from app.opinions import routes  # noqa: F401
