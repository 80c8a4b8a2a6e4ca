"""Query execution for the Whoosh backend, vectorized with numpy.

Whoosh stays the storage and the writer; only searching happens here. A parsed query (``Term``,
``Prefix``, ``Phrase``, ``Or``, ``And``, ``AndNot``, ``AndMaybe``, ``ConstantScoreQuery``,
``Every``) runs once over the posting lists, giving every matching document's BM25F score as
Whoosh computes it (the same ``idf``, average field length, stored weights and byte-coded field
lengths, the same arithmetic). Boolean and score vectors have one slot per document of the index;
the exact total, the facet counts (``np.bincount`` over cached column codes) and the top page
(``np.argpartition``) come from one pass. Whoosh's own collector with ``limit`` prunes blocks by
estimated quality and missed best matches of multi-word queries; an empty filter meant "no
filter" to it. Neither happens here.

Phrases (grams at consecutive positions, see ``analysis``) need positions only for the documents
holding every gram of the phrase: those holding the dictionary word of the whole phrase contain it
for certain, the others are checked with a cover of non-overlapping grams (decoding positions is
the expensive part).

Decoded posting lists (document numbers and weights, positions when a phrase needed them) are kept
in one LRU cache bounded in bytes (``POSTINGS_CACHE_MB``), keyed by segment, field and term:
segments never change once written. Per-segment columns (facets, dates, field lengths) are cached
the same way; a new index generation only adds its new segments.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from app.search.backends.base import Hit, SearchPage, ordered_counts

POSTINGS_CACHE_MB = 24
_BLOCK_MAGIC = b"W3Bl"
_INT = struct.Struct("!i")
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
TIE_DECIMALS = 6  # scores equal to this many decimals tie: newer (then higher id) first


# ---------------------------------------------------------------- caches


class ByteLRU:
    """A thread-safe LRU of values with a size in bytes, evicting the least recently used beyond
    ``budget`` bytes."""

    def __init__(self, budget: int):
        self.budget, self.used = budget, 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return None if found is None else found[0]

    def put(self, key, value, size: int) -> None:
        with self._lock:
            if key in self._items:
                self.used -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self.used += size
            while self.used > self.budget and len(self._items) > 1:
                self.used -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0


CACHE = ByteLRU(POSTINGS_CACHE_MB * 2**20)


class Postings:
    """One term's posting list in one segment: segment document numbers (ascending), weights and,
    when asked for, the positions of each posting. Kept compact for the cache (document gaps and
    position counts in 8 or 16 bits, weights as codes into a table of their few distinct values —
    none when all are equal —, positions in 16 bits: 1–3 bytes a posting and 2 a position instead
    of 8 and 4) and decoded per query (a cumulative sum)."""

    def __init__(self, ids: np.ndarray, weights: np.ndarray, counts: np.ndarray | None = None,
                 positions: np.ndarray | None = None):
        self.first = int(ids[0]) if len(ids) else 0
        self._gaps = _narrow(np.diff(ids, prepend=ids[:1]))
        self._table, codes = np.unique(weights, return_inverse=True)
        self._codes = None if len(self._table) == 1 else _narrow(codes)
        self._counts = None if counts is None else _narrow(counts)
        self._positions = None if positions is None else _narrow(positions)

    @property
    def has_positions(self) -> bool:
        return self._positions is not None

    def ids(self) -> np.ndarray:
        return np.cumsum(self._gaps, dtype=np.int64) + self.first

    def weights(self) -> np.ndarray:
        if self._codes is None:
            return np.full(len(self._gaps), self._table[0], dtype=np.float64)
        return self._table[self._codes].astype(np.float64)

    def starts(self) -> np.ndarray:
        """Where each posting's positions begin in ``positions`` (and, last, where they end)."""
        starts = np.zeros(len(self._counts) + 1, dtype=np.int64)
        np.cumsum(self._counts, out=starts[1:])
        return starts

    @property
    def positions(self) -> np.ndarray:
        return self._positions

    def size(self) -> int:
        arrays = (self._gaps, self._table, self._codes, self._counts, self._positions)
        return sum(a.nbytes for a in arrays if a is not None) + 200


