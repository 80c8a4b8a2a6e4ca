"""Supervision's blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
