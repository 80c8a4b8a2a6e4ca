"""What only the PostgreSQL backend does: it writes in the caller's transaction, and a missing table
answers ``SearchUnavailable`` without breaking the request's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.search.backends.base import SearchRequest, SearchUnavailable
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
