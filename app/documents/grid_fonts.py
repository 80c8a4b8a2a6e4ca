"""Fonts for the grid typesetter (:mod:`app.documents.gridpdf`): metrics of the per-document
font cuts of :func:`app.documents.fonts.plan_fonts`, and their PDF font objects.

Every face of the plan becomes one composite font (Type0, ``Identity-H``): the two-byte
codes in the content streams are glyph ids of the embedded font. TrueType cuts are
embedded as ``CIDFontType2`` (``FontFile2``, ``CIDToGIDMap /Identity``); CFF cuts as
``CIDFontType0`` with the OpenType file (``FontFile3 /OpenType``), after rewriting a
CID-keyed CFF's charset to the identity (HarfBuzz's cut keeps the source CIDs: glyph 2 may
be CID 15), so that CID = glyph id whichever way a viewer reads it. ``/W`` holds the
exact advance of every used glyph and ``/ToUnicode`` maps each glyph back to its character
(UTF-16, surrogate pairs for 𠮷), so text extraction returns the document's text.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field

from .fonts import FontPlan, _checksum

try:
    import uharfbuzz as hb
except ImportError:  # pragma: no cover - gridpdf falls back to WeasyPrint
    hb = None


@dataclass
class Face:
    """One embedded font: a per-document cut of one role's font."""

    family: str  # GW-<role>-<n>
    role: str
    data: bytes
    upem: int
    ascent: float  # em fractions (hhea, after fonts.set_em_box_metrics)
    descent: float  # positive
    cff: bool
    font: object = field(repr=False)  # hb.Font
    used: dict[int, str] = field(default_factory=dict)  # glyph id → character
    resource: str = ""  # /F0 …

    def advance(self, gid: int) -> float:
        """Advance in 1/1000 em (PDF glyph space)."""
        return self.font.get_glyph_h_advance(gid) * 1000 / self.upem


class FontSet:
    """Character → (face, glyph id, advance) for each role, first face that has it."""

    def __init__(self, plan: FontPlan):
        by_family = {face.family: face for face in plan.faces}
        self.faces: list[Face] = []
        self.chains: dict[str, list[Face]] = {}
        for role, families in plan.families.items():
            chain = []
            for family in families:
                source = by_family.get(family)
                if source is None:
                    continue
                chain.append(self._open(source.family, role, source.data))
            self.chains[role] = chain
        self._cache: dict[tuple[str, str], tuple[Face, int, float]] = {}

    def _open(self, family: str, role: str, data: bytes) -> Face:
        for face in self.faces:
            if face.family == family:
                return face
        hb_face = hb.Face(data)
        font = hb.Font(hb_face)
        extents = font.get_font_extents("ltr")
        upem = hb_face.upem
        face = Face(
            family=family,
            role=role,
            data=data,
            upem=upem,
            ascent=extents.ascender / upem,
            descent=-extents.descender / upem,
            cff=data[:4] == b"OTTO",
            font=font,
            resource=f"F{len(self.faces)}",
        )
        self.faces.append(face)
        return face

    def primary(self, role: str) -> Face:
        return self.chains[role][0]

    def glyph(self, char: str, role: str) -> tuple[Face, int, float]:
        """(face, glyph id, advance in 1/1000 em) for ``char`` printed in ``role``."""
        key = (char, role)
        found = self._cache.get(key)
        if found is None:
            point = ord(char)
            for face in self.chains[role]:
                gid = face.font.get_nominal_glyph(point)
                if gid:
                    break
            else:  # the caller only uses complete plans; .notdef keeps the layout going
                face, gid = self.chains[role][0], 0
            found = (face, gid, face.advance(gid))
            self._cache[key] = found
        return found


# --------------------------------------------------------------------------- embedding


def subset_tag(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])


def identity_cff_charset(font: bytes) -> bytes:
    """The OpenType CFF font with its charset rewritten so that CID = glyph id (in place,
    same length; table and font checksums updated). Fonts that are not CID-keyed, or that
    cannot be parsed, are returned unchanged."""
    try:
        return _identity_cff_charset(font)
    except (struct.error, IndexError, ValueError):  # pragma: no cover - odd fonts stay as they are
        return font


