"""What only the PostgreSQL backend does: it writes in the caller's transaction, and a missing table
answers ``SearchUnavailable`` without breaking the request's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.search.backends.base import Filters, SearchRequest, SearchUnavailable
from tests.search.conftest import on_postgresql
from tests.search.test_backends import make_doc, opinion_ids  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(not on_postgresql(), reason="needs TEST_DATABASE_URL=postgresql://…")


@pytest.fixture
def backend(app):
    from app.search.backends.postgres import PostgresBackend

    return PostgresBackend()


def test_writes_belong_to_the_callers_transaction(backend, opinion_ids):  # noqa: F811
    doc = make_doc(opinion_ids[0], 0, "区片综合地价标准偏低。")
    backend.index([doc])
    assert backend.search(SearchRequest('"区片综合地价"')).total == 1  # visible inside the transaction
    db.session.rollback()
    assert backend.search(SearchRequest('"区片综合地价"')).total == 0
    backend.index([doc])
    db.session.commit()
    assert backend.search(SearchRequest('"区片综合地价"')).total == 1


def test_a_missing_table_is_unavailable_and_the_transaction_survives(backend, opinion_ids):  # noqa: F811
    db.session.execute(text("ALTER TABLE search_entries RENAME TO search_entries_away"))
    try:
        assert backend.available() is False
        with pytest.raises(SearchUnavailable):
            backend.search(SearchRequest("补偿"))
        with pytest.raises(SearchUnavailable):
            backend.index([make_doc(opinion_ids[0], 0, "补偿")])
        assert db.session.execute(text("SELECT count(*) FROM opinions")).scalar() == len(opinion_ids)
    finally:
        db.session.execute(text("ALTER TABLE search_entries_away RENAME TO search_entries"))
        db.session.commit()
    assert backend.available() is True


def test_planner_settings_stay_inside_the_search(backend, opinion_ids):  # noqa: F811
    backend.search(SearchRequest("补偿"))
    assert db.session.execute(text("SHOW enable_seqscan")).scalar() == "on"


def test_facet_keys_name_the_entries_values_as_migration_0013_writes_them(backend, opinion_ids):  # noqa: F811
    """Entries written by the backend and those migration 0013 moved over share one key per
    combination: the backend's ``facet_combination`` and the migration's SQL agree, including an
    empty set of recommendations; an updated opinion moves to its new combination's key."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0013_search_terms.py"
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    docs = [make_doc(opinion_ids[i], i, "补偿标准") for i in range(6)]
    docs.append(make_doc(opinion_ids[6], 6, "补偿标准", recommendations=()))
    backend.index(docs)
    backend.index([make_doc(opinion_ids[0], 0, "补偿标准", category="health")])
    db.session.commit()
    rows = db.session.execute(text(
        f"SELECT k.combination, {migration.COMBINATION} FROM search_terms t "
        "JOIN search_entries e USING (opinion_id) JOIN search_facet_keys k ON k.id = t.facet_key")).all()
    assert len(rows) == 7
    assert all(written == moved for written, moved in rows)
    assert sum(combination.startswith("health\x1f") for combination, _ in rows) == 1
    page = backend.search(SearchRequest("补偿"))
    assert page.total == 7 and page.facets["category"].get("health") == 1


@pytest.mark.parametrize("first_commits", [True, False])
def test_two_writers_of_one_new_facet_combination_both_land_on_one_key(backend, opinion_ids, first_commits):  # noqa: F811
    """Two transactions index opinions of the same combination no opinion had before: the second
    waits for the first's key, then uses it (or, when the first rolls back, adds it itself)."""
    import threading
    import time

    from app.search.backends.postgres import _UPSERT, row

    # the same facet values (those of doc 0), two opinions
    docs = [make_doc(opinion_ids[i], 0, "补偿标准", category="concurrent_category") for i in (0, 1)]
    engine = db.engine  # the thread has no application context
    done: list[float] = []

    def second_writer() -> None:
        with engine.begin() as conn:
            conn.execute(_UPSERT, row(docs[1]))
            done.append(time.monotonic())

    first = engine.connect()
    thread = threading.Thread(target=second_writer, daemon=True)
    try:
        first.begin()
        first.execute(_UPSERT, row(docs[0]))
        thread.start()
        time.sleep(0.5)
        assert not done, "the second writer went ahead of the first's uncommitted key"
        released = time.monotonic()
        (first.commit if first_commits else first.rollback)()
    finally:
        first.close()
    thread.join(timeout=10)
    assert done and done[0] >= released
    keys = db.session.execute(text("SELECT t.opinion_id, t.facet_key FROM search_terms t JOIN search_facet_keys k "
                                   "ON k.id = t.facet_key WHERE k.combination LIKE 'concurrent_category%'")).all()
    landed = docs if first_commits else docs[1:]
    assert sorted(i for i, _ in keys) == sorted(d.opinion_id for d in landed)
    assert len({k for _, k in keys}) == 1
    assert db.session.execute(text("SELECT count(*) FROM search_facet_keys "
                                   "WHERE combination LIKE 'concurrent_category%'")).scalar() == 1


