"""Helpers of the operations tests: reading /metrics and capturing the JSON log."""

from __future__ import annotations

import io
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.ops import logs


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """{(sample name, frozenset of label items): value} of a Prometheus text exposition."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def scrape(client):
    """scrape() → the text of GET /metrics, asked from this host."""

    def read() -> str:
        resp = client.get("/metrics")
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return resp.get_data(as_text=True)

    return read


@pytest.fixture
def json_log(app, monkeypatch):
    """Switch the app to JSON logs written to a buffer; yields the buffer. Restores the quiet
    test logging afterwards."""
    monkeypatch.setitem(app.config, "LOG_FORMAT", "json")
    logs.configure(app)
    handler = app.extensions[logs.HANDLER_KEY]
    buffer = io.StringIO()
    handler.setStream(buffer)
    yield buffer
    app.logger.removeHandler(handler)
    app.logger.propagate = True
    app.logger.setLevel(logging.NOTSET)
    app.extensions.pop(logs.HANDLER_KEY, None)
