"""PostgreSQL backend: full-text search in the database (``search_entries``), so several app servers
share one search state and no server keeps an index of its own.

Documents and queries are analysed in Python (``backends.tsv``: the same units, words and phrase
rules as the Whoosh backend) and handed to PostgreSQL as quoted tsvector/tsquery literals; GIN finds
the matches. Writes happen in the caller's transaction (``transactional``): an opinion is findable
when the transaction that issues it commits, and not before. Reads run in a savepoint of the
request's transaction, so a missing table answers ``SearchUnavailable`` without breaking the request.

Two tables: ``search_terms`` holds what a search reads for every match (the tsvector GIN answers,
the date, one integer for the six facet values: a ~60-byte heap row) and ``search_entries`` the
rest (filter columns, cited provisions, ``units`` for phrase checks, ``rank_tsv`` for ranking),
read only for the ranked candidates, for phrase checks and for searches without words.

Speed at 100,000 opinions: counting and facets read only the narrow rows (two-unit words are
single lexemes that GIN answers without rechecking positions) and group one integer; ranking
(``ts_rank_cd``, which reads each tsvector) runs over the newest ``RANK_CANDIDATES`` matches only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.extensions import db
from app.search.backends.base import (
    FACETS,
    Filters,
    Hit,
    SearchPage,
    SearchRequest,
    SearchUnavailable,
    SimilarRequest,
)
from app.search.backends.parallel import batches, ordered_map
from app.search.backends.pg_facets import FACET_KEYS, facet_combination
from app.search.backends.tsv import LAW, RANK_WEIGHTS, any_of, entry, law_lexemes, listed_law_lexemes, match, quote
from app.search.document import SearchDocument

log = logging.getLogger(__name__)

RANK_CANDIDATES = 200       # matches ranked by relevance: all words first, then citing, then newest
SIMILAR_CANDIDATES = 1000
REBUILD_BATCH = 200
REBUILD_WORKERS = 4
# ts_rank_cd normalization: divide by 1 + log(length), so long opinions do not win by length alone.
RANK_NORMALIZATION = 1
# Plain words (tuned on the evaluation set; ``query.LAW_SCORE`` is the Whoosh counterpart of LAW_RANK):
ALL_WORDS_BONUS = 1.0   # documents holding every word: their rank counts (1 + this) times
LAW_RANK = 0.5          # per provision typed in the query that the document cites
_WEIGHTS = "{" + ",".join(str(w) for w in RANK_WEIGHTS) + "}"

_COLUMNS = ("opinion_id", "case_id", "number", "category", "tier", "province_code", "city_code", "region_code",
            "year", "issued_on", "conclusion", "recommendations", "laws", "cross_flags", "superseded", "fingerprint")
# One statement per opinion: its facet combination's key (added when new; the no-op update makes
# RETURNING give the key either way, and waits for a concurrent writer of the same new key instead
# of missing it), the entry, then its terms.
_UPSERT = text(
    "WITH k AS (INSERT INTO search_facet_keys AS f (combination) VALUES (:facets) "  # noqa: S608 (names from this module; values bound)
    "ON CONFLICT (combination) DO UPDATE SET combination = f.combination RETURNING f.id), "
    f"e AS (INSERT INTO search_entries ({', '.join(_COLUMNS)}, units, rank_tsv) "
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)}, :units, CAST(:rank_tsv AS tsvector)) "
    f"ON CONFLICT (opinion_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_COLUMNS[1:], "units", "rank_tsv"))
    + " RETURNING opinion_id) "
    "INSERT INTO search_terms (opinion_id, case_id, issued_on, facet_key, tsv) "
    "SELECT e.opinion_id, :case_id, :issued_on, k.id, CAST(:tsv AS tsvector) FROM e, k "
    "ON CONFLICT (opinion_id) DO UPDATE SET case_id = EXCLUDED.case_id, issued_on = EXCLUDED.issued_on, "
    "facet_key = EXCLUDED.facet_key, tsv = EXCLUDED.tsv"
)
# The total and every facet in one pass over the matches: grouped by facet key, the keys and their
# counts as two arrays in one row, named and summed by ``pg_facets``. Grouping the six columns
# themselves took 28 ms at 18,760 matches (they are in the wide row), the key 10 ms; GROUPING SETS
# of each column (one pass, six hash tables) was slower still, six scans slower again, and counting
# recommendations through ``unnest`` 130 ms. The value column holds the keys' table's identity.
_COUNTS = ("SELECT '*', (SELECT oid FROM pg_database WHERE datname = current_database())::text || ':' "
           "|| pg_relation_filenode(CAST('search_facet_keys' AS regclass)), coalesce(sum(n), 0)::bigint, 0, "
           "array_agg(facet_key), array_agg(n) FROM (SELECT facet_key, count(*) AS n FROM m GROUP BY facet_key) g")


def row(doc: SearchDocument) -> dict:
    """The ``search_entries`` row of a document, its tsvectors as literals."""
    data = entry(doc.texts)
    return {
        "opinion_id": doc.opinion_id, "case_id": doc.case_id, "number": doc.number[:60], "category": doc.category,
        "tier": doc.tier, "province_code": doc.province_code, "city_code": doc.city_code,
        "region_code": doc.region_code, "year": doc.year, "issued_on": doc.issued_on, "conclusion": doc.conclusion,
        "recommendations": list(doc.recommendations), "laws": list(doc.laws), "cross_flags": list(doc.cross_flags),
        "superseded": doc.superseded, "fingerprint": doc.fingerprint, "facets": facet_combination(doc),
        "units": data.units, "tsv": _joined(data.tsv, law_lexemes(doc.laws), _facet_lexemes(doc)),
        "rank_tsv": _joined(data.rank_tsv, listed_law_lexemes(doc.texts.get("basis", ""))),
    }


def _facet_lexeme(name: str, value) -> str:
    return quote(f"@{name}:{value}")


def _facet_lexemes(doc: SearchDocument) -> str:
    """The filterable values as ``tsv`` lexemes (``@province:320000``): with words, GIN answers the
    filters in the same scan (see ``filter_lexemes``)."""
    values = [("category", doc.category), ("tier", doc.tier), ("province", doc.province_code), ("city", doc.city_code),
              ("region", doc.region_code), ("year", doc.year), ("conclusion", doc.conclusion),
              ("superseded", int(doc.superseded)), *(("recommendation", r) for r in doc.recommendations)]
    return " ".join(_facet_lexeme(name, value) for name, value in values if value not in (None, ""))


def filter_lexemes(filters: Filters) -> list[str]:
    """The filters as tsquery lexemes (all but ``exclude_case_id``): AND-ed to the words, one GIN scan
    answers both. As column conditions, the planner drove a filter's btree index and read every
    candidate's TOASTed tsvector to check the words (it does not count that cost): 640 ms for a
    province at 100,000 opinions."""
    found = [_facet_lexeme(name, value) for name, value in (
        ("category", filters.category), ("tier", filters.tier), ("year", filters.year),
        ("conclusion", filters.conclusion), ("recommendation", filters.recommendation)) if value not in (None, "")]
    if filters.region_code:
        code = filters.region_code
        found.append(_facet_lexeme("province" if code.endswith("0000") else "city" if code.endswith("00") else "region", code))
    if filters.superseded is not None:
        found.append(_facet_lexeme("superseded", int(filters.superseded)))
    if filters.law:
        found.append(quote(LAW + filters.law))
    return found


def _joined(*literals: str) -> str:
    return " ".join(x for x in literals if x)


def where(filters: Filters, params: dict) -> list[str]:
    """SQL conditions for ``filters`` (values bound in ``params``), as the Whoosh backend reads them."""
    conditions = []
    for column, value in (("category", filters.category), ("tier", filters.tier), ("conclusion", filters.conclusion),
                          ("year", filters.year)):
        if value is not None and value != "":
            conditions.append(f"{column} = :{column}")
            params[column] = value
    for column, value in (("recommendations", filters.recommendation), ("laws", filters.law)):
        if value:
            conditions.append(f"{column} @> ARRAY[CAST(:{column} AS text)]")
            params[column] = value
    if filters.region_code:
        code = filters.region_code
        column = "province_code" if code.endswith("0000") else "city_code" if code.endswith("00") else "region_code"
        conditions.append(f"{column} = :region")
        params["region"] = code
    if filters.superseded is not None:
        conditions.append("superseded = :superseded")
        params["superseded"] = filters.superseded
    if filters.exclude_case_id:
        conditions.append("case_id <> :exclude_case_id")
        params["exclude_case_id"] = filters.exclude_case_id
    return conditions


# Its tables, in the order they refer to each other (copied by bench/ into a schema of their own),
# and the order their rows are deleted in (the terms refer to the entry).
TABLES = ("search_facet_keys", "search_entries", "search_terms")
DELETE_ORDER = ("search_terms", "search_entries")


def matching(narrow: list[str], wide: list[str] | None = None, *, gin: bool = True, join: bool = False) -> str:
    """``FROM … WHERE …`` (without the FROM) of the opinions meeting ``narrow`` (conditions on
    ``search_terms``: a tsquery on its tsvector when ``gin``, ``case_id``) and ``wide`` (on
    ``search_entries``: phrase checks on ``units``, filter columns); the columns ``opinion_id``,
    ``issued_on`` and ``facet_key``.

    With a tsquery, GIN on the narrow table finds the candidates first and only they are joined to
    their entry (``OFFSET 0`` keeps the planner from joining first: it does not count the cost of
    reading TOASTed tsvectors, and once scanned all 100,000 of them to check 6,320 rows, 1.4 s).
    Without one, the entries' column indexes lead."""
    if not wide and not join:
        return f"search_terms WHERE {' AND '.join(narrow) or 'TRUE'}"
    wide = list(wide or [])
    if not gin:
        wide, narrow = [*narrow, *wide], []   # search_entries has case_id too
    terms = "SELECT opinion_id, facet_key FROM search_terms"
    if narrow:
        terms += f" WHERE {' AND '.join(narrow)} OFFSET 0"
    return f"({terms}) t JOIN search_entries USING (opinion_id) WHERE {' AND '.join(wide) or 'TRUE'}"