def _identity_cff_charset(font: bytes) -> bytes:
    (num_tables,) = struct.unpack_from(">H", font, 4)
    tables = {}
    for i in range(num_tables):
        entry = 12 + 16 * i
        tag, _, offset, length = struct.unpack_from(">4sIII", font, entry)
        tables[tag] = (entry, offset, length)
    if b"CFF " not in tables or b"head" not in tables:
        return font
    entry, base, length = tables[b"CFF "]
    cff = font[base : base + length]
    pos = cff[2]  # header size
    pos = _skip_index(cff, pos)  # Name INDEX
    top_dicts, _ = _read_index(cff, pos)
    top = _parse_dict(top_dicts[0])
    if (12, 30) not in top or 15 not in top or 17 not in top:  # not CID-keyed
        return font
    charset = top[15][0]
    count = _index_count(cff, top[17][0])
    if count < 2 or charset < 3:
        return font
    fmt = cff[charset]
    if fmt == 0:
        size = 1 + 2 * (count - 1)
    elif fmt in (1, 2):
        covered, p, size = 0, charset + 1, 1
        step = 3 if fmt == 1 else 4
        while covered < count - 1:
            left = cff[p + 2] if fmt == 1 else struct.unpack_from(">H", cff, p + 2)[0]
            covered += left + 1
            p += step
            size += step
    else:
        return font
    if fmt == 0 or size < 5:
        new = bytes([0]) + b"".join(struct.pack(">H", gid) for gid in range(1, count))
        if len(new) > size:  # format 1/2 too short for an explicit list
            new = bytes([1]) + struct.pack(">HB", 1, count - 2) if count - 2 <= 255 else b""
    else:
        new = bytes([2]) + struct.pack(">HH", 1, count - 2)
    if not new or len(new) > size:
        return font
    data = bytearray(font)
    data[base + charset : base + charset + len(new)] = new
    struct.pack_into(">I", data, entry + 4, _checksum(bytes(data[base : base + length])))
    head = tables[b"head"][1]
    struct.pack_into(">I", data, head + 8, 0)
    struct.pack_into(">I", data, head + 8, (0xB1B0AFBA - _checksum(bytes(data))) & 0xFFFFFFFF)
    return bytes(data)


def _index_count(cff: bytes, pos: int) -> int:
    return struct.unpack_from(">H", cff, pos)[0]


def _read_index(cff: bytes, pos: int) -> tuple[list[bytes], int]:
    count = _index_count(cff, pos)
    if count == 0:
        return [], pos + 2
    off_size = cff[pos + 2]
    offsets = [int.from_bytes(cff[pos + 3 + i * off_size : pos + 3 + (i + 1) * off_size], "big") for i in range(count + 1)]
    data_start = pos + 3 + (count + 1) * off_size - 1
    items = [cff[data_start + offsets[i] : data_start + offsets[i + 1]] for i in range(count)]
    return items, data_start + offsets[-1]


def _skip_index(cff: bytes, pos: int) -> int:
    return _read_index(cff, pos)[1]


def _parse_dict(data: bytes) -> dict:
    out: dict = {}
    operands: list = []
    i = 0
    while i < len(data):
        b0 = data[i]
        if b0 <= 21:
            if b0 == 12:
                key: int | tuple[int, int] = (12, data[i + 1])
                i += 2
            else:
                key = b0
                i += 1
            out[key] = operands
            operands = []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, i + 1)[0])
            i += 5
        elif b0 == 30:  # real: skip nibbles up to the 0xf terminator
            i += 1
            while True:
                byte = data[i]
                i += 1
                if byte >> 4 == 0xF or byte & 0xF == 0xF:
                    break
            operands.append(0)
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError("bad CFF DICT")
    return out


def to_unicode_cmap(used: dict[int, str]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <FFFF>",
        b"endcodespacerange",
    ]
    items = sorted(used.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>".encode() for gid, char in batch)
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def widths_array(face: Face) -> str:
    """``/W`` for the used glyphs: runs of consecutive glyph ids."""
    parts: list[str] = []
    run: list[str] = []
    previous = None
    for gid in sorted(face.used):
        if previous is None or gid != previous + 1:
            if run:
                parts.append(f"[{' '.join(run)}]")
            parts.append(str(gid))
            run = []
        run.append(_num(face.advance(gid)))
        previous = gid
    if run:
        parts.append(f"[{' '.join(run)}]")
    return "[" + " ".join(parts) + "]"


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
