"""The opinion as a GB/T 9704-2012 PDF, typeset directly on the character grid.

A GB/T 9704 body is a fixed grid (28 cells × 22 lines of 3号 仿宋), so the general-purpose
layout engine (WeasyPrint: ~0.2 s CPU for five pages) is not needed to print it. This module
sets the same :class:`~app.documents.structure.DocumentView` (same blocks, same measures from
:mod:`app.documents.layout`, same per-document fonts from :func:`app.documents.fonts.plan_fonts`)
in a few milliseconds and writes the PDF itself:

* layout (line breaking with 避头尾, pagination, 版记, page numbers): :mod:`.grid_layout`;
* fonts (metrics, Type0 fonts with ``/W`` and ``/ToUnicode``): :mod:`.grid_fonts`;
* here: the content streams and the file (PDF 1.7, no external resources, deterministic —
  the same document gives the same bytes; the only date is the opinion's own 成文日期).

``render_grid_pdf`` returns ``None`` when it cannot print every character (no uharfbuzz,
or characters no installed font has): :func:`app.documents.pdf.render_pdf` then uses
WeasyPrint, which does what can be done for those.
"""

from __future__ import annotations

import math
import os
import zlib

from . import fonts as font_module
from . import layout as L
from .fonts import fonts_dir, plan_fonts
from .grid_fonts import Face, FontSet, identity_cff_charset, subset_tag, to_unicode_cmap, widths_array
from .grid_layout import PAGE_H, PAGE_W, WATERMARK_PT, WATERMARK_TOP, WIDTH, LEFT, Document, TextLine, Typesetter
from .model import OpinionDocument
from .structure import build_view

GENERATOR = "信访工作专家会商与法律审查平台"
WATERMARK_RGB = (200 / 255, 0.0, 0.0)
WATERMARK_ALPHA = 0.15
WATERMARK_ANGLE = 30.0  # CSS rotate(-30deg): counter-clockwise on the page
PAGE_NUMBER_TOP = (L.TOP_MM + L.TYPE_HEIGHT_MM + L.PAGE_NUMBER_GAP_MM) * L.PT_PER_MM  # 7 mm below the type area
FONT_COMPRESSION = 6
CONTENT_COMPRESSION = 6


def render_grid_pdf(doc: OpinionDocument, *, fonts: str | os.PathLike | None = None) -> bytes | None:
    """The opinion as PDF bytes, or ``None`` when some character cannot be printed."""
    if font_module.hb is None:
        return None
    view = build_view(doc)
    plan = plan_fonts(view.chars_by_role(), fonts_dir(fonts))
    if not plan.complete:
        return None
    font_set = FontSet(plan)
    layout = Typesetter(font_set).paginate(view)
    info = {
        "Title": view.title,
        "Author": doc.issuing_body,
        "Creator": GENERATOR,
        "Producer": GENERATOR,
    }
    if doc.date:
        info["CreationDate"] = f"D:{doc.date:%Y%m%d}000000"
    return write_pdf(layout, font_set, info)


# --------------------------------------------------------------------------- writing


class _Writer:
    def __init__(self) -> None:
        self.objects: list[bytes | None] = []

    def reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def put(self, number: int, body: bytes | str) -> int:
        self.objects[number - 1] = body.encode("latin-1") if isinstance(body, str) else body
        return number

    def add(self, body: bytes | str) -> int:
        return self.put(self.reserve(), body)

    def stream(self, data: bytes, extra: str = "", *, level: int = CONTENT_COMPRESSION) -> int:
        packed = zlib.compress(data, level)
        head = f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n".encode()
        return self.add(head + packed + b"\nendstream")

    def output(self, root: int, info: int) -> bytes:
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, 1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + (body or b"null") + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
        out += f"trailer\n<< /Size {len(self.objects) + 1} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


def write_pdf(layout: Document, font_set: FontSet, info: dict[str, str]) -> bytes:
    writer = _Writer()
    catalog = writer.reserve()
    pages_ref = writer.reserve()
    resources = writer.reserve()
    page_refs = []
    for page in layout.pages:
        content = _page_content(layout, page)
        contents = writer.stream(content)
        page_refs.append(
            writer.add(
                f"<< /Type /Page /Parent {pages_ref} 0 R /MediaBox [0 0 {_n(PAGE_W)} {_n(PAGE_H)}]"
                f" /Resources {resources} 0 R /Contents {contents} 0 R >>"
            )
        )
    font_refs = {face.resource: _embed_font(writer, face) for face in font_set.faces if face.used}
    fonts = " ".join(f"/{name} {ref} 0 R" for name, ref in sorted(font_refs.items()))
    gstate = f" /ExtGState << /GW << /Type /ExtGState /ca {WATERMARK_ALPHA} >> >>" if layout.watermark else ""
    writer.put(resources, f"<< /Font << {fonts} >>{gstate} >>")
    writer.put(pages_ref, f"<< /Type /Pages /Kids [{' '.join(f'{ref} 0 R' for ref in page_refs)}] /Count {len(page_refs)} >>")
    writer.put(catalog, f"<< /Type /Catalog /Pages {pages_ref} 0 R /Lang (zh-CN) >>")
    info_ref = writer.add("<< " + " ".join(f"/{key} {_text_string(value)}" for key, value in info.items() if value) + " >>")
    return writer.output(catalog, info_ref)


