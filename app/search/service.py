"""Precedent search as the rest of the app uses it: which backend, what gets indexed and when,
rebuild and check. The index is derived data; the database stays the source of truth.

When: ``issuing.issue`` calls ``on_issued`` in its transaction. That stores the anonymized text and
queues the opinion (and the one it supersedes). At commit the queued opinions are turned into
``SearchDocument``s (still inside the transaction, so they are read as committed); a transactional
backend (PostgreSQL) writes them there and then, the Whoosh backend right after the commit. Either
way an opinion is findable as soon as the request that issued it returns. A write that fails after
the commit leaves the index stale, never the issue undone: ``flask search check`` reports it and
``flask search rebuild`` repairs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload

from app.cases.models import Case
from app.consultations.models import Consultation
from app.extensions import db
from app.opinions.models import Opinion
from app.search.backends.base import SearchBackend, SearchUnavailable
from app.search.document import SearchDocument, cited_law_keys
from app.search.models import OpinionSearchText
from app.search.texts import build_search_text
from app.timeutil import local

log = logging.getLogger(__name__)

_QUEUED = "search_queued"        # session.info: opinion ids to index at commit
_READY = "search_ready"          # session.info: (docs, deleted ids) for a backend written after commit
SEARCHABLE = ("issued", "superseded")


def backend() -> SearchBackend:
    """This app's backend (``SEARCH_BACKEND``: ``whoosh`` or ``postgresql``), made once per app."""
    app = current_app._get_current_object()
    found = app.extensions.get("search_backend")
    if found is None:
        found = make_backend(app.config)
        app.extensions["search_backend"] = found
    return found


def make_backend(config) -> SearchBackend:
    name = (config.get("SEARCH_BACKEND") or "whoosh").lower()
    if name == "postgresql":
        from app.search.backends.postgres import PostgresBackend  # lazy: imported only when configured

        return PostgresBackend()
    if name != "whoosh":
        raise RuntimeError(f"SEARCH_BACKEND must be whoosh or postgresql, not {name!r}")
    from app.search.backends.whoosh_index import WhooshBackend  # lazy: imported only when configured

    directory = config.get("SEARCH_INDEX_DIR") or str(Path(config["INSTANCE_DIR"]) / "search")
    return WhooshBackend(directory)


def run(operation: Callable[[SearchBackend], object]):
    """``operation(backend)``; a fresh installation's missing index is created empty on the way (there
    is nothing to lose), while a lost index with opinions to hold stays an error until rebuilt."""
    search = backend()
    try:
        return _past_commits(search, operation)
    except SearchUnavailable:
        if not hasattr(search, "clear"):
            raise
        if _has_searchable_opinions():
            from app.search import recovery  # cycle: recovery rebuilds through this module

            recovery.rebuild_soon()
            raise recovery.SearchRebuilding() from None
        search.clear()
        return operation(search)


COMMIT_RETRIES = 3


def _past_commits(search: SearchBackend, operation: Callable[[SearchBackend], object]):
    """``operation(search)``, again when it failed while a writer committed: a Whoosh commit deletes
    the files of the segments it merged, which a search that had read the previous table of contents
    may not have opened yet (the load test met it: a 503 and a needless rebuild of a sound index).
    A failure with no commit in between is the index's own."""
    committed = getattr(search, "committed", None)   # Whoosh only: PostgreSQL reads in its transaction
    if committed is None:
        return operation(search)
    for _ in range(COMMIT_RETRIES - 1):
        before = committed()
        try:
            return operation(search)
        except SearchUnavailable:
            if committed() == before or not search.exists():
                raise
            log.info("a search met a commit of the index: searching the new one")
    return operation(search)


def _has_searchable_opinions(besides: Iterable[int] = ()) -> bool:
    stmt = select(Opinion.id).where(Opinion.status.in_(SEARCHABLE))
    if besides:
        stmt = stmt.where(Opinion.id.not_in(list(besides)))
    return db.session.scalar(stmt.limit(1)) is not None


