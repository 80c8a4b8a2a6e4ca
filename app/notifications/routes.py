"""Web routes of this feature (being written)."""

from app.notifications import bp  # noqa: F401
