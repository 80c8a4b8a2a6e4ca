"""Search tests run against every backend: ``search_backend`` is parametrized over Whoosh and
PostgreSQL (the latter only when TEST_DATABASE_URL is PostgreSQL) and installed as the app's
backend for the test, the previous one restored afterwards."""

from __future__ import annotations

import os

import pytest

BACKENDS = ("whoosh", "postgresql")


def on_postgresql() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def make(name: str, directory):
    if name == "postgresql":
        from app.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from app.search.backends.whoosh_index import WhooshBackend

    return WhooshBackend(directory)


@pytest.fixture(params=BACKENDS)
def search_backend(request, app, tmp_path):
    if request.param == "postgresql" and not on_postgresql():
        pytest.skip("the PostgreSQL backend needs TEST_DATABASE_URL=postgresql://…")
    missing = object()
    previous = app.extensions.get("search_backend", missing)
    backend = make(request.param, tmp_path / "index")
    app.extensions["search_backend"] = backend
    yield backend
    if previous is missing:
        app.extensions.pop("search_backend", None)
    else:
        app.extensions["search_backend"] = previous
