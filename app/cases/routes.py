"""Web routes of this feature (being written)."""

from app.cases import bp  # noqa: F401
