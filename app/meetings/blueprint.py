"""The meetings' blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
