"""The bulk segment writer of ``rebuild``: its segments are Whoosh's own, byte for byte; a rebuild in
several segments built by worker processes finds what Whoosh's writer finds; updates and deletes
after it work; a rebuild that fails half-way leaves the old index and no stray files."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from app.search.backends import parallel
from app.search.backends import whoosh_index as backend_module
from app.search.backends.base import Filters, SearchRequest
from app.search.backends.whoosh_bulk import build_segment
from app.search.backends.whoosh_index import INDEX_NAME, WhooshBackend, _fields, schema
from app.search.document import SearchDocument
from tests.search.documents import documents

QUERIES = ["征地补偿", '"行政复议"', "工伤 认定", "养老保险 -工伤", "信访 OR 复核", "补偿 NOT 安置", "Ｘ县", "ab12"]


def odd_documents() -> list[SearchDocument]:
    """Edge cases for the codec: empty and missing sections, text without any Han character, a
    term with more than 255 positions in one document."""
    def doc(i: int, texts: dict) -> SearchDocument:
        return SearchDocument(opinion_id=i, number=f"〔2026〕测{i}号", texts=texts, category="housing",
                              tier="municipal", region_code="320102", issued_on=date(2026, 5, 1 + i % 28),
                              conclusion="claim_unreasonable", recommendations=("terminate", "explain"),
                              laws=("信访工作条例第33条",)).with_fingerprint()
    return [
        doc(9001, {"title": "", "findings": ""}),
        doc(9002, {"title": "ABC 123 abc-123 ＡＢＣ１２３", "facts": "   \n\t  ", "analysis": "... ,,, ；；"}),
        doc(9003, {"title": "补偿" * 300, "findings": "征地补偿安置" * 200 + "。补偿"}),
        doc(9004, {"title": "一", "facts": "𠀀𠀁 Ω ß Ｘ县"}),
    ]


def segment_files(directory, segment) -> dict[str, bytes]:
    """A compound segment's subfiles by name less the segment's random id."""
    storage = segment.open_compound_file(FileStorage(str(directory)))
    try:
        return {name.replace(segment.segid, ""): storage.open_file(name).read() for name in storage.list()}
    finally:
        storage.close()


def whoosh_segment(directory, docs: list[dict]):
    ix = whoosh_index.create_in(str(directory), schema(), indexname=INDEX_NAME)
    writer = ix.writer()
    for fields in docs:
        writer.add_document(**fields)
    writer.commit()
    (segment,) = whoosh_index.open_dir(str(directory), indexname=INDEX_NAME)._segments()
    return segment


@pytest.mark.parametrize("corpus", [
    pytest.param(lambda: [*documents(296, seed=5), *odd_documents()], id="300: terms of several blocks of 128"),
    pytest.param(odd_documents, id="edge cases: fields without any term"),
    pytest.param(lambda: odd_documents()[:1], id="one opinion without text"),
])
def test_a_bulk_segment_is_byte_for_byte_what_whoosh_writes(tmp_path, corpus):
    docs = [_fields(d) for d in corpus()]
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "bulk").mkdir()
    expected = segment_files(tmp_path / "whoosh", whoosh_segment(tmp_path / "whoosh", docs))
    built = segment_files(tmp_path / "bulk", build_segment(str(tmp_path / "bulk"), INDEX_NAME, schema(), docs))
    assert sorted(built) == sorted(expected)
    for name, data in expected.items():
        assert built[name] == data, name


def results(backend: WhooshBackend) -> list:
    found = []
    for q in QUERIES:
        page = backend.search(SearchRequest(q=q, limit=50))
        found.append((q, page.total, [(h.opinion_id, round(h.score, 4)) for h in page.hits], page.facets))
        by_date = backend.search(SearchRequest(q=q, sort="date", filters=Filters(region_code="320000"), limit=50))
        found.append((q, by_date.total, [h.opinion_id for h in by_date.hits]))
    return found


@pytest.fixture
def small_segments(monkeypatch):
    """Segments of 16 opinions, so that a rebuild of 60 forks its worker processes (whatever
    threads earlier tests left behind)."""
    monkeypatch.setattr(backend_module, "SEGMENT_DOCS", 16)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)


def test_a_rebuild_in_several_segments_finds_what_whoosh_writer_finds(tmp_path, small_segments):
    corpus = [*documents(56, seed=9), *odd_documents()]
    written = WhooshBackend(tmp_path / "written")
    written.index(corpus)
    rebuilt = WhooshBackend(tmp_path / "rebuilt")
    progress = []
    assert rebuilt.rebuild(iter(corpus), progress.append) == 60
    assert progress == [16, 16, 16, 12]
    assert [s.doc_count() for s in rebuilt._open()._segments()] == [16, 16, 16, 12]
    assert results(rebuilt) == results(written)
    assert rebuilt.fingerprints() == written.fingerprints()


def test_updates_and_deletes_after_a_bulk_rebuild(tmp_path, small_segments):
    corpus = list(documents(40, seed=3))
    backend = WhooshBackend(tmp_path / "ix")
    backend.rebuild(corpus)
    changed = replace(corpus[0], texts={"title": "独一无二的更正标题"}).with_fingerprint()
    backend.index([changed])
    backend.delete([corpus[1].opinion_id])
    assert [h.opinion_id for h in backend.search(SearchRequest(q="独一无二")).hits] == [corpus[0].opinion_id]
    assert backend.search(SearchRequest(q="")).total == 39
    assert corpus[1].opinion_id not in backend.fingerprints()
    assert backend.fingerprints()[corpus[0].opinion_id] == changed.fingerprint
    backend.rebuild(corpus)  # and a rebuild replaces everything again
    assert backend.search(SearchRequest(q="独一无二")).total == 0
    assert backend.fingerprints() == {d.opinion_id: d.fingerprint for d in corpus}


def files_in(directory) -> list[str]:
    return sorted(os.path.relpath(os.path.join(root, name), directory)
                  for root, _, names in os.walk(directory) for name in names)


def test_a_rebuild_that_fails_half_way_leaves_the_old_index_and_no_stray_files(tmp_path, small_segments):
    backend = WhooshBackend(tmp_path / "ix")
    backend.rebuild(documents(20, seed=4))
    before = results(backend)
    files_before = files_in(backend.directory)

    def failing():
        yield from documents(40, seed=8)
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError):
        backend.rebuild(failing())
    assert results(backend) == before
    assert files_in(backend.directory) == files_before


def test_an_update_after_a_rebuild_leaves_the_rebuilds_segments_alone(tmp_path, small_segments, monkeypatch):
    """Whoosh's own policy merges all six segments here (as all twenty-one after a rebuild of
    100,000 opinions); updates merge only the small segments they made."""
    monkeypatch.setattr(backend_module, "MERGE_BELOW", 10)
    backend = WhooshBackend(tmp_path / "ix")
    backend.rebuild(documents(80, seed=6))
    rebuilt = {s.segid for s in backend._open()._segments()}
    extra = list(documents(6, seed=6, start=500))
    for doc in extra:
        backend.index([doc])
    segments = backend._open()._segments()
    assert rebuilt <= {s.segid for s in segments}
    assert [s.doc_count_all() for s in segments if s.segid not in rebuilt] == [6]  # five merged into the sixth
    assert backend.search(SearchRequest(q="")).total == 86
    assert set(backend.fingerprints()) == {d.opinion_id for d in [*documents(80, seed=6), *extra]}


def test_a_first_rebuild_that_fails_half_way_leaves_no_index_files(tmp_path, small_segments):
    backend = WhooshBackend(tmp_path / "ix")

    def failing():
        yield from documents(40, seed=8)  # two batches of 16 go to the workers before the failure
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError):
        backend.rebuild(failing())
    assert files_in(backend.directory) == ["writer.lock"]  # no segment's file, whole or partial