def test_an_entry_whose_terms_are_gone_counts_as_missing(backend, opinion_ids):  # noqa: F811
    """Searches find an opinion through ``search_terms``: an entry left without them is what
    ``flask search check`` must list (the fingerprints leave it out)."""
    docs = [make_doc(opinion_ids[i], i, "补偿标准") for i in range(3)]
    backend.index(docs)
    db.session.commit()
    assert set(backend.fingerprints()) == {d.opinion_id for d in docs}
    db.session.execute(text("DELETE FROM search_terms WHERE opinion_id = :i"), {"i": docs[1].opinion_id})
    db.session.commit()
    assert backend.search(SearchRequest("补偿")).total == 2
    assert set(backend.fingerprints()) == {docs[0].opinion_id, docs[2].opinion_id}


def test_units_are_kept_in_the_entrys_row(backend, opinion_ids):  # noqa: F811
    """Phrase checks read ``units`` of every candidate: migration 0014 keeps them compressed in the
    heap row (``STORAGE MAIN``), not out of line in TOAST (a TOAST read cost ~11.5 µs each)."""
    storage = db.session.execute(text("SELECT attstorage FROM pg_attribute WHERE attrelid = 'search_entries'::regclass "
                                      "AND attname = 'units'")).scalar()
    assert storage == "m"
    text_of_a_page = "；".join(f"第{i}项：集体经济组织成员资格认定及收益分配。" for i in range(120))  # ~3,000 characters
    backend.index([make_doc(opinion_ids[0], 0, text_of_a_page)])
    db.session.commit()
    stored, raw = db.session.execute(text("SELECT pg_column_size(units), octet_length(units) FROM search_entries "
                                          "WHERE opinion_id = :i"), {"i": opinion_ids[0]}).one()
    assert raw > 5000 and stored < raw  # compressed
    assert backend.search(SearchRequest('"集体经济组织成员资格认定"')).total == 1


def test_ranked_candidates_are_the_newest_holding_every_word_then_the_newest_others(backend, opinion_ids,  # noqa: F811
                                                                                     monkeypatch):
    """Relevance ranks ``RANK_CANDIDATES`` candidates: the newest opinions holding every word (a
    chain of three or more units checked one by one, newest first, until enough pass), and only
    when they are fewer, the newest of the other matches."""
    from app.search.backends import postgres

    monkeypatch.setattr(postgres, "RANK_CANDIDATES", 2)
    texts = ["停产停业损失，补偿标准，鉴定。"] + ["停产停业损失，补偿标准。"] * 2 + [
        "停产停业。业损失，补偿。",   # every bigram of 停产停业损失, not the chain: fails the check
        "补偿到位。", "补偿到位。"]  # newer, one word only
    docs = [make_doc(opinion_ids[i], i, text) for i, text in enumerate(texts)]  # issued a week apart, in order
    backend.index(docs)
    db.session.commit()
    page = backend.search(SearchRequest("停产停业损失 补偿", limit=2))
    assert page.total == 6
    assert {h.opinion_id for h in page.hits} == {opinion_ids[1], opinion_ids[2]}  # not 3 (no chain), not 4, 5 (newer)
    page = backend.search(SearchRequest("停产停业损失 鉴定", limit=2))
    assert page.total == 4  # 0–3 hold a part of the chain or 鉴定
    assert {h.opinion_id for h in page.hits} == {opinion_ids[0], opinion_ids[3]}  # the one with both, the newest other
    first, second = (backend.search(SearchRequest("停产停业损失 鉴定", limit=2, offset=o)) for o in (0, 2))
    assert first.hits[0].opinion_id == opinion_ids[0]  # every word: ranked double
    pages = [h.opinion_id for h in first.hits + second.hits]  # a later page ranks enough candidates for itself
    assert sorted(pages) == sorted(opinion_ids[:4])


