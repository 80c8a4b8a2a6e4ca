"""Whoosh segments written in bulk, for ``rebuild``: the same files as Whoosh's writer, ×3.4 in one process.

Whoosh's writer passes every posting through a sorting pool — a tuple per posting, pickled to
temporary runs, merged back at commit — and hands them to the codec one by one: about 30 ms of
the 40 ms an opinion took, and at 100,000 opinions over 40 GB of temporary runs. Here a batch of
documents becomes one segment directly. While the batch is analysed, each field's postings go into
flat arrays (term number, document, count; positions in a fourth); then a stable sort by term
groups them, and each term's postings are written through whoosh3's own field writer a block at a
time. Stored fields, lengths and columns go through whoosh3's per-document writer as usual.

The result is byte for byte what Whoosh writes for the same documents (a test compares every
file of the segment), so Whoosh reads, searches, deletes from and merges these segments as
its own. ``write_segments`` commits the segments of a rebuild together in one table of contents.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from pathlib import Path
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter, W3Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.search.analysis import ChinesePositions, ChineseTokenizer, normalize, term_groups

# Postings per block, compression level, inline limit: whoosh3's defaults (``default_codec()``).
_CODEC = {"blocklimit": 128, "compression": 3, "inlinelimit": 1}


class _BlockPostingsWriter(W3PostingsWriter):
    """whoosh3's postings writer taking a block of postings at once."""

    def add_block(self, ids: list[int], weights: list[float], values: list[bytes], lengths: list[int | None]) -> None:
        """What ``add_posting`` for each posting of the block (≤ blocklimit) would buffer."""
        if len(self._ids):
            self._write_block()
        self._ids = array("I", ids)
        self._weights = array("f", weights)
        self._values = [v for v in values if v]  # add_posting keeps only non-empty values
        known = [n for n in lengths if n]
        self._minlength = min(known) if known else None
        self._maxlength = max(known, default=0)
        self._maxweight = max(0, *weights)


class _BulkFieldWriter(W3FieldWriter):
    def start_field(self, fieldname, fieldobj):
        super().start_field(fieldname, fieldobj)
        self._postwriter = _BlockPostingsWriter(self._postfile, **_CODEC)

    def add_term(self, btext: bytes, ids: list[int], weights: list[float], values: list[bytes],
                 lengths: list[int | None]) -> None:
        self.start_term(btext)
        step = _CODEC["blocklimit"]
        for start in range(0, len(ids), step):
            end = start + step
            self._postwriter.add_block(ids[start:end], weights[start:end], values[start:end], lengths[start:end])
        self.finish_term()


_COUNT = [pack_uint(n) for n in range(256)]


def _encoded_positions(deltas: list[int]) -> bytes:
    """``Positions.encode`` of a posting's positions given as deltas: the count, the pickled deltas."""
    n = len(deltas)
    return (_COUNT[n] if n < 256 else pack_uint(n)) + dumps(deltas, 2)


class _TextPostings:
    """One Chinese text field's postings in a batch, in arrival (document) order."""

    def __init__(self):
        self.term_ids: dict[str, int] = {}
        self.terms = array("I")      # term number of each posting
        self.docs: list[int] = []    # the documents with postings, and how many each has
        self.doc_postings = array("I")
        self.counts = array("I")     # its number of positions
        self.positions = array("I")  # all positions, posting after posting

    def __bool__(self) -> bool:
        return bool(self.terms)

    def add(self, docnum: int, terms: list[str], counts: np.ndarray, positions: np.ndarray) -> int:
        """Add a document's terms (``analysis.term_groups``); returns its length (positions in all)."""
        term_ids = self.term_ids
        self.terms.extend([term_ids.setdefault(term, len(term_ids)) for term in terms])
        self.docs.append(docnum)
        self.doc_postings.append(len(terms))
        self.counts.frombytes(counts.astype(np.uint32).tobytes())
        self.positions.frombytes(positions.astype(np.uint32).tobytes())
        return int(counts.sum())

    def write(self, writer: _BulkFieldWriter, boost: float, lengths: list[int | None]) -> None:
        """Every term in order, its postings in document order (the sort is stable). The arrays stay
        32-bit: a segment's field holds far fewer than 2³² positions, and 64-bit copies of them
        doubled a worker's memory."""
        terms = np.frombuffer(self.terms, dtype=np.uint32)
        order = np.argsort(terms, kind="stable").astype(np.uint32)
        counts = np.frombuffer(self.counts, dtype=np.uint32)
        starts = np.cumsum(counts, dtype=np.uint32) - counts
        positions = np.frombuffer(self.positions, dtype=np.uint32)
        deltas = np.diff(positions, prepend=np.uint32(0))  # within a posting; wraps where one starts:
        deltas[starts] = positions[starts]                  # its first position stays absolute
        ranges = np.searchsorted(terms[order], np.arange(len(self.term_ids) + 1))
        docs = np.repeat(np.array(self.docs, dtype=np.uint32), np.frombuffer(self.doc_postings, dtype=np.uint32))
        docs, counts, starts = docs[order], counts[order], starts[order]
        del order, positions
        for term in sorted(self.term_ids):
            number = self.term_ids[term]
            lo, hi = ranges[number], ranges[number + 1]
            ids, term_counts = docs[lo:hi].tolist(), counts[lo:hi].astype(np.int64)
            # the term's deltas, posting after posting, in one gather
            before = np.cumsum(term_counts) - term_counts
            total = int(term_counts.sum())
            flat = deltas[np.repeat(starts[lo:hi].astype(np.int64) - before, term_counts) + np.arange(total)].tolist()
            values, at = [], 0
            for n in term_counts.tolist():
                values.append(_encoded_positions(flat[at:at + n]))
                at += n
            writer.add_term(term.encode("utf-8"), ids, [n * boost for n in term_counts.tolist()], values,
                            [lengths[d] for d in ids])


