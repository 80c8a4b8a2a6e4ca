"""The opinions' blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("opinions", __name__, url_prefix="/opinions")