_NEWEST = "issued_on DESC, opinion_id DESC"
_CITED = "(opinion_id IN (SELECT opinion_id FROM search_terms WHERE tsv @@ CAST(:cited AS tsquery)))"


def _candidate_order(cited: bool) -> str:
    """The candidates' order: those citing a provision typed first (``cited``), then the newest."""
    return f"cited DESC, {_NEWEST}" if cited else _NEWEST


def newest(narrow: list[str], wide: list[str], *, cited: bool) -> str:
    """The newest ``:bound`` opinions meeting ``narrow`` (on ``search_terms``, a tsquery among them)
    and ``wide`` (on ``search_entries``), those citing ``:cited`` first: the columns ``opinion_id``,
    ``issued_on``, ``every`` (true) and ``cited`` when asked. GIN finds the candidates, they are put
    in that order, and ``wide`` (a phrase check reading ``units``) is tested one by one until
    ``:bound`` pass (``OFFSET 0`` keeps it a per-row test the ``LIMIT`` stops): ~200 reads instead
    of one per candidate (``专项维修资金 表决``: 14,000 candidates, 84–143 → 14 ms)."""
    order = _candidate_order(cited)
    columns = f"opinion_id, issued_on, TRUE AS every{f', {_CITED} AS cited' if cited else ''}"
    found = f"FROM search_terms WHERE {' AND '.join(narrow)} ORDER BY {order}"
    if not wide:
        return f"SELECT {columns} {found} LIMIT :bound"
    return (f"SELECT * FROM (SELECT {columns} {found} OFFSET 0) t "  # noqa: S608 (names from this module; values bound)
            f"WHERE EXISTS (SELECT FROM search_entries e WHERE e.opinion_id = t.opinion_id AND {' AND '.join(wide)} "
            f"OFFSET 0) ORDER BY {order} LIMIT :bound")


