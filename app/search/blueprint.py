"""The search pages' blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("search", __name__)
