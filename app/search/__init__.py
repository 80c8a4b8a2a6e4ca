"""Precedent search (类案检索, issue 7): Chinese text analysis (``analysis``), query parsing
(``query``) and anonymization (``anonymize``) — all framework-free, no Flask, no SQLAlchemy —
and, next, the index behind one small interface."""
