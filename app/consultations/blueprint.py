"""The consultations' blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("consultations", __name__, url_prefix="/consultations")
