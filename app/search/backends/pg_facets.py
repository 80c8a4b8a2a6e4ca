"""Facet counts for the PostgreSQL backend: each opinion's six facet values are one combination
(``facet_combination``) stored once in ``search_facet_keys`` and referenced by an integer key; a
search groups its matches by key and returns the keys and their counts as two arrays in one row.
Here the keys are summed per (facet, value).

Why this way, measured at 100,000 generated opinions (10,034 combinations): one result row per
combination, named by joining its text, cost ~4 ms in the database and ~15–20 ms of Python for a
query matching them all (10,000 rows turned into objects, each combination's values looked up and
added one by one). The arrays arrive as two lists, and numpy sums them through a matrix of each
known key's (facet, value) slots kept per process (``FacetKeys``): a key is read from the database
once, when a search first meets it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from sqlalchemy import text

from app.search.backends.base import FACETS, SearchUnavailable, ordered_counts
from app.search.document import SearchDocument

SEPARATOR = "\x1f"
# The facets in a combination, in order. ``recommendation`` is an opinion's whole set of
# recommendations, each member of which counts.
FACET_ORDER = ("category", "tier", "province", "year", "conclusion", "recommendation")
_NO_VALUE = ("", "-")


def facet_combination(doc: SearchDocument) -> str:
    """The six facet values of ``doc`` as one text (migration 0013 writes the same in SQL)."""
    values = (doc.category, doc.tier, doc.province_code, "" if doc.year is None else str(doc.year), doc.conclusion,
              ",".join(doc.recommendations))
    return SEPARATOR.join(v or "" for v in values)


# Every (facet, value) pair this process has seen, numbered in the order seen (a few hundred: the
# values come from code lists, years and provinces). A pair's column in a slot matrix is its
# number + 1: column 0 is the padding of combinations with fewer pairs.
_PAIRS: list[tuple[str, str]] = []
_PAIR_NUMBERS: dict[tuple[str, str], int] = {}
_PAIRS_LOCK = threading.Lock()   # web workers search in several threads


def _numbers(combination: str) -> list[int]:
    """The numbers of a combination's (facet, value) pairs, each recommendation of the set apart."""
    pairs = [(facet, member) for facet, value in zip(FACET_ORDER, combination.split(SEPARATOR), strict=True)
             for member in (value.split(",") if facet == "recommendation" else (value,)) if member not in _NO_VALUE]
    with _PAIRS_LOCK:
        for pair in pairs:
            if pair not in _PAIR_NUMBERS:
                _PAIR_NUMBERS[pair] = len(_PAIRS)
                _PAIRS.append(pair)
        return [_PAIR_NUMBERS[pair] for pair in pairs]


def slot_matrix(combinations: Sequence[str]) -> np.ndarray:
    """One row per combination: its pairs' numbers + 1, padded with 0."""
    numbers = [_numbers(c) for c in combinations]
    matrix = np.zeros((len(numbers), max(map(len, numbers), default=0)), dtype=np.int32)
    for row, found in enumerate(numbers):
        matrix[row, :len(found)] = np.asarray(found, dtype=np.int32) + 1
    return matrix


def summed(slots: np.ndarray, counts: np.ndarray) -> dict[str, dict[str, int]]:
    """facet → value → count, most frequent first, from the slot rows of the matches' combinations
    (``slot_matrix``) and each combination's number of matches."""
    sums = np.bincount(slots.ravel(), weights=np.repeat(counts, slots.shape[1]).astype(np.float64))
    found: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for column in np.flatnonzero(sums[1:]):   # exact: counts are far below 2**53
        facet, member = _PAIRS[column]   # numbered before the matrix was built
        found[facet][member] = int(sums[column + 1])
    return {facet: ordered_counts(values) for facet, values in found.items()}


class _Known:
    """The keys known for one keys' table, sorted, and their slot rows (never changed: replaced)."""

    def __init__(self, ids: np.ndarray, slots: np.ndarray) -> None:
        self.ids, self.slots = ids, slots

    def rows(self, keys: np.ndarray) -> np.ndarray:
        """The row of each key, or -1 for a key not known."""
        at = np.searchsorted(self.ids, keys)
        inside = at < self.ids.size
        found = np.zeros(keys.shape, dtype=bool)
        found[inside] = self.ids[at[inside]] == keys[inside]
        return np.where(found, at, -1)

    def adding(self, named: list[tuple[int, str]]) -> _Known:
        ids = np.concatenate([self.ids, np.asarray([i for i, _ in named], dtype=np.int64)])
        new = slot_matrix([c for _, c in named])
        width = max(self.slots.shape[1], new.shape[1])
        slots = np.zeros((ids.size, width), dtype=np.int32)
        slots[:self.ids.size, :self.slots.shape[1]] = self.slots
        slots[self.ids.size:, :new.shape[1]] = new
        order = np.argsort(ids, kind="stable")
        return _Known(ids[order], slots[order])


_EMPTY = _Known(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.int32))


class FacetKeys:
    """What this process knows of the facet keys, per keys' table, and the facet counts from them.

    Sound because a key never changes: ``search_facet_keys`` rows are only added (the backend's
    upsert; nothing updates or deletes one but a test's clean-up or a rebuilt database) and their
    ids come from a sequence, which a DELETE does not rewind. A table emptied by TRUNCATE, restored
    or recreated, or another database, has another identity (the database's oid and the table's
    file node, which the search returns): its keys are read afresh. Bounded: past ``LIMIT`` keys a
    table's are forgotten, past ``TABLES`` tables all of them."""

    LIMIT = 100_000
    TABLES = 8

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], _Known] = {}
        self._lock = threading.Lock()

    def facets(self, conn, identity: str, keys: Sequence[int], counts: Sequence[int]) -> dict[str, dict[str, int]]:
        """facet → value → count for matches grouped by ``keys`` (``counts`` each), reading the
        combinations of keys not yet known on ``conn``."""
        table = (conn.engine.url.render_as_string(hide_password=True), identity)
        wanted = np.asarray(keys, dtype=np.int64)
        known = self._known.get(table, _EMPTY)
        rows = known.rows(wanted)
        if (rows < 0).any():
            missing = wanted[rows < 0].tolist()
            named = conn.execute(text("SELECT id, combination FROM search_facet_keys WHERE id = ANY(:ids)"),
                                 {"ids": missing}).all()
            if len(named) != len(missing):   # cannot happen while keys are only added
                raise SearchUnavailable(f"全文检索的分面键缺失 {len(missing) - len(named)} 个")
            known = known.adding(named)   # this search's view holds every key it needs, whatever is kept
            rows = known.rows(wanted)
            self._keep(table, known)
        return summed(known.slots[rows], np.asarray(counts, dtype=np.int64))

    def _keep(self, table: tuple[str, str], known: _Known) -> None:
        """Keep ``known`` for later searches (a concurrent search's keys kept meanwhile may be
        replaced: they are read again when next needed)."""
        with self._lock:
            if table not in self._known and len(self._known) >= self.TABLES:
                self._known.clear()
            if known.ids.size > self.LIMIT:
                self._known.pop(table, None)
            else:
                self._known[table] = known

    def clear(self) -> None:
        with self._lock:
            self._known.clear()


FACET_KEYS = FacetKeys()
