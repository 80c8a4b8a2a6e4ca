"""The expert pool's blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("experts", __name__, url_prefix="/experts")
