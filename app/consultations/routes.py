"""Web routes of this feature (being written)."""

from app.consultations import bp  # noqa: F401
