"""Routes: being written."""
from app.experts import bp  # noqa: F401
