"""Web routes of the opinion (being written)."""

from app.opinions import bp  # noqa: F401
