"""Opinion documents (法律审查意见书): GB/T 9704-2012 PDF, editable DOCX, HTML preview, and
legal-basis citations. Framework-free: no Flask, no SQLAlchemy, no other ``app`` modules.

    from app.documents import OpinionDocument, render_pdf, render_docx, render_html

The renderers are imported lazily (WeasyPrint takes a while to import). ``render_pdf`` uses
the grid typesetter (:mod:`app.documents.gridpdf`) by default; ``render_pdf_weasyprint``
(or ``render_pdf(doc, engine="weasyprint")``) is the WeasyPrint engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .citations import (
    Citation,
    CitationError,
    CitationMatch,
    find_citations,
    format_citation,
    law_key,
    law_keys,
    parse_citation,
    suggest_legal_basis,
    validate_legal_basis,
)
from .model import ConsultationSummary, OpinionDocument, Signer, format_date, format_document_number, parse_document_number
from .structure import document_text

if TYPE_CHECKING:  # pragma: no cover
    from .docx import render_docx
    from .pdf import render_pdf, render_pdf_weasyprint
    from .preview import render_html

__all__ = [
    "Citation",
    "CitationError",
    "CitationMatch",
    "ConsultationSummary",
    "OpinionDocument",
    "Signer",
    "document_text",
    "find_citations",
    "format_citation",
    "format_date",
    "format_document_number",
    "law_key",
    "law_keys",
    "parse_citation",
    "parse_document_number",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_pdf_weasyprint",
    "suggest_legal_basis",
    "validate_legal_basis",
]

_LAZY = {"render_pdf": ".pdf", "render_pdf_weasyprint": ".pdf", "render_docx": ".docx", "render_html": ".preview"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
