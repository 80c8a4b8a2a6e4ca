"""API routes of the opinion (being written)."""
