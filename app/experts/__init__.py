from flask import Blueprint

bp = Blueprint("experts", __name__, url_prefix="/experts")

from app.experts import routes  # noqa: F401
