"""What a signed opinion shows: the office seal as the visible appearance of the signature, and
the verification mark (QR code, code, address) printed under the 版记.

Everything is vector or image data written by pyHanko into the signing revision; the grid
engine's bytes stay as they were. Text is drawn as glyph outlines (no font to embed) from the
same prepared fonts the document uses (黑体 role), through HarfBuzz.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import segno
import uharfbuzz as hb
from pyhanko.pdf_utils import content, generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.stamp import BaseStamp, BaseStampStyle

from app.documents.fonts import fonts_dir, plan_fonts
from app.documents.layout import PT_PER_MM
from app.documents.marks import Box
from app.pki.seal import SealImage

SEAL_WIDTH_PT = 42 * PT_PER_MM  # 公章 Ø 42 mm
QR_SIZE_PT = 20 * PT_PER_MM
MARK_GAP_PT = 3 * PT_PER_MM
CODE_PT = 10.0
NOTE_PT = 7.5
LABEL_ROLE = "heiti"
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U


# --------------------------------------------------------------------------- text as outlines


class _PathPen:
    """A fontTools-style pen writing PDF path operators in glyph units."""

    def __init__(self, scale: float, dx: float, dy: float):
        self.ops: list[str] = []
        self.scale, self.dx, self.dy = scale, dx, dy
        self.current = (0.0, 0.0)

    def _p(self, point) -> str:
        return f"{_n(self.dx + point[0] * self.scale)} {_n(self.dy + point[1] * self.scale)}"

    def moveTo(self, p):
        self.ops.append(f"{self._p(p)} m")
        self.current = p

    def lineTo(self, p):
        self.ops.append(f"{self._p(p)} l")
        self.current = p

    def curveTo(self, *points):
        c1, c2, end = points
        self.ops.append(f"{self._p(c1)} {self._p(c2)} {self._p(end)} c")
        self.current = end

    def qCurveTo(self, *points):
        *offs, end = points
        start = self.current
        for i, off in enumerate(offs):  # implied on-curve points between off-curve ones
            to = end if i == len(offs) - 1 else ((off[0] + offs[i + 1][0]) / 2, (off[1] + offs[i + 1][1]) / 2)
            c1 = (start[0] + 2 / 3 * (off[0] - start[0]), start[1] + 2 / 3 * (off[1] - start[1]))
            c2 = (to[0] + 2 / 3 * (off[0] - to[0]), to[1] + 2 / 3 * (off[1] - to[1]))
            self.ops.append(f"{self._p(c1)} {self._p(c2)} {self._p(to)} c")
            start = to
        self.current = end

    def closePath(self):
        self.ops.append("h")

    endPath = closePath


@dataclass(eq=False)
class OutlineFont:
    font: object  # hb.Font
    upem: int

    def width(self, text: str, size: float) -> float:
        return sum(self.font.get_glyph_h_advance(self._gid(c)) for c in text) * size / self.upem

    def _gid(self, char: str) -> int:
        return self.font.get_nominal_glyph(ord(char)) or 0

    def draw(self, text: str, size: float, x: float, baseline: float) -> str:
        """``f``-filled outlines of ``text`` from (x, baseline)."""
        return f"q 1 0 0 1 {_n(x)} {_n(baseline)} cm {self._outlines(text, size)} Q"

    @functools.lru_cache(maxsize=64)  # noqa: B019 (few fonts, each kept for the process anyway)
    def _outlines(self, text: str, size: float) -> str:
        ops = []
        scale, x = size / self.upem, 0.0
        for char in text:
            gid = self._gid(char)
            pen = _PathPen(scale, x, 0.0)
            self.font.draw_glyph_with_pen(gid, pen)
            ops.extend(pen.ops)
            x += self.font.get_glyph_h_advance(gid) * scale
        return " ".join(ops) + " f" if ops else ""


@functools.lru_cache(maxsize=16)
def outline_font(chars: frozenset[str], fonts: str | None = None) -> OutlineFont | None:
    """A cut of the 黑体 role holding ``chars`` (None without HarfBuzz fonts)."""
    plan = plan_fonts({LABEL_ROLE: set(chars)}, fonts_dir(fonts))
    faces = [face for face in plan.faces if face.role == LABEL_ROLE]
    if not faces:
        return None
    face = hb.Face(hb.Blob(faces[0].data))
    return OutlineFont(hb.Font(face), face.upem)


# --------------------------------------------------------------------------- QR code


def qr_path(url: str, size: float, x: float, y: float) -> tuple[str, int]:
    """The QR code of ``url`` as filled rectangles (one per run of dark modules) in a square of
    ``size`` points whose lower left corner is (x, y), with a 2-module quiet zone inside it."""
    qr = segno.make(url, error="m", micro=False, mask=2)  # a fixed mask: evaluating all eight costs ~10 ms
    matrix = [list(row) for row in qr.matrix]
    count = len(matrix) + 4
    module = size / count
    ops = []
    for r, row in enumerate(matrix):
        top = y + size - (r + 2) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                ops.append(f"{_n(x + (start + 2) * module)} {_n(top - module)} {_n((c - start) * module)} {_n(module)} re")
            else:
                c += 1
    return " ".join(ops) + " f", qr.version


# --------------------------------------------------------------------------- stamps


@dataclass(frozen=True)
class SealStyle(BaseStampStyle):
    """The signature's appearance: the seal image filling the widget."""

    border_width: int = 0
    seal: SealImage | None = None

    def create_stamp(self, writer, box, text_params):
        return _SealStamp(writer=writer, style=self, box=box)


