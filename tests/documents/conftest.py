"""Fixtures for the opinion documents: the fonts prepared (once; idempotent, in
``$DOCUMENT_FONTS_DIR`` or ``instance/fonts`` like ``make setup`` does), and the sample opinion
rendered once per session and per PDF engine (PDF, draft PDF): every test that takes
``pdf``, ``pdf_bytes``, ``draft_pdf`` or ``engine`` runs against both engines."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from app.documents import fonts
from app.documents.pdf import ENGINES
from tests.documents.sample import sample_opinion


@pytest.fixture(scope="session")
def fonts_dir():
    directory = fonts.fonts_dir()
    if fonts.hb is not None:
        fonts.build(directory)  # ~1 s the first time, milliseconds when up to date
    return directory


@pytest.fixture(scope="session")
def opinion():
    return sample_opinion()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request):
    """The PDF engine under test: the grid typesetter and WeasyPrint."""
    return request.param


@pytest.fixture(scope="session")
def pdf_bytes(opinion, fonts_dir, engine):
    from app.documents.pdf import render_pdf

    return render_pdf(opinion, fonts=fonts_dir, engine=engine)


@pytest.fixture(scope="session")
def pdf(pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        yield document


@pytest.fixture(scope="session")
def draft_pdf(fonts_dir, engine):
    from app.documents.pdf import render_pdf

    data = render_pdf(sample_opinion(draft=True), fonts=fonts_dir, engine=engine)
    with pdfplumber.open(io.BytesIO(data)) as document:
        yield document
