"""Gathers the API's endpoint modules so that importing this module registers every route on
``bp``; ``create_app`` imports it."""

from app.api import (  # noqa: F401  (register their routes)
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
    search,
    taxonomy,
    users,
    verify,
)
from app.api.blueprint import bp  # noqa: F401  (what create_app registers)
