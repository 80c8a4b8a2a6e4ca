from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

from app.cases import routes  # noqa: F401
