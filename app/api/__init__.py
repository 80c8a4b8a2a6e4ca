"""HTTP API v1 (../shared/api.md): bearer-token auth, JSON errors, one module per feature."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import (  # noqa: F401
    auth,
    cases,
    consultations,
    core,
    experts,
    meetings,
    notifications,
    openapi,
    opinions,
    orgs,
    taxonomy,
    users,
)
