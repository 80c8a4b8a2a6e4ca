"""Office seal images: checked by content, prepared for the PDF.

A seal is accepted when the file *is* a PNG (signature and a full decode, not the name or the
declared type) of sensible size, with real transparency (an alpha channel or a transparent
colour; at least a fifth of the pixels see-through) and red ink: most visible pixels must be
clearly red (R high, G and B well below it). A scanned seal on white paper or a black stamp is
refused with the reason in Chinese.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass

from PIL import Image, ImageChops, UnidentifiedImageError

from app.pki.crypto import sha256_hex

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 2 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 64, 4096
PDF_MAX_SIDE = 600  # 42 mm at ~360 dpi: enough for print, small in the PDF
MIN_TRANSPARENT = 0.2
MIN_INK = 0.02
MIN_RED_SHARE = 0.8
RED_MARGIN = 60  # R - max(G, B) of a red pixel
RED_MIN = 140


class SealRejected(ValueError):
    """The file is not a usable seal image; the message says why, in Chinese."""


@dataclass(frozen=True)
class SealImage:
    """A seal ready for the PDF: RGB and alpha samples (zlib), pixel size, and the file's hash."""

    sha256: str
    width: int
    height: int
    rgb: bytes  # FlateDecode
    alpha: bytes  # FlateDecode


def _share(mask: Image.Image) -> float:
    histogram = mask.histogram()
    return histogram[255] / max(sum(histogram), 1)


def check_seal(data: bytes) -> tuple[int, int]:
    """(width, height) of an acceptable seal image; SealRejected otherwise."""
    if len(data) > MAX_BYTES:
        raise SealRejected(f"印章图片不能超过 {MAX_BYTES // 1024 // 1024} MB")
    if not data.startswith(PNG_SIGNATURE):
        raise SealRejected("印章图片必须是 PNG 文件（按文件内容识别）")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format != "PNG":
            raise SealRejected("印章图片必须是 PNG 文件（按文件内容识别）")
        width, height = image.size
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise SealRejected(f"印章图片的宽和高应在 {MIN_SIDE}–{MAX_SIDE} 像素之间")
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as err:
        raise SealRejected("印章图片已损坏，无法读取") from err
    if not has_alpha:
        raise SealRejected("印章图片必须有透明背景（带透明通道的 PNG）")
    r, g, b, a = rgba.split()
    transparent = a.point(lambda v: 255 if v < 16 else 0)
    ink = a.point(lambda v: 255 if v >= 128 else 0)
    if _share(transparent) < MIN_TRANSPARENT:
        raise SealRejected("印章图片的背景不透明：请上传透明背景的印章图片")
    ink_share = _share(ink)
    if ink_share < MIN_INK:
        raise SealRejected("印章图片几乎是空白的")
    red = ImageChops.multiply(
        ImageChops.subtract(r, ImageChops.lighter(g, b)).point(lambda v: 255 if v >= RED_MARGIN else 0),
        r.point(lambda v: 255 if v >= RED_MIN else 0))
    red_ink = _share(ImageChops.multiply(red, ink))
    if red_ink < MIN_RED_SHARE * ink_share:
        raise SealRejected("印章必须为红色：图片中的印迹不是红色")
    return width, height


def prepare(data: bytes) -> SealImage:
    """The seal's samples for a PDF image XObject with a soft mask (``/SMask``)."""
    image = Image.open(io.BytesIO(data)).convert("RGBA")
    if max(image.size) > PDF_MAX_SIDE:
        image.thumbnail((PDF_MAX_SIDE, PDF_MAX_SIDE), Image.Resampling.LANCZOS)
    rgb = image.convert("RGB").tobytes()
    alpha = image.getchannel("A").tobytes()
    return SealImage(sha256_hex(data), image.width, image.height, zlib.compress(rgb, 6), zlib.compress(alpha, 6))
