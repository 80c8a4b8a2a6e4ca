"""Precedent search (issue 7): Chinese text analysis, query parsing and, next, the index behind one small
interface. ``analysis`` and ``query`` are framework-free: no Flask, no SQLAlchemy."""