def _narrow(values: np.ndarray) -> np.ndarray:
    """Non-negative integers in 8 or 16 bits when they fit, else 32."""
    top = int(values.max()) if len(values) else 0
    return values.astype(np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else np.int32)


def _segment_key(reader) -> tuple:
    segment = reader.segment()
    return (id(reader._storage) if segment is None else segment.segid, getattr(reader._storage, "folder", ""))


def read_postings(reader, fieldname: str, btext: bytes, positions: bool = False) -> Postings:
    """Decode a term's W3 posting blocks (Whoosh 2.7 / whoosh3 ``W3Codec`` format: a magic tag,
    then per block its signed length, a pickled info tuple and the pickled, maybe compressed,
    (delta-coded ids, weights, values) tuple)."""
    info = reader._terms.term_info(fieldname, btext)
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        return Postings(np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32),
                        *(_decode_positions(values) if positions else (None, None)))
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the length as struct.unpack's tuple
        (length,) = length
    raw = reader._terms._postfile.get(offset, length)
    if raw[:4] != _BLOCK_MAGIC:
        raise ValueError("damaged postings")
    stream = io.BytesIO(raw)
    pos, deltas, weights, values, block_starts, block_bases = 4, [], [], [], [], []
    count = 0
    previous_max = 0
    while True:
        (block_length,) = _INT.unpack_from(raw, pos)
        last, block_length = block_length < 0, abs(block_length)
        stream.seek(pos + 4)
        size, max_id, _max_weight, compression, _min_len, _max_len = pickle.load(stream)  # noqa: S301 (our index, as Whoosh reads it)
        end = pos + 4 + block_length
        data = raw[stream.tell():end]
        block_ids, block_weights, block_values = pickle.loads(  # noqa: S301 (our index, as Whoosh reads it)
            zlib.decompress(data) if compression else data)
        block_starts.append(count)
        block_bases.append(previous_max)
        deltas.extend(block_ids)
        if block_weights is None:
            weights.extend([1.0] * size)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * size)
        else:
            weights.extend(block_weights)
        if positions:
            values.extend(block_values)
        count += size
        previous_max = max_id
        pos = end
        if last:
            break
    ids = np.array(deltas, dtype=np.int64)
    # Each block restarts its deltas from 0: chain the blocks so one cumulative sum decodes all.
    ids[block_starts[1:]] -= np.asarray(block_bases[1:], dtype=np.int64)
    return Postings(np.cumsum(ids), np.array(weights, dtype=np.float32),  # as Whoosh stores them
                    *(_decode_positions(values) if positions else (None, None)))


def cached_postings(reader, fieldname: str, btext: bytes, positions: bool = False) -> Postings | None:
    """A term's postings in a segment, None when the segment lacks the term (remembered too: looking
    a term up in Whoosh's table reads the file)."""
    key = ("p", _segment_key(reader), fieldname, btext)
    found = CACHE.get(key)
    if found is False:
        return None
    if found is not None and (found.has_positions or not positions):
        return found
    if (fieldname, btext) not in reader:
        CACHE.put(key, False, 100)
        return None
    postings = read_postings(reader, fieldname, btext, positions)
    CACHE.put(key, postings, postings.size())
    return postings


def _decode_positions(values) -> tuple[np.ndarray, np.ndarray]:
    """(count, positions) of ``Positions``-encoded values: each a count, then the pickled deltas of
    its positions (``Positions.decode_positions``), decoded for all postings at once."""
    deltas = [pickle.loads(v[4:]) for v in values]  # noqa: S301 (our index)
    counts = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    running = np.cumsum(np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(counts.sum())))
    ends = np.cumsum(counts)
    before = np.concatenate(([0], running))[ends - counts]  # the running sum before each posting
    return counts, running - np.repeat(before, counts)


# ---------------------------------------------------------------- one index generation


@dataclass
class _Segment:
    reader: object
    offset: int
    count: int