# The latest year's lexeme (``_facet_lexeme``), as a tsquery: an opinion's year is its issue date's.
_LATEST_YEAR = "(SELECT CAST(quote_literal('@year:' || max(year)) AS tsquery) FROM search_entries)"


def newest_latest_year_first(tsquery: str, narrow: list[str], wide: list[str]) -> str:
    """``newest`` (without ``cited``) of the opinions matching ``tsquery`` and the conditions, looked
    for in the latest year first: when it holds ``:bound`` of them, they are the newest (every other
    match is of an earlier year), and GIN, intersecting the words with that year's lexeme, hands
    over an eighth of the matches to read and sort (``征地 补偿``'s 24,200 opinions with both words:
    11 → 5 ms). Otherwise (a new year, rare words) all matches are read, as without it."""
    recent = newest([f"tsv @@ ({tsquery} && {_LATEST_YEAR})", *narrow], wide, cited=False)
    rest = newest(["(SELECT count(*) FROM r) < :bound", f"tsv @@ {tsquery}", *narrow], wide, cited=False)
    return (f"WITH r AS MATERIALIZED ({recent}) SELECT * FROM r WHERE (SELECT count(*) FROM r) >= :bound "  # noqa: S608 (names from this module; values bound)
            f"UNION ALL SELECT * FROM ({rest}) f")


