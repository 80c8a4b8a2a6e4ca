from flask import Blueprint

bp = Blueprint("consultations", __name__, url_prefix="/consultations")

from app.consultations import routes  # noqa: F401
