"""Web routes of this feature (being written)."""

from app.meetings import bp  # noqa: F401
