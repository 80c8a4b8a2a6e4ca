"""Generated opinions as ``SearchDocument``s, for the search benchmark and the backend tests: the
same fields the service builds from an issued opinion (``document_for``), from a corpus record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from app.search.document import SearchDocument, cited_law_keys, section_texts
from tests.search.corpus import generate_opinion


def document(record: dict, opinion_id: int) -> SearchDocument:
    return SearchDocument(
        opinion_id=opinion_id, number=record["number"], texts=section_texts(record), category=record["category"],
        tier=record["tier"], region_code=record["region_code"], issued_on=date.fromisoformat(record["date"]),
        conclusion=record["conclusion"], recommendations=tuple(record["recommendations"]),
        laws=tuple(cited_law_keys(record)), cross_flags=tuple(record["cross_flags"]), superseded=False,
        case_id=opinion_id, office_id=1,
    ).with_fingerprint()


def documents(count: int, *, seed: int = 7, start: int = 0, length: int = 3000) -> Iterator[SearchDocument]:
    for index in range(start, start + count):
        yield document(generate_opinion(index, seed=seed, length=length), index + 1)
