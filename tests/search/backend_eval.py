"""The real search backends as relevance factories (``tests.search.relevance``): the evaluation
opinions become ``SearchDocument``s (as the service builds them), a backend rebuilds from them, and
each query runs as the search page would run it (``law=…`` as the provision filter)."""

from __future__ import annotations

import tempfile

from app.documents.citations import law_keys
from app.search.backends.base import Filters, SearchRequest
from tests.search.documents import document

LAW_PREFIX = "law="


def request_for(query: str) -> SearchRequest:
    if query.startswith(LAW_PREFIX):
        text = query[len(LAW_PREFIX):]
        keys = law_keys(text)
        return SearchRequest("", Filters(law=keys[-1] if keys else text), limit=100, facets=False)
    return SearchRequest(query, limit=100, facets=False)


def backend_factory(backend, opinion_ids: list[int] | None = None, commit=None):
    """A factory indexing into ``backend``; ``opinion_ids`` are the ids to give the opinions (the
    PostgreSQL entries reference real opinion rows), ``commit`` ends the writing transaction."""
    def factory(records: list[dict]):
        numbers = opinion_ids or list(range(1, len(records) + 1))
        docs = [document(r, numbers[i]) for i, r in enumerate(records)]
        backend.rebuild(iter(docs))
        if commit is not None:
            commit()
        names = {numbers[i]: r["id"] for i, r in enumerate(records)}

        def search(query: str) -> list[str]:
            return [names[h.opinion_id] for h in backend.search(request_for(query)).hits]
        return search
    return factory


def whoosh_backend(records: list[dict]):
    from app.search.backends.whoosh_index import WhooshBackend

    return backend_factory(WhooshBackend(tempfile.mkdtemp(prefix="eval-whoosh-")))(records)
