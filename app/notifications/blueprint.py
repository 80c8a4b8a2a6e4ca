"""The notification centre's blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
