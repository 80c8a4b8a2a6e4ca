"""Whoosh backend: an index in files on this server (the embedded default).

Writing: one writer at a time across processes (an ``flock`` on ``writer.lock``, released by the
kernel if the writer dies, so a lock is never stale). Whoosh writes new segment files and switches
to them with an atomic rename of its table of contents, so searches keep working while a writer
runs and a crash mid-write leaves the last committed index. An update that cannot get the lock in
time (a rebuild is running) appends its ids to ``pending.ids``; the next writer indexes them.
``rebuild`` writes every document into new segments (``whoosh_bulk``) and replaces all segments in
one commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, Schema
from whoosh.scoring import BM25F
from whoosh.writing import MERGE_SMALL

from app.search.analysis import chinese_text_field
from app.search.backends.base import (
    FIELD_BOOSTS,
    Filters,
    Hit,
    SearchPage,
    SearchRequest,
    SearchUnavailable,
    SimilarRequest,
)
from app.search.backends.parallel import batches, ordered_map
from app.search.backends.whoosh_bulk import build_segment, remove_unlisted, write_segments
from app.search.backends.whoosh_match import IndexView
from app.search.document import TEXT_FIELDS, SearchDocument
from app.search.query import parse_query

INDEX_NAME = "opinions"
SEGMENT_DOCS = 5000     # a rebuild's segment: 20 at 100,000 opinions; a worker needs ~340 MB more to build one
MERGE_BELOW = 1000      # updates merge segments smaller than this only (see merge_small_segments)
REBUILD_WORKERS = 2
# Single-valued facet → the sortable (column) field that holds it.
_COLUMN_FACETS = {"category": "category", "tier": "tier", "province": "province", "year": "year",
                  "conclusion": "conclusion"}


def schema() -> Schema:
    text_fields = {name: chinese_text_field(field_boost=FIELD_BOOSTS.get(name, 1.0)) for name in TEXT_FIELDS}
    return Schema(
        opinion_id=ID(stored=True, unique=True),
        case_id=ID(),
        category=ID(sortable=True), tier=ID(sortable=True), province=ID(sortable=True), city=ID(),
        region=ID(), year=ID(sortable=True), conclusion=ID(sortable=True),
        issued=NUMERIC(int, bits=64, sortable=True, signed=False),  # date, then id: a total order
        recommendation=KEYWORD(commas=True), laws=KEYWORD(commas=True), cross_flags=KEYWORD(commas=True),
        superseded=ID(), fingerprint=STORED(),
        **text_fields,
    )


def _fields(doc: SearchDocument) -> dict:
    return {
        "opinion_id": str(doc.opinion_id), "case_id": str(doc.case_id),
        "category": doc.category or "-", "tier": doc.tier or "-", "province": doc.province_code,
        "city": doc.city_code, "region": doc.region_code or "-", "year": str(doc.year),
        "conclusion": doc.conclusion or "-", "issued": _date_key(doc),
        "recommendation": ",".join(doc.recommendations), "laws": ",".join(doc.laws),
        "cross_flags": ",".join(doc.cross_flags), "superseded": "1" if doc.superseded else "0",
        "fingerprint": doc.fingerprint,
        **{name: doc.texts.get(name, "") for name in TEXT_FIELDS},
    }


def filter_query(filters: Filters) -> wq.Query | None:
    terms: list[wq.Query] = []
    for field, value in (("category", filters.category), ("tier", filters.tier), ("conclusion", filters.conclusion),
                         ("recommendation", filters.recommendation), ("laws", filters.law)):
        if value:
            terms.append(wq.Term(field, value))
    if filters.year is not None:
        terms.append(wq.Term("year", str(filters.year)))
    if filters.region_code:
        code = filters.region_code
        field = "province" if code.endswith("0000") else "city" if code.endswith("00") else "region"
        terms.append(wq.Term(field, code))
    if filters.superseded is not None:
        terms.append(wq.Term("superseded", "1" if filters.superseded else "0"))
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)


def similar_query(request: SimilarRequest) -> wq.Query:
    """A case's weighted words in its main sections and its laws; the same category and province
    add to the score."""
    clauses = [wq.Term(field, term, boost=weight) for term, weight in request.terms
               for field in ("title", "facts", "findings", "analysis")]
    clauses += [wq.Term("laws", law, boost=2.0) for law in request.laws]
    main = wq.Or(clauses)
    extra = []
    if request.category:
        extra.append(wq.Term("category", request.category, boost=3.0))
    if request.province_code:
        extra.append(wq.Term("province", request.province_code, boost=1.5))
    return wq.AndMaybe(main, wq.Or(extra)) if extra else main


def merge_small_segments(writer, segments: list) -> list:
    """Whoosh's merge policy (``MERGE_SMALL``) over the segments updates made; a rebuild's large
    segments stay. ``MERGE_SMALL`` alone merges every segment once there are about twenty: the first
    update after a rebuild of 100,000 opinions would rewrite all of them through Whoosh's sorting
    pool (8 GB of temporary runs and many minutes, measured). A large segment keeps the documents
    deleted from it, unseen by searches, until the next rebuild."""
    small = [s for s in segments if s.doc_count_all() < MERGE_BELOW]
    return [s for s in segments if s.doc_count_all() >= MERGE_BELOW] + MERGE_SMALL(writer, small)


class WhooshBackend:
    name = "whoosh"
    transactional = False

    def __init__(self, directory: str | os.PathLike, lock_timeout: float = 10.0):
        self.directory = Path(directory)
        self.lock_timeout = lock_timeout
        self._local = threading.local()

    # ------------------------------------------------------------------ reading

    def exists(self) -> bool:
        """A readable index is in the directory (a damaged one counts as lost: it is rebuilt)."""
        try:
            return whoosh_index.exists_in(str(self.directory), indexname=INDEX_NAME)
        except Exception:  # noqa: BLE001 (an unreadable table of contents, whatever whoosh raises)
            return False

    def available(self) -> bool:
        try:
            with self._open().searcher() as searcher:
                searcher.doc_count()
            return True
        except SearchUnavailable:
            return False

    def _open(self):
        """The index for searching. Files are read, not memory-mapped: whoosh3 copies a mapped
        segment's whole postings file into memory (``BufferFile``), 560 MB at 20,000 opinions."""
        try:
            if not self.directory.is_dir():
                raise FileNotFoundError(self.directory)
            return FileStorage(str(self.directory), supports_mmap=False).open_index(INDEX_NAME)
        except Exception as exc:  # missing directory, no table of contents, unreadable segment
            raise SearchUnavailable(f"检索索引无法打开：{exc.__class__.__name__}") from exc

    @contextmanager
    def _searcher(self):
        """A searcher kept per thread and refreshed when a writer has committed since (opening the
        index and its segments costs more than many searches)."""
        cached = getattr(self._local, "searcher", None)
        try:
            stamp = self._toc_stamp()
            if cached is not None and getattr(self._local, "stamp", None) == stamp:
                searcher = cached
            else:  # first use, or a writer committed, or the index was replaced or removed since
                searcher = self._open().searcher(weighting=BM25F())
                self._local.stamp = stamp
        except SearchUnavailable:
            self._forget_searcher()
            raise
        except Exception as exc:  # deleted or corrupted segment files
            self._forget_searcher()
            raise SearchUnavailable(f"检索索引无法读取：{exc.__class__.__name__}") from exc
        if searcher is not cached:
            if cached is not None:
                cached.close()
            self._local.searcher = searcher
        try:
            yield searcher
        except (OSError, ValueError, EOFError) as exc:  # files vanished or were overwritten mid-search
            self._forget_searcher()
            raise SearchUnavailable(f"检索索引读取失败：{exc.__class__.__name__}") from exc

    def committed(self) -> tuple:
        """Identifies the index last committed: a search that failed while it changed met a writer's
        commit, not a lost index (``service.run`` then searches again)."""
        return self._toc_stamp()

    def _toc_stamp(self) -> tuple:
        """Identifies the committed index: its newest table of contents' name, inode and mtime (a
        recreated index reuses generation numbers, so the name alone is not enough)."""
        try:
            tocs = [e for e in os.scandir(self.directory) if e.name.startswith(f"_{INDEX_NAME}_") and e.name.endswith(".toc")]
        except FileNotFoundError:
            return ()
        if not tocs:
            return ()
        newest = max(tocs, key=lambda e: int(e.name[len(INDEX_NAME) + 2:-4] or 0))
        info = newest.stat()
        return newest.name, info.st_ino, info.st_mtime_ns, info.st_size

    def _forget_searcher(self) -> None:
        cached = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if cached is not None:
            with contextlib.suppress(Exception):
                cached.close()

    def _view(self, searcher) -> IndexView:
        """The searcher's segments as vectors for ``whoosh_match``, made once per searcher."""
        view = getattr(self._local, "view", None)
        if view is None or view.searcher is not searcher:
            view = IndexView(searcher, _COLUMN_FACETS)
            self._local.view = view
        return view

    def search(self, request: SearchRequest) -> SearchPage:
        with self._searcher() as searcher:
            q = parse_query(request.q, list(TEXT_FIELDS), searcher.schema) if request.q.strip() else wq.Every()
            if q is wq.NullQuery:
                return SearchPage(0, [], {name: {} for name in _COLUMN_FACETS} | {"recommendation": {}})
            exclude = wq.Term("case_id", str(request.filters.exclude_case_id)) if request.filters.exclude_case_id else None
            by_date = request.sort == "date" or not request.q.strip()  # no words to rank by: newest first
            return self._view(searcher).search(q, filter_query(request.filters), exclude, by_date,
                                               request.offset, request.limit, request.facets)

    def similar(self, request: SimilarRequest) -> list[Hit]:
        if not request.terms:
            return []
        with self._searcher() as searcher:
            exclude = wq.Term("case_id", str(request.exclude_case_id)) if request.exclude_case_id else None
            page = self._view(searcher).search(similar_query(request), None, exclude, limit=request.limit, facets=False)
            return page.hits

    def fingerprints(self) -> dict[int, str]:
        with self._searcher() as searcher:
            return {int(fields["opinion_id"]): fields.get("fingerprint", "") for fields in searcher.all_stored_fields()}

    # ------------------------------------------------------------------ writing

    @contextmanager
    def _writer_lock(self, timeout: float | None):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "writer.lock", "a+") as fh:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise TimeoutError("search index writer busy") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _index_for_writing(self):
        """Without mmap, as for searching: a writer reads each segment's terms to replace a document,
        and a mapped terms file is copied whole (350 ms per update at 20,000 opinions, 45 ms without)."""
        storage = FileStorage(str(self.directory), supports_mmap=False)
        try:
            if storage.index_exists(INDEX_NAME):
                return storage.open_index(INDEX_NAME)
        except Exception as exc:  # an unreadable table of contents or segment
            raise SearchUnavailable("检索索引已损坏") from exc
        return storage.create_index(schema(), indexname=INDEX_NAME)

    def _pending_path(self) -> Path:
        return self.directory / "pending.ids"

    def _drop_pending(self, handled: set[int]) -> None:
        """Remove ``handled`` from the pending ids (under the writer lock)."""
        if not handled:
            return
        left = self.pending() - handled
        path = self._pending_path()
        if left:
            tmp = path.with_suffix(".tmp")
            tmp.write_text("".join(f"{i}\n" for i in sorted(left)))
            tmp.replace(path)
        else:
            path.unlink(missing_ok=True)

    def defer(self, opinion_ids: Iterable[int]) -> None:
        """Leave ids for the next writer (appends of a few bytes are atomic)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self._pending_path(), "a") as fh:
            fh.write("".join(f"{i}\n" for i in opinion_ids))

    def pending(self) -> set[int]:
        try:
            return {int(line) for line in self._pending_path().read_text().split() if line.isdigit()}
        except FileNotFoundError:
            return set()

    def write(self, docs: Iterable[SearchDocument], deleted: Iterable[int] = (), handled: set[int] | None = None) -> None:
        """Add or replace ``docs`` and remove ``deleted`` in one commit, then drop the ``handled``
        pending ids. Raises TimeoutError when another writer keeps the lock too long."""
        with self._writer_lock(self.lock_timeout):
            ix = self._index_for_writing()
            writer = ix.writer(timeout=self.lock_timeout)
            try:
                for opinion_id in deleted:
                    writer.delete_by_term("opinion_id", str(opinion_id))
                for doc in docs:
                    writer.update_document(**_fields(doc))
                writer.commit(mergetype=merge_small_segments)
            except BaseException:
                writer.cancel()
                raise
            self._drop_pending(handled or set())

    def index(self, docs: Iterable[SearchDocument]) -> None:
        self.write(docs)

    def delete(self, opinion_ids: Iterable[int]) -> None:
        self.write([], opinion_ids)

    def clear(self) -> None:
        with self._writer_lock(None):
            self.directory.mkdir(parents=True, exist_ok=True)
            whoosh_index.create_in(str(self.directory), schema(), indexname=INDEX_NAME)
            self._pending_path().unlink(missing_ok=True)

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        """Write every document into fresh segments (``whoosh_bulk``, a batch per segment, built in
        worker processes) that replace the old ones in one commit. Searches read the old index until
        then; a failure leaves it as it was."""
        with self._writer_lock(None):
            self.directory.mkdir(parents=True, exist_ok=True)
            current = schema()
            build = partial(build_segment, str(self.directory), INDEX_NAME, current)
            segments, count = [], 0
            try:
                fields = (_fields(doc) for doc in docs)
                for segment in ordered_map(build, batches(fields, SEGMENT_DOCS), REBUILD_WORKERS):
                    segments.append(segment)
                    count += segment.doc_count_all()
                    if progress is not None:
                        progress(segment.doc_count_all())
                write_segments(str(self.directory), INDEX_NAME, current, segments)
            except BaseException:
                with contextlib.suppress(Exception):
                    remove_unlisted(str(self.directory), INDEX_NAME)
                raise
            return count


def _date_key(doc: SearchDocument) -> int:
    return int(doc.issued_on.strftime("%Y%m%d")) * 10_000_000 + doc.opinion_id % 10_000_000