class IndexView:
    """A searcher's segments as numpy vectors: documents numbered as in the searcher (segment
    offset + segment number), the live ones, columns and field lengths."""

    def __init__(self, searcher, facet_fields: dict[str, str], multi_facets: tuple[str, ...] = ("recommendation",)):
        self.searcher = searcher
        self.schema = searcher.schema
        self.segments = [_Segment(r, off, r.doc_count_all()) for r, off in searcher.reader().leaf_readers()
                         if r.doc_count_all()]  # an index without segments has an EmptyReader
        self.size = sum(s.count for s in self.segments)
        self.facet_fields = facet_fields
        self.multi_facets = multi_facets
        weighting = searcher.weighting
        self.k1, self.b, self.field_b = weighting.K1, weighting.B, weighting._field_B
        self.live = self._concat(self._live, bool)
        self._lengths: dict[str, np.ndarray] = {}
        self._columns: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._values: dict[str, list[tuple[str, np.ndarray]]] = {}
        self._issued: np.ndarray | None = None

    # ------------------------------------------------------------ per-segment data

    def _concat(self, per_segment, dtype) -> np.ndarray:
        parts = [per_segment(s) for s in self.segments]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    def _cached(self, kind: str, segment: _Segment, fieldname: str, compute):
        key = (kind, _segment_key(segment.reader), fieldname)
        found = CACHE.get(key)
        if found is None:
            found = compute()
            CACHE.put(key, found, found[0].nbytes if isinstance(found, tuple) else found.nbytes)
        return found

    @staticmethod
    def _live(segment: _Segment) -> np.ndarray:
        live = np.ones(segment.count, dtype=bool)
        if segment.reader.has_deletions():
            live[sorted(segment.reader.segment().deleted_docs())] = False
        return live

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length of ``fieldname`` as Whoosh stores it: a byte (``_LENGTH_OF_BYTE``)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = self._concat(lambda s: self._cached("len", s, fieldname, lambda: self._segment_lengths(s, fieldname)),
                                 np.uint8)
            self._lengths[fieldname] = found
        return found

    @staticmethod
    def _segment_lengths(segment: _Segment, fieldname: str) -> np.ndarray:
        coded = np.zeros(segment.count, dtype=np.uint8)
        column = segment.reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is not None:
            raw = column._dbfile.get(column._basepos, column._count)
            coded[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:segment.count]
        return coded

    def column(self, facet: str) -> tuple[np.ndarray, list[str]]:
        """(code per document, value per code) of a single-valued column."""
        found = self._columns.get(facet)
        if found is None:
            index: dict[str, int] = {}
            parts = []
            for segment in self.segments:
                codes, texts = self._cached("col", segment, facet, lambda s=segment: self._segment_column(s, facet))
                remap = np.array([index.setdefault(t, len(index)) for t in texts], dtype=np.int32)
                parts.append(remap[codes])
            found = (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32), list(index))
            self._columns[facet] = found
        return found

    def _segment_column(self, segment: _Segment, facet: str) -> tuple[np.ndarray, list[str]]:
        field = self.facet_fields[facet]
        if segment.count == 0 or not segment.reader.has_column(field):
            return np.zeros(segment.count, dtype=np.int32), ["-"]
        local: dict[str, int] = {}
        codes = np.fromiter((local.setdefault(_text(v), len(local)) for v in segment.reader.column_reader(field)),
                            dtype=np.int32, count=segment.count)
        return codes, list(local)

    def issued(self) -> np.ndarray:
        if self._issued is None:
            def read(segment: _Segment):
                if segment.count == 0 or not segment.reader.has_column("issued"):
                    return np.zeros(segment.count, dtype=np.int64)
                return np.fromiter(segment.reader.column_reader("issued"), dtype=np.int64, count=segment.count)
            self._issued = self._concat(lambda s: self._cached("issued", s, "issued", lambda: read(s)), np.int64)
        return self._issued

    # ------------------------------------------------------------ terms

    def _btext(self, fieldname: str, text) -> bytes | None:
        if fieldname not in self.schema:
            return None
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def term_postings(self, fieldname: str, btext: bytes, positions: bool = False) -> list[tuple[_Segment, Postings]]:
        found = []
        for segment in self.segments:
            postings = cached_postings(segment.reader, fieldname, btext, positions)
            if postings is not None:
                found.append((segment, postings))
        return found

    def term(self, fieldname: str, btext: bytes | None, boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, scores) of a term: BM25F as ``whoosh.scoring.BM25FScorer``, or the
        stored weight in a field that is not scorable (IDs, keywords)."""
        if btext is None:
            return _EMPTY_IDS, _EMPTY_SCORES
        parts = self.term_postings(fieldname, btext)
        if not parts:
            return _EMPTY_IDS, _EMPTY_SCORES
        ids = np.concatenate([p.ids() + s.offset for s, p in parts]) if len(parts) > 1 \
            else parts[0][1].ids() + parts[0][0].offset
        weights = np.concatenate([p.weights() for _, p in parts]) if len(parts) > 1 else parts[0][1].weights()
        if self.schema[fieldname].scorable:
            searcher = self.searcher
            idf = searcher.idf(fieldname, btext)
            avgfl = searcher.avg_field_length(fieldname) or 1
            b, k1 = self.field_b.get(fieldname, self.b), self.k1
            lengths = _LENGTH_OF_BYTE[self.lengths(fieldname)[ids]]
            # whoosh.scoring.bm25, operation for operation
            scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
        else:
            scores = weights
        if boost != 1.0:
            scores = scores * boost
        return ids, scores

    # ------------------------------------------------------------ query tree

    def add(self, q, hit: np.ndarray, score: np.ndarray, boost: float = 1.0) -> None:
        """Add ``q``'s matches to ``hit`` and their scores (× ``boost``) to ``score``."""
        if isinstance(q, wq.Or) and len(q.subqueries) > 1:
            for sub in q.subqueries:
                self.add(sub, hit, score, boost * q.boost)
            return
        if isinstance(q, (wq.Or, wq.And)) and len(q.subqueries) == 1:
            self.add(q.subqueries[0], hit, score, boost)  # Whoosh drops a lone child's compound boost
            return
        if isinstance(q, wq.Prefix):
            for btext in self.expand_prefix(q.fieldname, q.text):
                ids, scores = self.term(q.fieldname, btext, q.boost * boost)
                hit[ids] = True
                score[ids] += scores
            return
        sparse = self.sparse(q, boost)
        if sparse is not None:
            ids, scores = sparse
            hit[ids] = True
            score[ids] += scores
            return
        h, s = self.dense(q)
        hit |= h
        score += s * boost if boost != 1.0 else s

    def sparse(self, q, boost: float = 1.0) -> tuple[np.ndarray, np.ndarray] | None:
        """Leaves as (document numbers, scores); None for compound queries."""
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, self._btext(q.fieldname, q.text), q.boost * boost)
        if isinstance(q, wq.Phrase):
            ids, scores = self.phrase(q.fieldname, q.words)
            factor = q.boost * boost
            return ids, scores * factor if factor != 1.0 else scores
        return None

    def dense(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(matches, scores) of ``q`` over every document; a score is 0 where nothing matches."""
        size = self.size
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return np.zeros(size, dtype=bool), np.zeros(size)
        if isinstance(q, wq.Every):
            return self.live.copy(), self.live.astype(np.float64) * q.boost
        if isinstance(q, (wq.Or, wq.Prefix, wq.Term, wq.Phrase)) or (isinstance(q, wq.And) and len(q.subqueries) == 1):
            hit, score = np.zeros(size, dtype=bool), np.zeros(size)
            self.add(q, hit, score)
            return hit, score
        if isinstance(q, wq.And):
            hit, score = self.dense(q.subqueries[0])
            for sub in q.subqueries[1:]:
                h, s = self.dense(sub)
                hit &= h
                score += s
            score *= hit
            return hit, score * q.boost if q.boost != 1.0 else score
        if isinstance(q, wq.AndNot):
            hit, score = self.dense(q.a)
            hit &= ~self.dense(q.b)[0]
            return hit, score * hit
        if isinstance(q, wq.AndMaybe):
            hit, score = self.dense(q.a)
            h, s = self.dense(q.b)
            return hit, score + s * hit
        if isinstance(q, wq.ConstantScoreQuery):
            hit = self.dense(q.child)[0]
            return hit, hit * float(q.score)
        return self._whoosh_matches(q)

    def _whoosh_matches(self, q) -> tuple[np.ndarray, np.ndarray]:
        """Any other query: Whoosh's own matcher, segment by segment (exact, slower)."""
        hit, score = np.zeros(self.size, dtype=bool), np.zeros(self.size)
        searcher = self.searcher
        subsearchers = searcher.subsearchers if not searcher.is_atomic() else [(searcher, 0)]
        for sub, offset in subsearchers:
            m = q.matcher(sub, searcher.boolean_context().set(weighting=searcher.weighting))
            while m.is_active():
                hit[offset + m.id()] = True
                score[offset + m.id()] = m.score()
                m.next()
        return hit, score

    def expand_prefix(self, fieldname: str, text: str) -> list[bytes]:
        found: set[bytes] = set()
        for segment in self.segments:
            found.update(segment.reader.expand_prefix(fieldname, text))
        return sorted(found)

    # ------------------------------------------------------------ phrases

    def phrase(self, fieldname: str, words) -> tuple[np.ndarray, np.ndarray]:
        """Documents whose ``fieldname`` holds the grams ``words`` at consecutive positions, scored
        as Whoosh's ``SpanNear2`` does: the sum of the grams' term scores."""
        btexts = [self._btext(fieldname, w) for w in words]
        if not btexts or any(b is None for b in btexts):
            return _EMPTY_IDS, _EMPTY_SCORES
        held = np.zeros(self.size, dtype=np.uint16)  # how many of the grams each document holds
        score = np.zeros(self.size)
        for btext in btexts:
            ids, scores = self.term(fieldname, btext)
            if not len(ids):
                return _EMPTY_IDS, _EMPTY_SCORES
            held[ids] += 1
            score[ids] += scores
        ids = np.flatnonzero(held == len(btexts))
        if len(btexts) > 1 and len(ids):
            ids = self._in_sequence(fieldname, btexts, ids)
        return ids, score[ids]

    def _in_sequence(self, fieldname: str, btexts: list[bytes], candidates: np.ndarray) -> np.ndarray:
        """The candidates (holding every gram) where the grams stand at consecutive positions."""
        whole = _whole_word(btexts)
        certain = np.zeros(len(candidates), dtype=bool)
        if whole is not None:
            certain = np.zeros(self.size, dtype=bool)
            certain[self.term(fieldname, self._btext(fieldname, whole))[0]] = True
            certain = certain[candidates]
            if certain.all():
                return candidates
        unsure = candidates[~certain]
        confirmed = [candidates[certain]]
        cover = _cover(len(btexts))
        lists = {i: {s.offset: p for s, p in self.term_postings(fieldname, btexts[i], positions=True)} for i in cover}
        for segment in self.segments:
            lo, hi = np.searchsorted(unsure, [segment.offset, segment.offset + segment.count])
            if lo == hi:
                continue
            local = unsure[lo:hi] - segment.offset
            # (candidate, position where the phrase would start) pairs, narrowed gram by gram
            starts = None
            for i in cover:
                keys = _phrase_starts(lists[i][segment.offset], local, i)
                starts = keys if starts is None else starts[_members(starts, keys)]
                if not len(starts):
                    break
            if len(starts):
                confirmed.append(local[np.unique(starts >> 32)] + segment.offset)
        return np.sort(np.concatenate(confirmed))

    # ------------------------------------------------------------ results

    def search(self, q, filt=None, exclude=None, by_date: bool = False, offset: int = 0, limit: int = 20,
               facets: bool = True) -> SearchPage:
        hit, score = self.dense(q)
        hit &= self.live
        if filt is not None:
            hit &= self.dense(filt)[0]
        if exclude is not None:
            hit &= ~self.dense(exclude)[0]
        matched = np.flatnonzero(hit)
        order = self.top(matched, score, offset + limit, by_date)[offset:]
        hits = [Hit(self.opinion_id(int(d)), float(score[d])) for d in order]
        return SearchPage(len(matched), hits, self.facets(hit, matched) if facets else {})

    def top(self, matched: np.ndarray, score: np.ndarray, count: int, by_date: bool = False) -> np.ndarray:
        """The best ``count`` of ``matched`` document numbers: by rounded score, then newest (the
        ``issued`` key: date, then id); or newest first when ``by_date``."""
        if count <= 0 or not len(matched):
            return _EMPTY_IDS
        issued = self.issued()[matched]
        if by_date:
            if len(matched) > count:
                keep = np.argpartition(-issued, count - 1)[:count]
                matched, issued = matched[keep], issued[keep]
            return matched[np.argsort(-issued, kind="stable")][:count]
        rounded = np.round(score[matched], TIE_DECIMALS)
        if len(matched) > count:  # everything scoring at least the count-th best, ties included
            threshold = np.partition(rounded, len(matched) - count)[len(matched) - count]
            keep = rounded >= threshold
            matched, issued, rounded = matched[keep], issued[keep], rounded[keep]
        return matched[np.lexsort((-issued, -rounded))][:count]

    def opinion_id(self, docnum: int) -> int:
        return int(self.searcher.stored_fields(docnum)["opinion_id"])

    def facets(self, hit: np.ndarray, matched: np.ndarray) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for facet in self.facet_fields:
            codes, values = self.column(facet)
            counts = np.bincount(codes[matched], minlength=len(values))
            found[facet] = ordered_counts({values[c]: int(n) for c in np.flatnonzero(counts)
                                     for n in (counts[c],) if values[c] not in ("", "-")})
        for facet in self.multi_facets:
            counts = {}
            for value, ids in self.value_documents(facet):
                n = int(np.count_nonzero(hit[ids]))
                if n:
                    counts[value] = n
            found[facet] = ordered_counts(counts)
        return found

    def value_documents(self, facet: str) -> list[tuple[str, np.ndarray]]:
        """Each value of a multi-valued facet with the documents holding it, read once per view:
        listing the values meant reading the lexicon of every segment, 9 ms a query at 20 segments."""
        found = self._values.get(facet)
        if found is None:
            btexts: set[bytes] = set()
            for segment in self.segments:
                btexts.update(segment.reader.lexicon(facet))
            found = [(_text(btext), self.term(facet, btext)[0]) for btext in sorted(btexts)]
            self._values[facet] = found
        return found


def _members(needles: np.ndarray, haystack: np.ndarray) -> np.ndarray:
    """Which of the ``needles`` are in ``haystack`` (both ascending): a binary search each, no sort."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool)
    at = np.minimum(np.searchsorted(haystack, needles), len(haystack) - 1)
    return haystack[at] == needles


def _phrase_starts(postings: Postings, local: np.ndarray, shift: int) -> np.ndarray:
    """``candidate index << 32 | position - shift`` for every position of the term in the candidate
    documents ``local`` (all in the posting list): where a phrase would start if the term is its
    ``shift``-th gram."""
    at = np.searchsorted(postings.ids(), local)
    starts = postings.starts()
    first, counts = starts[at], starts[at + 1] - starts[at]
    offsets = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=offsets[1:])
    index = np.repeat(first - offsets, counts) + np.arange(int(counts.sum()))
    owner = np.repeat(np.arange(len(local), dtype=np.int64), counts)
    return (owner << 32) | (postings.positions[index].astype(np.int64) - shift + (1 << 31))


def _whole_word(btexts: list[bytes]) -> str | None:
    """The phrase as one word when its grams are all of two single CJK characters (a chain of 3+
    units): a document holding that word term holds the phrase at that word's position."""
    texts = [b.decode("utf-8") for b in btexts]
    if not all(len(t) == 2 and t[0] >= "\u2e80" and t[1] >= "\u2e80" for t in texts):
        return None
    if any(a[1] != b[0] for a, b in pairwise(texts)):
        return None
    return texts[0] + "".join(t[1] for t in texts[1:])


def _cover(grams: int) -> list[int]:
    """Gram offsets covering every unit of a chain of ``grams + 1`` units without overlaps
    (except the last one when needed): 0, 2, 4 … and the last gram."""
    cover = list(range(0, grams, 2))
    if cover[-1] != grams - 1:
        cover.append(grams - 1)
    return cover


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
