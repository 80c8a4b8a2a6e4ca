"""Other official documents (督办单, 督办通报) printed by the same GB/T 9704 engines as the opinion.

An :class:`OfficialDocument` has the opinion's frame — 发文字号, title, 主送, numbered sections,
issuing body and date, 版记 — with free sections instead of the opinion's fixed six, and tables.
It becomes the same :class:`~app.documents.structure.DocumentView`, which the grid typesetter
(:mod:`app.documents.gridpdf`) sets on the 28 × 22 character grid, or WeasyPrint when the grid
engine cannot print every character.

The grid has no table cells, so a table is set as lines of the grid itself: every character of a
cell is made full-width (digits, letters, ``.%-:/`` → their full-width forms), so each takes one
grid cell, and columns are padded with ideographic spaces to a common width. Columns line up
exactly; a row wider than the 28-character line wraps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from .fetcher import SafeURLFetcher
from .fonts import fonts_dir, plan_fonts
from .gridpdf import GENERATOR, write_pdf
from .grid_fonts import FontSet
from .grid_layout import Typesetter
from .model import format_date
from .preview import TEMPLATES_DIR, render_view
from .structure import DocumentView, Para, Run, Section, printable, split_title, text_paras
from . import fonts as font_module

IDEOGRAPHIC_SPACE = "\u3000"
_FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.%-:/()+"}
_FULL[" "] = IDEOGRAPHIC_SPACE


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list]
    caption: str = ""


@dataclass(frozen=True)
class OfficialSection:
    heading: str  # e.g. 一、基本情况 (numbered by the caller)
    text: str = ""  # paragraphs, one per line
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class OfficialDocument:
    title: str
    addressee: str
    sections: list[OfficialSection]
    issuing_body: str
    date: date | None
    number: str | None = None
    intro: str = ""  # paragraphs before the first section
    cc: list[str] = field(default_factory=list)
    printing_office: str = ""
    print_date: date | None = None


def full_width(text: str) -> str:
    return "".join(_FULL.get(c, c) for c in str(text))


def table_paras(table: Table) -> list[Para]:
    cells = [[full_width(h) for h in table.headers]] + [[full_width("" if v is None else v) for v in row] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.headers))]
    paras = [Para([Run(table.caption)], "plain")] if table.caption else []
    for row in cells:
        line = IDEOGRAPHIC_SPACE.join(cell + IDEOGRAPHIC_SPACE * (widths[i] - len(cell)) for i, cell in enumerate(row))
        paras.append(Para([Run(line.rstrip(IDEOGRAPHIC_SPACE))], "plain"))
    return paras


def build_official_view(doc: OfficialDocument) -> DocumentView:
    doc = printable(doc)
    sections = []
    for section in doc.sections:
        paras = text_paras(section.text) if section.text.strip() else []
        for table in section.tables:
            paras.extend(table_paras(table))
        sections.append(Section(section.heading, paras))
    if doc.intro.strip():
        # the intro reads as the start of the body: a headless first section
        sections.insert(0, Section("", text_paras(doc.intro)))
    cc = [name.strip() for name in doc.cc if name.strip()]
    return DocumentView(
        number=doc.number or None,
        title_lines=split_title(doc.title),
        addressee=doc.addressee.rstrip("：:") + "：" if doc.addressee else "",
        sections=sections,
        signers_heading="",
        signers=[],
        issuing_body=doc.issuing_body,
        date_text=format_date(doc.date) if doc.date else "",
        cc_text=f"抄送：{'，'.join(cc)}。" if cc else "",
        printing_office=doc.printing_office,
        print_date_text=f"{format_date(doc.print_date)}印发" if doc.print_date else "",
        is_draft=False,
    )


def render_official_pdf(doc: OfficialDocument, *, fonts: str | os.PathLike | None = None) -> bytes:
    """The document as GB/T 9704 PDF bytes: the grid engine, else WeasyPrint."""
    view = build_official_view(doc)
    directory = fonts_dir(fonts)
    plan = plan_fonts(view.chars_by_role(), directory)
    if font_module.hb is not None and plan.complete:
        font_set = FontSet(plan)
        layout = Typesetter(font_set).paginate(view)
        info = {"Title": view.title, "Author": doc.issuing_body, "Creator": GENERATOR, "Producer": GENERATOR}
        if doc.date:
            info["CreationDate"] = f"D:{doc.date:%Y%m%d}000000"
        return write_pdf(layout, font_set, info)
    return _weasyprint(view, plan, directory)


def _weasyprint(view: DocumentView, plan, directory) -> bytes:
    from weasyprint import HTML  # lazy: WeasyPrint is slow to import and only this fallback needs it

    html = render_view(view, plan=plan, print_media=True)
    fetcher = SafeURLFetcher(allowed_dirs=[TEMPLATES_DIR, directory], resources=plan.resources)
    return HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf()
