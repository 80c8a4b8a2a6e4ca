"""The operations blueprint: ``/healthz`` and ``/metrics``, outside the UI and the API."""

from flask import Blueprint

bp = Blueprint("ops", __name__)
