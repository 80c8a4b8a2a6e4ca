"""Precedent search (类案检索): anonymization, and later the index, queries and similar cases."""
