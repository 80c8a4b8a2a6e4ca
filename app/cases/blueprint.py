"""The case ledger's blueprint. Route modules take ``bp`` from here; ``routes.py`` gathers them."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")
