"""Search backends behind one small interface (``base.SearchBackend``): Whoosh files on this server
(the embedded default) or PostgreSQL full-text search shared by every app server."""