class _SealStamp(BaseStamp):
    def _render_inner_content(self):
        seal: SealImage = self.style.seal
        mask = self.writer.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Image"),
            pdf_name("/Width"): generic.NumberObject(seal.width), pdf_name("/Height"): generic.NumberObject(seal.height),
            pdf_name("/ColorSpace"): pdf_name("/DeviceGray"), pdf_name("/BitsPerComponent"): generic.NumberObject(8),
            pdf_name("/Filter"): pdf_name("/FlateDecode")}, encoded_data=seal.alpha))
        image = self.writer.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Image"),
            pdf_name("/Width"): generic.NumberObject(seal.width), pdf_name("/Height"): generic.NumberObject(seal.height),
            pdf_name("/ColorSpace"): pdf_name("/DeviceRGB"), pdf_name("/BitsPerComponent"): generic.NumberObject(8),
            pdf_name("/Interpolate"): generic.BooleanObject(True),
            pdf_name("/SMask"): mask, pdf_name("/Filter"): pdf_name("/FlateDecode")}, encoded_data=seal.rgb))
        self.set_resource(content.ResourceType.XOBJECT, pdf_name("/Seal"), image)
        return [f"q {_n(self.box.width)} 0 0 {_n(self.box.height)} 0 0 cm /Seal Do Q".encode()]


def seal_box(signoff: Box, date: Box, seal: SealImage) -> Box:
    """GB/T 9704 7.3.5.1: the seal centred on the 成文日期 (以成文日期为准居中), pressing on the 署名
    and the date, which sit below its centre."""
    width = SEAL_WIDTH_PT
    height = width * seal.height / seal.width
    cx = (date.x0 + date.x1) / 2
    cy = signoff.y1  # the top of the 署名 line
    return Box(signoff.page, cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


@dataclass(frozen=True)
class VerificationMark:
    """QR code, verification code and address under the 版记, on the side away from the page
    number (GB/T 9704: odd page numbers sit at the right, even ones at the left)."""

    url: str
    code: str
    note: str  # e.g. 扫码或访问 https://…/verify 输入验真码核验

    @property
    def chars(self) -> frozenset[str]:
        """Every character a mark of this deployment may print (one font cut for all codes)."""
        return frozenset(f"验真码 -{CODE_ALPHABET}{self.note}")

    def ops(self, font: OutlineFont | None, left: float, right: float, top: float, *, side: str = "right") -> bytes:
        """The mark at the top of the band ``left``…``right`` (points), against its ``side`` edge:
        the QR code at that edge, the code and the note beside it towards the middle."""
        qr_x = right - QR_SIZE_PT if side == "right" else left
        qr_y = top - QR_SIZE_PT
        qr, _ = qr_path(self.url, QR_SIZE_PT, qr_x, qr_y)
        parts = ["q 0 g", qr]
        if font is not None:
            code = f"验真码 {self.code}"
            for text, size, y in ((code, CODE_PT, qr_y + QR_SIZE_PT / 2 + 2),
                                  (self.note, NOTE_PT, qr_y + QR_SIZE_PT / 2 - NOTE_PT - 2)):
                gap = 1 * PT_PER_MM
                x = qr_x - gap - font.width(text, size) if side == "right" else qr_x + QR_SIZE_PT + gap
                parts.append(font.draw(text, size, x, y))
        parts.append("Q")
        return " ".join(p for p in parts if p).encode()


def _n(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