def test_candidates_holding_every_word_are_looked_for_in_the_latest_year_first(backend, opinion_ids,  # noqa: F811
                                                                                 monkeypatch):
    """The newest opinions holding every word come from the latest year when it holds enough of
    them, and from all years when it does not: the candidates are the same either way."""
    from datetime import date

    from app.search.backends import postgres

    monkeypatch.setattr(postgres, "RANK_CANDIDATES", 2)
    both, one = "征地补偿标准偏低。", "补偿到位。"
    dated = [(date(2024, 5, 1), both), (date(2024, 6, 1), both), (date(2025, 6, 1), both), (date(2026, 1, 5), both),
             (date(2026, 2, 1), one)]
    backend.index([make_doc(opinion_ids[i], i, text, issued_on=day) for i, (day, text) in enumerate(dated)])
    db.session.commit()
    page = backend.search(SearchRequest("征地 补偿", limit=2))
    assert page.total == 5
    # 2026 holds one opinion with both words: the other is the newest of 2025, not 2026's newer one-word
    # opinion, nor the two of 2024 (the earliest year would hold enough)
    assert {h.opinion_id for h in page.hits} == {opinion_ids[3], opinion_ids[2]}
    backend.index([make_doc(opinion_ids[5], 5, both, issued_on=date(2026, 3, 1))])
    db.session.commit()
    page = backend.search(SearchRequest("征地 补偿", limit=2))
    assert page.total == 6
    assert {h.opinion_id for h in page.hits} == {opinion_ids[5], opinion_ids[3]}  # 2026 alone holds enough
    page = backend.search(SearchRequest("征地 补偿", Filters(year=2024), limit=2))
    assert {h.opinion_id for h in page.hits} == {opinion_ids[0], opinion_ids[1]}


def test_a_rebuild_leaves_no_gin_pending_list(backend, opinion_ids):  # noqa: F811
    """Every search scans GIN's pending list whole: a rebuild merges what its batches left there,
    while an incremental write leaves its entries pending (merged by autovacuum or at 4 MB)."""
    def pending_pages_merged() -> int:
        found = db.session.execute(text("SELECT gin_clean_pending_list('ix_search_terms_tsv'::regclass)")).scalar()
        db.session.commit()
        return found

    docs = [make_doc(opinion_ids[i], i, f"第{i}件：区片综合地价标准偏低，征地补偿安置未落实。") for i in range(5)]
    backend.index(docs)
    db.session.commit()
    assert pending_pages_merged() > 0
    backend.rebuild(docs)
    assert pending_pages_merged() == 0
    assert backend.search(SearchRequest('"区片综合地价"')).total == 5


def test_facet_keys_are_named_once_per_process_and_afresh_for_a_rewritten_table(backend, opinion_ids):  # noqa: F811
    """The counts return facet keys, named from what the process has read (``FACET_KEYS``): a new
    combination is read when it first appears, and a keys' table rewritten with the same ids for
    other combinations (TRUNCATE … RESTART IDENTITY, as a restore or a test's clean-up may do) is
    read afresh, never named from what the old table said."""
    from app.search.backends.pg_facets import FACET_KEYS

    def reset_keys() -> None:
        db.session.execute(text("TRUNCATE search_terms, search_entries, search_facet_keys RESTART IDENTITY"))
        db.session.commit()

    reset_keys()
    backend.index([make_doc(opinion_ids[0], 0, "补偿标准", category="land_expropriation")])
    db.session.commit()
    assert backend.search(SearchRequest("补偿")).facets["category"] == {"land_expropriation": 1}
    backend.index([make_doc(opinion_ids[1], 1, "补偿标准", category="health")])   # a new key, named when first seen
    db.session.commit()
    assert backend.search(SearchRequest("补偿")).facets["category"] == {"land_expropriation": 1, "health": 1}

    reset_keys()   # key 1 now names another combination
    backend.index([make_doc(opinion_ids[2], 2, "补偿标准", category="housing")])
    db.session.commit()
    page = backend.search(SearchRequest("补偿"))
    assert page.total == 1 and page.facets["category"] == {"housing": 1}
    FACET_KEYS.clear()
    assert backend.search(SearchRequest("补偿")).facets == page.facets


def test_facets_stay_exact_when_the_kept_keys_are_forgotten(backend, opinion_ids, monkeypatch):  # noqa: F811
    """Past its bound the process forgets a table's keys; a search that needs keys it knew and keys
    it must read still counts every one of them."""
    from app.search.backends.pg_facets import FACET_KEYS

    monkeypatch.setattr(FACET_KEYS, "LIMIT", 1)
    categories = ["land_expropriation", "health", "housing"]
    backend.index([make_doc(opinion_ids[i], i, "补偿标准", category=c) for i, c in enumerate(categories[:2])])
    db.session.commit()
    assert backend.search(SearchRequest("补偿")).facets["category"] == {"land_expropriation": 1, "health": 1}
    backend.index([make_doc(opinion_ids[2], 2, "补偿标准", category="housing")])
    db.session.commit()
    for _ in range(2):
        assert backend.search(SearchRequest("补偿")).facets["category"] == dict.fromkeys(categories, 1)