class _OtherPostings:
    """A field Whoosh analyses itself (ids, keywords, numbers): a few postings per document."""

    def __init__(self):
        self.postings: dict[bytes, list[tuple[int, float, bytes]]] = {}

    def __bool__(self) -> bool:
        return bool(self.postings)

    def add(self, docnum: int, items: Iterable[tuple[bytes, int, float, bytes]], scorable: bool) -> int:
        length = 0
        for btext, freq, weight, vbytes in items:
            self.postings.setdefault(btext, []).append((docnum, weight, vbytes))
            if scorable:
                length += freq
        return length

    def write(self, writer: _BulkFieldWriter, boost: float, lengths: list[int | None]) -> None:
        for btext in sorted(self.postings):
            ids, weights, values = zip(*self.postings[btext], strict=True)
            writer.add_term(btext, list(ids), [w * boost for w in weights], list(values), [lengths[d] for d in ids])


def _is_chinese_text(field) -> bool:
    return isinstance(field.format, ChinesePositions) and isinstance(field.analyzer, ChineseTokenizer)


def build_segment(directory: str, indexname: str, schema: Schema, docs: list[dict]) -> W3Segment:
    """Write ``docs`` (field dicts, as for ``add_document``) as one new compound segment in
    ``directory`` and return it; it is part of the index once a table of contents lists it."""
    storage = FileStorage(directory)
    codec = W3Codec(**_CODEC)
    segment = codec.new_segment(storage, indexname)
    per_doc = codec.per_document_writer(storage, segment)
    postings: dict[str, _TextPostings | _OtherPostings] = {}
    lengths: dict[str, list[int | None]] = {}
    for docnum, fields in enumerate(docs):
        per_doc.start_doc(docnum)
        for name in sorted(fields):  # as Whoosh's add_document
            value = fields[name]
            if value is None or name.startswith("_"):
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                if _is_chinese_text(field):
                    found = postings.setdefault(name, _TextPostings())
                    length = found.add(docnum, *term_groups(normalize(value)))
                else:
                    found = postings.setdefault(name, _OtherPostings())
                    length = found.add(docnum, field.index(value), field.scorable)
            if field.scorable:  # what Whoosh's codec reads back from the length column for each posting
                stored_length = length_to_byte(length) if length else 0
                lengths.setdefault(name, [None] * len(docs))[docnum] = byte_to_length(stored_length) if stored_length else None
            per_doc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                per_doc.add_column_value(name, field.column_type, field.to_column_value(value))
        per_doc.finish_doc()
    per_doc.close()
    writer = _BulkFieldWriter(codec, storage, segment)
    for name in sorted(name for name, found in postings.items() if found):  # Whoosh skips a field without terms
        field = schema[name]
        writer.start_field(name, field)
        boost = field.format.field_boost if _is_chinese_text(field) else 1.0
        postings[name].write(writer, boost, lengths.get(name) or [0] * len(docs))
        writer.finish_field()
    writer.close()
    segment.set_doc_count(len(docs))
    if segment.should_assemble():
        segment.create_compound_file(storage)
    return segment


def write_segments(directory: str, indexname: str, schema: Schema, segments: list[W3Segment]) -> None:
    """Make ``segments`` the whole index (one new table of contents, an atomic rename) and delete
    the files of every other segment."""
    storage = FileStorage(directory)
    generation = TOC._latest_generation(storage, indexname) + 1
    TOC(schema, segments, generation).write(storage, indexname)
    clean_files(storage, indexname, generation, segments)


def remove_unlisted(directory: str, indexname: str) -> None:
    """Delete what a rebuild that failed half-way left (its workers stopped, the writer lock held):
    segment files no table of contents lists — all of them when there is none yet — and the column
    files its workers had open in whoosh3's temporary directory."""
    storage = FileStorage(directory)
    generation = TOC._latest_generation(storage, indexname)
    listed = TOC.read(storage, indexname, generation).segments if generation >= 0 else []
    clean_files(storage, indexname, generation, listed)
    for path in Path(directory, f"{indexname}.tmp").glob("*.ctmp"):
        path.unlink(missing_ok=True)
