"""The sign-in blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