def page_sql(source: str, *, ranked: bool, facets: bool, every: str | None = None, laws: bool = False) -> str:
    """One statement for a page of results over the matches (``source``: ``matching``): the page,
    then the total or the facet counts (grouped by facet key: ``pg_facets`` sums them).

    Relevance ranks a bounded set of ``:bound`` candidates (``ts_rank_cd`` reads each one's
    tsvector): those holding every plain word (``every``: the newest of them, ``newest``) and citing
    the provisions typed (``:cited``, their lexemes) come first, then the newest.
    With ``every``, the candidates are its ``:bound`` newest, and the other matches are read again
    only when it has fewer (a one-time filter); ``m`` is then not materialized. Flagging each of
    100,000 matches as holding every word or not and sorting them all took 60 of the 99 ms of
    ``依法 终结``."""
    ctes = []
    if ranked:
        cited = f", {_CITED} AS cited" if laws else ""
        order = _candidate_order(laws)
        if every:
            ctes.append(f"a AS MATERIALIZED ({every})")
            candidates = (f"SELECT * FROM a UNION ALL SELECT * FROM (SELECT opinion_id, issued_on, FALSE{cited} FROM m "  # noqa: S608 (names from this module)
                          f"WHERE (SELECT count(*) FROM a) < :bound AND opinion_id NOT IN (SELECT opinion_id FROM a) "
                          f"ORDER BY {order} LIMIT :bound) b")
            order = f"every DESC, {order}"
        else:
            candidates = f"SELECT opinion_id, issued_on{cited} FROM m"  # noqa: S608 (names from this module)
        rank = f"ts_rank_cd('{_WEIGHTS}', e.rank_tsv, CAST(:rank AS tsquery), {RANK_NORMALIZATION})"
        if laws:
            rank = (f"({rank} + {LAW_RANK} * cardinality(ARRAY(SELECT unnest(e.laws) "
                    f"INTERSECT SELECT unnest(CAST(:laws AS text[])))))")
        if every:
            rank = f"{rank} * CASE WHEN c.every THEN {1 + ALL_WORDS_BONUS} ELSE 1 END"
        hits = (f"SELECT c.opinion_id, {rank} AS s, c.issued_on "  # noqa: S608 (names from this module; values bound)
                f"FROM ({candidates} ORDER BY {order} LIMIT :bound) c JOIN search_entries e ON e.opinion_id = c.opinion_id")
    else:
        hits = "SELECT opinion_id, 0.0 AS s, issued_on FROM m"
    parts = [f"SELECT 'hit' AS facet, opinion_id::text AS value, "  # noqa: S608 (names from this module; values bound)
             f"row_number() OVER (ORDER BY s DESC, {_NEWEST}) AS n, s, NULL::integer[], NULL::bigint[] "
             f"FROM ({hits} ORDER BY s DESC, {_NEWEST} OFFSET :offset LIMIT :limit) h",
             _COUNTS if facets else "SELECT '', '', count(*), 0, NULL, NULL FROM m"]
    # ``m`` is read by the page and by the counts: materialized once, unless the page reads it only
    # to fill what ``every`` leaves (rarely: the one-time filter)
    materialized = "NOT MATERIALIZED" if ranked and every else "MATERIALIZED"
    ctes.insert(0, f"m AS {materialized} (SELECT opinion_id, issued_on, facet_key FROM {source})")  # noqa: S608 (names from this module)
    return f"WITH {', '.join(ctes)} " + " UNION ALL ".join(parts)