# --------------------------------------------------------------------------- building documents


def search_text_for(opinion: Opinion, content: dict | None = None) -> OpinionSearchText:
    """The opinion's stored anonymized text; made now (and added) for an opinion issued before search existed."""
    stored = db.session.get(OpinionSearchText, opinion.id)
    if stored is None:
        from app.opinions.issuing import issued_content  # cycle: issuing calls on_issued here

        stored = build_search_text(opinion, content or issued_content(opinion) or {})
        db.session.add(stored)
    return stored


def document_for(opinion: Opinion, stored: OpinionSearchText | None = None,
                 content: dict | None = None) -> SearchDocument:
    from app.opinions.issuing import issued_content  # cycle: issuing calls on_issued here

    content = content if content is not None else (issued_content(opinion) or {})
    stored = stored or search_text_for(opinion, content)
    c = opinion.consultation
    case = c.case
    return SearchDocument(
        opinion_id=opinion.id, number=opinion.number or "", texts=dict(stored.sections),
        category=case.category or "", tier=c.tier or "", region_code=case.region_code or "",
        issued_on=local(opinion.issued_at).date(), conclusion=opinion.conclusion or "",
        recommendations=tuple(opinion.recommendations or ()), laws=tuple(cited_law_keys(content)),
        cross_flags=tuple(case.cross_flags or ()), superseded=opinion.status == "superseded",
        case_id=case.id, office_id=opinion.issuing_office_id or 0,
    ).with_fingerprint()


def searchable_opinions(ids: Iterable[int] | None = None):
    """Issued and superseded opinions with what building their documents reads, loaded together."""
    stmt = (select(Opinion).where(Opinion.status.in_(SEARCHABLE), Opinion.issued_at.is_not(None))
            .options(joinedload(Opinion.consultation).joinedload(Consultation.case).selectinload(Case.petitioners))
            .order_by(Opinion.id))
    if ids is not None:
        stmt = stmt.where(Opinion.id.in_(list(ids)))
    return stmt


def documents(ids: Iterable[int] | None = None, batch: int = 200):
    """``SearchDocument``s of the searchable opinions (all, or ``ids``), read in batches."""
    if ids is not None:
        ids = list(ids)
        for start in range(0, len(ids), batch):
            yield from _documents_of(db.session.scalars(searchable_opinions(ids[start:start + batch])).unique().all())
        return
    last = 0
    while True:
        rows = db.session.scalars(searchable_opinions().where(Opinion.id > last).limit(batch)).unique().all()
        if not rows:
            return
        yield from _documents_of(rows)
        last = rows[-1].id


def _documents_of(opinions: list[Opinion]):
    texts = {t.opinion_id: t for t in db.session.scalars(
        select(OpinionSearchText).where(OpinionSearchText.opinion_id.in_([o.id for o in opinions])))}
    for opinion in opinions:
        yield document_for(opinion, texts.get(opinion.id))


# --------------------------------------------------------------------------- keeping it current


def on_issued(opinion: Opinion, content: dict, superseded: Opinion | None = None) -> None:
    """Called by ``issue`` in its transaction: fix the anonymized text, queue both opinions."""
    db.session.add(build_search_text(opinion, content))
    queue([opinion.id] + ([superseded.id] if superseded is not None else []))


def queue(opinion_ids: Iterable[int]) -> None:
    db.session.info.setdefault(_QUEUED, set()).update(opinion_ids)


