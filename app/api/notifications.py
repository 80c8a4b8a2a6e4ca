"""API routes of this feature (being written)."""