class PostgresBackend:
    name = "postgresql"
    transactional = True

    # ------------------------------------------------------------------ reading

    @contextmanager
    def _reading(self):
        """The request's connection inside a savepoint that is rolled back afterwards: an error (no
        table) undoes only the search, and so do its planner settings. The planner does not count
        the cost of reading a tsvector out of TOAST (most of a search's time): sequential scans,
        which read every tsvector, are ruled out where GIN can answer, and JIT (compiling for
        what it thinks are huge queries) is off; ``work_mem`` holds the matches of a common word
        in memory (4 MB spilled 20,000 to disk)."""
        try:
            conn = db.session.connection()
            savepoint = conn.begin_nested()
        except (DBAPIError, SQLAlchemyError) as exc:
            raise SearchUnavailable(f"数据库无法连接：{exc.__class__.__name__}") from exc
        try:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off; SET LOCAL jit = off; SET LOCAL work_mem = '32MB'")
            yield conn
        except (DBAPIError, SQLAlchemyError) as exc:
            raise SearchUnavailable(f"全文检索表无法读取：{exc.__class__.__name__}") from exc
        finally:
            savepoint.rollback()

    def available(self) -> bool:
        try:
            with self._reading() as conn:
                conn.execute(text("SELECT t.tsv, t.facet_key, e.rank_tsv, e.units FROM search_terms t "
                                  "JOIN search_entries e USING (opinion_id) LIMIT 1")).all()
            return True
        except SearchUnavailable:
            return False

    def search(self, request: SearchRequest) -> SearchPage:
        params: dict = {}
        # The filters are lexemes of ``tsv`` AND-ed into the tsquery (``filter_lexemes``): one GIN
        # scan answers words and filters together, and without words it reads only the narrow rows
        # (the filter columns' indexes then joined all 100,000 of them to 2,640 entries: 22 ms).
        found = match(request.q) if request.q.strip() else None
        if request.q.strip() and found is None:  # stop words or punctuation only
            return SearchPage(0, [], {name: {} for name in FACETS})
        lexical = found is not None and bool(found.tsquery)
        narrow = where(Filters(exclude_case_id=request.filters.exclude_case_id), params)
        filters = filter_lexemes(request.filters)
        wide: list[str] = []
        narrow_filters = list(narrow)   # before the words' conditions join them: ``every`` repeats them
        tsquery = " & ".join(([found.tsquery] if lexical else []) + filters)
        if tsquery:
            narrow.insert(0, "tsv @@ CAST(:q AS tsquery)")
            params["q"] = tsquery
        if found is not None:
            if found.check:
                wide.append(found.check)
            params.update(found.params)  # the check's patterns and those of ``every``
        ranked = found is not None and found.rank is not None and request.sort != "date"
        every = None
        if ranked:
            params["rank"] = found.rank
            if found.every:
                # the filters too: GIN then intersects with them instead of listing every opinion with all words
                every_wide = [found.every_check] if found.every_check else []
                if found.laws or request.filters.year is not None:  # citing first / one year already
                    every = newest(["tsv @@ CAST(:every AS tsquery)", *narrow_filters], every_wide, cited=bool(found.laws))
                else:
                    every = newest_latest_year_first("CAST(:every AS tsquery)", narrow_filters, every_wide)
                params["every"] = " & ".join([found.every, *filters])
            if found.laws:
                params["laws"] = list(found.laws)
                params["cited"] = " | ".join(quote(LAW + key) for key in found.laws)
        params.update(offset=request.offset, limit=request.limit,
                      bound=max(RANK_CANDIDATES, request.offset + request.limit))
        sql = page_sql(matching(narrow, wide, gin=bool(tsquery)), ranked=ranked, facets=request.facets, every=every,
                       laws=ranked and bool(found.laws))
        with self._reading() as conn:
            rows = conn.execute(text(sql), params).all()
            # the page's rows and one of the total (with the facets: the keys' table, the keys, their counts)
            _, identity, total, _, keys, counts = next(r for r in rows if r[0] != "hit")
            facets = FACET_KEYS.facets(conn, identity, keys or [], counts or []) if request.facets else {}
        hits = [Hit(int(r[1]), float(r[3])) for r in sorted(rows, key=lambda r: r[2]) if r[0] == "hit"]
        return SearchPage(total, hits, facets)

    def similar(self, request: SimilarRequest) -> list[Hit]:
        q = any_of(term for term, _ in request.terms)
        if q is None and not request.laws:
            return []
        params: dict = {"q": q or "", "laws": list(request.laws), "category": request.category or "",
                        "province": request.province_code or "", "bound": SIMILAR_CANDIDATES,
                        "limit": request.limit}
        # the words or the provisions (their lexemes): one GIN scan
        params["found"] = " | ".join([*([q] if q else []), *(quote(LAW + key) for key in request.laws)])
        conditions = ["tsv @@ CAST(:found AS tsquery)"]
        if request.exclude_case_id:
            conditions.append("case_id <> :exclude_case_id")
            params["exclude_case_id"] = request.exclude_case_id
        rank = f"ts_rank('{_WEIGHTS}', e.rank_tsv, CAST(:q AS tsquery), 1) * 10" if q is not None else "0"
        sql = (f"SELECT e.opinion_id, {rank} "  # noqa: S608 (names from this module; values bound)
               f"+ CASE WHEN e.category = :category THEN 1.5 ELSE 0 END "
               f"+ CASE WHEN e.province_code = :province THEN 0.75 ELSE 0 END "
               f"+ 0.5 * cardinality(ARRAY(SELECT unnest(e.laws) INTERSECT SELECT unnest(CAST(:laws AS text[])))) AS s "
               f"FROM (SELECT opinion_id FROM {matching(conditions, join=True)} "
               f"ORDER BY (category = :category) DESC, (province_code = :province) DESC, issued_on DESC, "
               f"opinion_id DESC LIMIT :bound) c "
               f"JOIN search_entries e ON e.opinion_id = c.opinion_id ORDER BY s DESC, e.opinion_id DESC LIMIT :limit")
        with self._reading() as conn:
            return [Hit(int(i), float(s)) for i, s in conn.execute(text(sql), params)]

    def fingerprints(self) -> dict[int, str]:
        """The entries that searches can find: an entry without its terms (written by hand, say)
        counts as missing, so ``flask search check`` lists it."""
        with self._reading() as conn:
            return {int(i): f for i, f in conn.execute(text(
                "SELECT opinion_id, e.fingerprint FROM search_entries e JOIN search_terms USING (opinion_id)"))}

    # ------------------------------------------------------------------ writing

    @contextmanager
    def _writing(self):
        """The caller's transaction, in a savepoint: a failed write leaves the rest of it intact."""
        try:
            with db.session.begin_nested():
                yield db.session.connection()
        except (DBAPIError, SQLAlchemyError) as exc:
            raise SearchUnavailable(f"全文检索表无法写入：{exc.__class__.__name__}") from exc

    def index(self, docs: Iterable[SearchDocument]) -> None:
        """Add or replace ``docs`` in the caller's transaction (``db.session``)."""
        rows = [row(doc) for doc in docs]
        if rows:
            with self._writing() as conn:
                conn.execute(_UPSERT, rows)

    def delete(self, opinion_ids: Iterable[int]) -> None:
        ids = list(opinion_ids)
        if ids:
            with self._writing() as conn:
                for table in DELETE_ORDER:
                    conn.execute(text(f"DELETE FROM {table} WHERE opinion_id = ANY(:ids)"), {"ids": ids})  # noqa: S608

    def clear(self) -> None:
        """Empty the table (tests; the database's own clean-up usually does it)."""
        for table in DELETE_ORDER:
            db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names from this module)
        db.session.commit()

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        """Write every document, one committed transaction per batch on a connection of its own
        (the CLI's session keeps reading the opinions), then delete the entries of opinions no
        longer searchable. Searches keep working throughout, on old or new rows."""
        seen: list[int] = []
        for rows in ordered_map(_rows, batches(docs, REBUILD_BATCH), REBUILD_WORKERS):
            with db.engine.begin() as conn:
                conn.execute(_UPSERT, rows)
            seen += [r["opinion_id"] for r in rows]
            if progress is not None:
                progress(len(rows))
        with db.engine.begin() as conn:
            for table in DELETE_ORDER:
                conn.execute(text(f"DELETE FROM {table} WHERE NOT (opinion_id = ANY(:ids))"), {"ids": seen})  # noqa: S608
            # every search scans GIN's pending list whole (468 pages after a bulk load: a three-word
            # scan 5.8 instead of 4.6 ms): merge what the batches left there
            conn.execute(text("SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c "
                              "ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                              "WHERE i.indrelid = CAST('search_terms' AS regclass) AND a.amname = 'gin'"))
        return len(seen)


def _rows(docs: list[SearchDocument]) -> list[dict]:
    return [row(doc) for doc in docs]