def _prepare(session: Session) -> None:
    """At commit, inside the transaction: build the queued documents (and those an earlier writer left
    pending); write them now if the backend is transactional, else keep them for after the commit."""
    ids = session.info.pop(_QUEUED, None)
    if not ids or not has_app_context():
        return
    search = backend()
    ids = set(ids)
    handled = set() if search.transactional else search.pending()
    ids |= handled
    session.flush()
    docs = list(documents(sorted(ids)))
    deleted = sorted(ids - {d.opinion_id for d in docs})
    if search.transactional:
        try:
            search.index(docs)
            if deleted:
                search.delete(deleted)
        except SearchUnavailable:  # the issue stands; the index is stale until rebuilt (``flask search check``)
            log.exception("search index update failed for opinions %s", sorted(ids))
    else:
        # Decided now, while SQL may still run: is the index gone although other opinions need it?
        lost = _index_lost(search, [d.opinion_id for d in docs] + deleted)
        session.info[_READY] = (docs, deleted, handled, lost)


def _write_after_commit(session: Session) -> None:
    ready = session.info.pop(_READY, None)
    if ready is None or not has_app_context():
        return
    write_now(*ready)


def _index_lost(search: SearchBackend, ids: list[int]) -> bool:
    exists = getattr(search, "exists", None)
    return exists is not None and not exists() and _has_searchable_opinions(besides=ids)


def write_now(docs: list[SearchDocument], deleted: list[int], handled: set[int], lost: bool = False) -> None:
    """Write to a non-transactional backend; if its writer is busy, leave the ids for the next one.
    ``lost``: the index is gone while other opinions need it — a new index holding just these
    would hide every other opinion, so they wait for the automatic rebuild."""
    search = backend()
    ids = [d.opinion_id for d in docs] + list(deleted)
    if lost:
        from app.search import recovery  # cycle: recovery rebuilds through this module

        # Left first, then looked again: ``lost`` was decided before the commit, and a rebuild that
        # has committed since may have flushed the pending ids before these were among them.
        search.defer(ids)
        if not search.exists():
            recovery.rebuild_soon()
            log.warning("search index missing: %d opinion(s) left for the automatic rebuild", len(ids))
            return
        handled = set(handled) | set(ids)  # rebuilt meanwhile: written here, and no longer pending
    try:
        search.write(docs, deleted, handled)
    except TimeoutError:
        search.defer([d.opinion_id for d in docs] + list(deleted))
        log.warning("search index busy: %d opinion(s) left for the next writer", len(docs) + len(deleted))
    except Exception:  # the issue is committed; the index is stale until rebuilt (``flask search check``)
        log.exception("search index update failed for opinions %s", [d.opinion_id for d in docs])


def _forget(session: Session) -> None:
    session.info.pop(_QUEUED, None)
    session.info.pop(_READY, None)


# Run before the audit chain's own before_commit hook (which must take the last lock).
event.listen(Session, "before_commit", _prepare, insert=True)
event.listen(Session, "after_commit", _write_after_commit)
event.listen(Session, "after_rollback", _forget)


# --------------------------------------------------------------------------- rebuild and check


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Re-index every searchable opinion from the database; returns the count."""
    count = backend().rebuild(documents(), progress)
    db.session.commit()  # search texts made for opinions issued before search existed
    flush_pending()
    return count


def flush_pending() -> None:
    """Index what writers left while the index was busy (after a rebuild, or from a cron job)."""
    search = backend()
    pending = set() if search.transactional else search.pending()
    if pending:
        docs = list(documents(sorted(pending)))
        db.session.commit()
        write_now(docs, sorted(pending - {d.opinion_id for d in docs}), pending)


@dataclass(frozen=True)
class CheckReport:
    indexed: int
    expected: int
    missing: list[int]
    stale: list[int]
    extra: list[int]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check() -> CheckReport:
    """Compare the index with what the database says it should hold."""
    indexed = backend().fingerprints()
    expected = {d.opinion_id: d.fingerprint for d in documents()}
    db.session.rollback()  # search texts made on the fly are not check's to keep
    missing = sorted(set(expected) - set(indexed))
    stale = sorted(i for i in expected if i in indexed and indexed[i] != expected[i])
    extra = sorted(set(indexed) - set(expected))
    return CheckReport(len(indexed), len(expected), missing, stale, extra)

