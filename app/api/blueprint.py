"""The API v1 blueprint. Endpoint modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
