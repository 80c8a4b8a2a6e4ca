"""The opinion as a GB/T 9704-2012 PDF.

Two engines print the same document (same view, measures and fonts):

* ``"grid"`` — :mod:`app.documents.gridpdf`, a typesetter for the GB/T 9704 character grid
  that writes the PDF itself (milliseconds; figures in the README, "Why the opinion PDF has its
  own engine").
  When it cannot print every character (no uharfbuzz, or characters no installed font
  has) it steps aside for WeasyPrint.
* ``"weasyprint"`` — :func:`render_pdf_weasyprint` builds the document view, cuts the
  per-document fonts (:func:`app.documents.fonts.plan_fonts`), renders
  ``templates/pdf/opinion.html`` and lets WeasyPrint lay it out with a fetcher that refuses
  everything but the document's own fonts and template files. WeasyPrint is imported only
  when this engine runs (it takes about a second to import).

Issued opinions never change: store the bytes once and serve them.
"""

from __future__ import annotations

import os

from .fetcher import SafeURLFetcher
from .fonts import fonts_dir, plan_fonts
from .gridpdf import render_grid_pdf
from .model import OpinionDocument
from .preview import TEMPLATES_DIR, render_view
from .structure import build_view

ENGINES = ("grid", "weasyprint")
DEFAULT_ENGINE = "grid"


def render_pdf(doc: OpinionDocument, *, fonts: str | os.PathLike | None = None, engine: str | None = None) -> bytes:
    """Render the opinion to PDF bytes. ``fonts`` is the prepared fonts directory (default
    ``$DOCUMENT_FONTS_DIR`` or ``instance/fonts``); unprepared, system fonts are used.
    ``engine`` is ``"grid"`` or ``"weasyprint"`` (default :data:`DEFAULT_ENGINE`)."""
    engine = engine or DEFAULT_ENGINE
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "grid":
        data = render_grid_pdf(doc, fonts=fonts)
        if data is not None:
            return data
    return render_pdf_weasyprint(doc, fonts=fonts)


def render_pdf_weasyprint(doc: OpinionDocument, *, fonts: str | os.PathLike | None = None) -> bytes:
    """The WeasyPrint engine: ``templates/pdf/opinion.html`` laid out by WeasyPrint."""
    from weasyprint import HTML  # lazy: WeasyPrint is optional and slow to import (see the module doc)
    from weasyprint.text.fonts import FontConfiguration  # lazy: as above

    view = build_view(doc)
    directory = fonts_dir(fonts)
    plan = plan_fonts(view.chars_by_role(), directory)
    html = render_view(view, plan=plan, print_media=True)
    fetcher = SafeURLFetcher(allowed_dirs=[TEMPLATES_DIR, directory], resources=plan.resources)
    document = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher).render(font_config=FontConfiguration())
    # GB/T 9704 numbers the 版记 page too (the last page); only a blank page before the 版记
    # page would leave both unnumbered, and the platform never inserts one.
    metadata = document.metadata
    metadata.title = view.title
    metadata.authors = [doc.issuing_body] if doc.issuing_body else []
    metadata.lang = "zh-CN"
    metadata.generator = "信访工作专家会商与法律审查平台"
    if doc.date:
        metadata.created = doc.date.isoformat()
    return document.write_pdf(full_fonts=_embed_whole(plan))


def _embed_whole(plan) -> bool:
    """Whether to embed the fonts as they are instead of letting WeasyPrint subset them.

    The per-document fonts already hold just the printed characters. With HarfBuzz's
    subsetter, WeasyPrint cuts them again in a millisecond, and would also cut any system
    font Pango fell back to; so let it. Without it WeasyPrint uses fontTools (about a
    second per font): embed ours whole then — but only when they cover every character, as a
    system CJK font must never be embedded whole (26 MB, seconds to write).
    """
    import weasyprint.pdf.fonts as weasy_fonts  # lazy: as above

    return plan.complete and not getattr(weasy_fonts, "harfbuzz_subset", None)

