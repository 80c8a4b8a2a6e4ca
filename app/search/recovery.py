"""Self-repair of a lost Whoosh index (directory removed, files damaged) while the app serves.

The database is the source of truth, so the index can always be rebuilt from it. A worker that
finds the index gone starts one rebuild in a background thread (one per process at a time; the
index's file lock keeps workers of several processes from writing together) and answers 503
``search_unavailable`` until the rebuilt index is committed. Opinions issued meanwhile are left
as pending ids and indexed after the rebuild, so the new index never holds only the newest few.
"""

from __future__ import annotations

import logging
import threading

from flask import current_app

from app.extensions import db
from app.search import service
from app.search.backends.base import SearchUnavailable

log = logging.getLogger(__name__)
_guard = threading.Lock()
_running = False


class SearchRebuilding(SearchUnavailable):
    def __init__(self) -> None:
        super().__init__("索引丢失或损坏")
        self.message = "类案检索索引丢失，系统正在根据数据库自动重建，请稍后再试"
        self.details = {"rebuilding": True}


def rebuild_soon() -> bool:
    """Start rebuilding the index in the background unless this process is already doing it."""
    global _running
    with _guard:
        if _running:
            return False
        _running = True
    app = current_app._get_current_object()
    threading.Thread(target=_rebuild, args=(app,), name="search-rebuild", daemon=True).start()
    return True


def _rebuild(app) -> None:
    global _running
    try:
        with app.app_context():
            try:
                if service.backend().available():
                    service.flush_pending()  # another worker rebuilt it meanwhile; what was left since
                    return
                count = service.rebuild()
                log.warning("search index was lost and has been rebuilt from the database: %d opinions", count)
            except Exception:
                log.exception("automatic search index rebuild failed; run flask search rebuild")
            finally:
                db.session.remove()
    finally:
        with _guard:
            _running = False
