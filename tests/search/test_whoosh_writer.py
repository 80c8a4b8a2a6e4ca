"""The Whoosh index's one writer: a busy writer leaves the update for the next one (never lost, never
an error for the user who issued); a writer killed mid-write leaves the last committed index
searchable and no stale lock; searches run while a writer holds the lock."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
import time
from datetime import date

import pytest

from app.search import service
from app.search.backends.base import SearchRequest, SearchUnavailable
from app.search.backends.whoosh_index import WhooshBackend
from app.search.backends.whoosh_index import _fields as index_fields
from app.search.document import SearchDocument
from tests.search.corpus import generate_opinions
from tests.search.issued import insert_issued

RECORDS = list(generate_opinions(4, seed=11))


def doc(i: int, text: str) -> SearchDocument:
    return SearchDocument(opinion_id=i, number=f"〔2026〕测{i}号", texts={"title": f"意见书{i}", "findings": text},
                          category="housing", tier="municipal", region_code="320102", issued_on=date(2026, 5, i),
                          conclusion="claim_unreasonable").with_fingerprint()


def ids(backend: WhooshBackend, q: str) -> set[int]:
    return {h.opinion_id for h in backend.search(SearchRequest(q=q, limit=50)).hits}


@pytest.fixture
def whoosh(app):
    """The app's Whoosh backend with a short lock timeout."""
    backend = service.backend()
    if backend.name != "whoosh":
        pytest.skip("Whoosh only")
    saved = backend.lock_timeout
    backend.lock_timeout = 0.3
    yield backend
    backend.lock_timeout = saved


def test_an_issue_while_the_writer_is_busy_is_indexed_by_the_next_writer(app, world, factory, whoosh, runner):
    outside = factory.org("某区民政局", kind="handling_agency", tier="county", region_code="320102")
    first = insert_issued(RECORDS[0], outside, world.nj)
    with open(whoosh.directory / "writer.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is writing (e.g. a rebuild)
        second = insert_issued(RECORDS[1], outside, world.nj)  # commits fine; the index write is deferred
        fcntl.flock(held, fcntl.LOCK_UN)
    assert whoosh.pending() == {second.id}
    assert set(whoosh.fingerprints()) == {first.id}
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and f"缺失 1 份：{second.id}" in result.output
    insert_issued(RECORDS[2], outside, world.nj)  # the next writer takes the pending one along
    assert whoosh.pending() == set()
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def _write_and_die(directory: str, ready) -> None:
    backend = WhooshBackend(directory)
    with backend._writer_lock(None):
        writer = backend._index_for_writing().writer()
        for i in range(1, 30):
            writer.update_document(**index_fields(doc(i % 28 + 1, "被杀死的写入进程写下的内容")))
        ready.set()
        time.sleep(60)  # killed here, before commit


def test_a_writer_killed_mid_write_leaves_the_index_searchable_and_unlocked(tmp_path):
    backend = WhooshBackend(tmp_path / "ix", lock_timeout=2)
    backend.index([doc(1, "征地补偿安置协议"), doc(2, "最低生活保障")])
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    proc = ctx.Process(target=_write_and_die, args=(str(backend.directory), ready))
    proc.start()
    assert ready.wait(30)
    assert ids(backend, "征地补偿") == {1}  # readers are unaffected by the writer
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    assert ids(backend, "征地补偿") == {1}
    assert ids(backend, "写入进程") == set()  # nothing of the uncommitted write
    backend.index([doc(3, "征地补偿标准")])  # the lock died with the process
    assert ids(backend, "征地补偿") == {1, 3}


def test_searches_run_while_a_rebuild_holds_the_writer(tmp_path):
    backend = WhooshBackend(tmp_path / "ix", lock_timeout=0.2)
    backend.index([doc(1, "征地补偿安置协议")])
    seen = []

    def slow_docs():
        for i in range(2, 6):
            seen.append(ids(backend, "征地补偿"))  # during the rebuild: the old index answers
            yield doc(i, "征地补偿新文本")

    assert backend.rebuild(slow_docs()) == 4
    assert seen == [{1}] * 4
    assert ids(backend, "征地补偿") == {2, 3, 4, 5}  # CLEAR: the rebuild replaced everything
    with pytest.raises(TimeoutError), backend._writer_lock(None):
        backend.index([doc(9, "x")])  # a second writer in the same process waits, then gives up


def test_an_opinion_left_for_a_rebuild_that_committed_meanwhile_is_written_at_once(app, whoosh, monkeypatch):
    """The index was missing when an issue's transaction looked (before its commit) but has been
    rebuilt by the time the commit is over: the opinion is written then, not left pending behind a
    rebuild that has already flushed (CI once found it missing after the self-repair)."""
    from app.search import recovery

    started: list[bool] = []
    monkeypatch.setattr(recovery, "rebuild_soon", lambda: started.append(True))
    whoosh.write([doc(1, "区片综合地价偏低")])               # the rebuilt index
    service.write_now([doc(2, "区片综合地价标准")], [], set(), lost=True)
    assert ids(whoosh, "区片综合地价") == {1, 2}
    assert whoosh.pending() == set() and not started


def test_an_opinion_issued_while_the_index_is_missing_waits_for_the_rebuild(app, whoosh, monkeypatch):
    from app.search import recovery

    started: list[bool] = []
    monkeypatch.setattr(recovery, "rebuild_soon", lambda: started.append(True))
    whoosh.clear()
    for toc in whoosh.directory.glob("*.toc"):
        toc.unlink()                                        # the index is gone
    assert not whoosh.exists()
    service.write_now([doc(2, "区片综合地价标准")], [], set(), lost=True)
    assert whoosh.pending() == {2} and started == [True]


def test_a_search_that_meets_a_commit_searches_the_new_index(app, world, factory, whoosh, monkeypatch):
    """A Whoosh commit deletes the files of the segments it merged; a search in another process that
    had read the previous table of contents fails on them. That is not a lost index: the search runs
    again on the new one, and no rebuild starts (the load test once met a 503 and a needless rebuild)."""
    from app.search import recovery

    started: list[bool] = []
    monkeypatch.setattr(recovery, "rebuild_soon", lambda: started.append(True))
    insert_issued(RECORDS[0], factory.org("某区民政局", kind="handling_agency", tier="county", region_code="320102"),
                  world.nj)   # an opinion to hold: a lost index would be rebuilt, not recreated empty
    whoosh.write([doc(1, "区片综合地价偏低")])
    real_search, calls = whoosh.search, []

    def search_meeting_a_commit(request):
        calls.append(request)
        if len(calls) == 1:
            whoosh.write([doc(2, "区片综合地价标准")])   # another worker commits meanwhile
            raise SearchUnavailable("检索索引读取失败：FileNotFoundError")
        return real_search(request)

    monkeypatch.setattr(whoosh, "search", search_meeting_a_commit)
    page = service.run(lambda search: search.search(SearchRequest(q="区片综合地价", limit=50)))
    assert {h.opinion_id for h in page.hits} == {1, 2} and len(calls) == 2
    assert not started

    def failing_without_a_commit(request):   # the index's own failure: still a lost index
        raise SearchUnavailable("检索索引读取失败：EOFError")

    monkeypatch.setattr(whoosh, "search", failing_without_a_commit)
    with pytest.raises(recovery.SearchRebuilding):
        service.run(lambda search: search.search(SearchRequest(q="区片综合地价", limit=50)))
    assert started == [True]