def _page_content(layout: Document, page) -> bytes:
    ops: list[str] = []
    black = True
    for placed in page.lines:
        line = placed.line
        for x, dy, width, height, rgb in line.rules:
            ops.append(
                f"{_n(rgb[0])} {_n(rgb[1])} {_n(rgb[2])} rg {_n(x)} {_n(PAGE_H - placed.top - dy - height)} {_n(width)} {_n(height)} re f"
            )
            black = False
        if line.texts:
            colour = line.texts[0].rgb
            if colour is not None:  # the red 发文机关标志
                ops.append(f"{_n(colour[0])} {_n(colour[1])} {_n(colour[2])} rg")
                black = False
            elif not black:
                ops.append("0 g")
                black = True
            _text(ops, line.texts, PAGE_H - placed.top - line.baseline)
    number = layout.page_numbers.get(page.number)
    if number is not None:
        if not black:
            ops.append("0 g")
        face = number.glyphs[0].face  # line-height = font size: the em box starts at the top
        _text(ops, [number], PAGE_H - PAGE_NUMBER_TOP - face.ascent * number.size)
    if layout.watermark:
        _watermark(ops, layout.watermark)
    return "\n".join(ops).encode("latin-1")


def _text(ops: list[str], texts: list[TextLine], baseline: float) -> None:
    ops.append("BT")
    spacing = None
    for text in texts:
        face = text.glyphs[0].face
        ops.append(f"/{face.resource} {_n(text.size)} Tf")
        if text.spacing != spacing:
            ops.append(f"{_n(text.spacing)} Tc")
            spacing = text.spacing
        ops.append(f"1 0 0 1 {_n(text.x)} {_n(baseline - text.drop)} Tm")
        codes = []
        for glyph in text.glyphs:
            face.used.setdefault(glyph.gid, glyph.char)
            codes.append(f"{glyph.gid:04X}")
        ops.append(f"<{''.join(codes)}> Tj")
    ops.append("ET")


def _watermark(ops: list[str], texts: list[TextLine]) -> None:
    """草稿 over the page, translucent red, turned 30° about the centre of its box."""
    face: Face = texts[0].glyphs[0].face
    cx = LEFT + WIDTH / 2
    cy = PAGE_H - WATERMARK_TOP - WATERMARK_PT / 2
    cos, sin = math.cos(math.radians(WATERMARK_ANGLE)), math.sin(math.radians(WATERMARK_ANGLE))
    baseline = PAGE_H - WATERMARK_TOP - ((WATERMARK_PT - (face.ascent + face.descent) * WATERMARK_PT) / 2 + face.ascent * WATERMARK_PT)
    ops.append("q /GW gs")
    ops.append(f"1 0 0 1 {_n(cx)} {_n(cy)} cm {_n(cos)} {_n(sin)} {_n(-sin)} {_n(cos)} 0 0 cm 1 0 0 1 {_n(-cx)} {_n(-cy)} cm")
    ops.append(f"{_n(WATERMARK_RGB[0])} {_n(WATERMARK_RGB[1])} {_n(WATERMARK_RGB[2])} rg")
    _text(ops, texts, baseline)
    ops.append("Q")


def _embed_font(writer: _Writer, face: Face) -> int:
    data = identity_cff_charset(face.data) if face.cff else face.data
    name = f"{subset_tag(data)}+{face.family}"
    if face.cff:
        file_ref = writer.stream(data, " /Subtype /OpenType", level=FONT_COMPRESSION)
        file_key, subtype, gid_map = "FontFile3", "CIDFontType0", ""
    else:
        file_ref = writer.stream(data, f" /Length1 {len(data)}", level=FONT_COMPRESSION)
        file_key, subtype, gid_map = "FontFile2", "CIDFontType2", " /CIDToGIDMap /Identity"
    ascent, descent = round(face.ascent * 1000), -round(face.descent * 1000)
    widest = max(face.advance(gid) for gid in face.used)
    flags = 4 | (2 if "song" in face.role or face.role == "kaiti" else 0)  # symbolic; serif
    descriptor = writer.add(
        f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [0 {descent} {_n(widest)} {ascent}]"
        f" /ItalicAngle 0 /Ascent {ascent} /Descent {descent} /CapHeight {ascent} /StemV 80 /{file_key} {file_ref} 0 R >>"
    )
    cid_font = writer.add(
        f"<< /Type /Font /Subtype /{subtype} /BaseFont /{name}"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        f" /FontDescriptor {descriptor} 0 R /W {widths_array(face)}{gid_map} >>"
    )
    to_unicode = writer.stream(to_unicode_cmap(face.used))
    return writer.add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H"
        f" /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
    )


def _n(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _text_string(value: str) -> str:
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"
