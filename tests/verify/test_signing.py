"""The signed PDF: valid and unmodified for pyHanko's validator and poppler's pdfsig, the grid
engine's bytes kept (incremental update), the opinion's geometry unchanged, the seal over the
date, a QR code that decodes to the verification page; drafts carry none of it; the DOCX says
the signed PDF is authoritative."""

from __future__ import annotations

import io
import shutil
import subprocess

import pdfplumber
import pytest
import pypdfium2 as pdfium
import zxingcpp
from asn1crypto import x509 as asn1_x509
from docx import Document
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.documents.marks import issue_marks
from app.documents.pdf import render_pdf
from app.pki import crypto
from app.pki.signing import FIELD_NAME
from tests.documents import test_pdf as geometry
from tests.documents.sample import sample_opinion
from tests.verify.signed_sample import URL, pki, sign_sample


@pytest.fixture(scope="module")
def unsigned_bytes():
    return render_pdf(sample_opinion())


@pytest.fixture(scope="module")
def pdf_bytes(unsigned_bytes):
    return sign_sample(unsigned_bytes)


@pytest.fixture(scope="module")
def pdf(pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        yield document


@pytest.fixture(scope="module")
def opinion():
    return sample_opinion()


def _status(data: bytes, root):
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(crypto.cert_der(root))], allow_fetching=False)
    return signature, validate_pdf_signature(signature, context)


def test_pyhanko_validator_reports_valid_trusted_and_unmodified(pdf_bytes):
    signature, status = _status(pdf_bytes, pki()[0])
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.modification_level == ModificationLevel.NONE
    assert status.docmdp_ok in (None, True)
    assert signature.field_name == FIELD_NAME
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_pdfsig_reports_the_signature_valid_and_the_whole_document_signed(pdf_bytes, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf_bytes)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Signature is Valid." in out and "Total document signed" in out and "ETSI.CAdES.detached" in out
    assert "江苏省信访局" in out


def test_the_grid_engines_bytes_stay_as_they_were(unsigned_bytes, pdf_bytes):
    assert pdf_bytes.startswith(unsigned_bytes) and len(pdf_bytes) > len(unsigned_bytes)


# The opinion's geometry checks (A4, margins, 22 × 28 grid, page numbers, 版记), on the signed file.
test_every_page_is_a4 = geometry.test_every_page_is_a4
test_margins_measured_from_the_text = geometry.test_margins_measured_from_the_text
test_twenty_two_lines_per_full_page = geometry.test_twenty_two_lines_per_full_page
test_twenty_eight_characters_per_full_line = geometry.test_twenty_eight_characters_per_full_line
test_page_numbers_alternate_and_the_last_page_is_numbered = geometry.test_page_numbers_alternate_and_the_last_page_is_numbered
test_banji_ends_on_the_last_line_of_the_last_page = geometry.test_banji_ends_on_the_last_line_of_the_last_page
test_signoff_and_banji_on_the_last_page = geometry.test_signoff_and_banji_on_the_last_page
test_sample_is_a_realistic_five_page_opinion = geometry.test_sample_is_a_realistic_five_page_opinion
test_number_title_and_addressee_on_page_one = geometry.test_number_title_and_addressee_on_page_one
test_all_fonts_embedded = geometry.test_all_fonts_embedded
test_extracted_text_is_the_documents_content = geometry.test_extracted_text_is_the_documents_content


def test_seal_is_the_signatures_appearance_centred_on_the_date(pdf_bytes, pdf):
    marks = issue_marks(sample_opinion())
    last = pdf.pages[-1]
    widgets = [a for a in last.annots if a.get("data", {}).get("FT") == "/Sig" or a.get("data", {}).get("T")]
    assert len(widgets) == 1
    rect = [float(v) for v in widgets[0]["data"]["Rect"]]
    centre_x = (rect[0] + rect[2]) / 2
    assert abs(centre_x - (marks.date.x0 + marks.date.x1) / 2) < 0.5  # 以成文日期为准居中
    # the 署名 and the date sit in the lower half of the seal
    assert rect[1] < marks.date.y0 and marks.signoff.y1 <= (rect[1] + rect[3]) / 2 + 0.5
    assert abs((rect[2] - rect[0]) / (72 / 25.4) - 42) < 0.1  # Ø 42 mm


def test_qr_code_decodes_to_the_verification_page_and_sits_below_the_banji(pdf_bytes):
    document = pdfium.PdfDocument(pdf_bytes)
    page = document[len(document) - 1]
    image = page.render(scale=300 / 72).to_pil()
    found = zxingcpp.read_barcodes(image)
    assert [b.text for b in found] == [URL]
    banji = issue_marks(sample_opinion()).banji
    top_px = min(found[0].position.top_left.y, found[0].position.top_right.y)  # image y grows downwards
    assert (image.height - top_px) * 72 / 300 < banji.y0  # entirely below the 版记's closing rule


def test_without_a_seal_the_signature_is_invisible_but_present(unsigned_bytes):
    data = sign_sample(unsigned_bytes, with_seal=False)
    _, status = _status(data, pki()[0])
    assert status.bottom_line
    with pdfplumber.open(io.BytesIO(data)) as document:
        assert not [a for a in document.pages[-1].annots if a["data"].get("Rect") and float(a["data"]["Rect"][2]) > 0]


def test_draft_preview_and_draft_pdf_carry_no_signature_seal_or_code(client, api, world, factory):
    from tests.api.test_opinions import build_panel, draft_ready

    panel = build_panel(world, factory)
    op = draft_ready(client, api, panel)
    headers = api(world.officer_nj)
    draft = client.get(f"/api/v1/opinions/{op['id']}/pdf", headers=headers).data
    assert b"/Sig" not in draft and b"/ByteRange" not in draft
    document = pdfium.PdfDocument(draft)
    last = document[len(document) - 1]
    assert not zxingcpp.read_barcodes(last.render(scale=3).to_pil())
    assert "验真码" not in last.get_textpage().get_text_range()


def test_issued_docx_first_line_names_the_signed_pdf_and_the_code(app, issued):
    from app.pki.models import IssuedSignature
    from app.pki.stamping import format_code

    code = app.extensions["sqlalchemy"].session.get(IssuedSignature, issued.id).code
    first = Document(io.BytesIO(issued.docx)).paragraphs[0].text
    assert "以加盖电子签章的 PDF 版本为准" in first and format_code(code) in first and f"/verify/{code}" in first


def test_issued_pdf_is_signed_by_the_offices_certificate_and_its_hash_is_the_signed_files(app, issued, world):
    import hashlib

    from app.pki import services, store

    assert hashlib.sha256(issued.pdf).hexdigest() == issued.body["pdf_sha256"]
    signature, status = _status(issued.pdf, store.root_cert())
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    cert = services.active_certificate(world.nj.id)
    assert signature.signer_cert.dump() == cert.cert_der


def test_verification_mark_leaves_the_last_page_number_visible(pdf_bytes):
    """The mark sits in the corner the page number does not use (odd numbers at the right)."""
    document = pdfium.PdfDocument(pdf_bytes)
    image = document[len(document) - 1].render(scale=300 / 72).to_pil()
    position = zxingcpp.read_barcodes(image)[0].position
    xs = [p.x * 72 / 300 for p in (position.top_left, position.top_right, position.bottom_left, position.bottom_right)]
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        last = pdf.pages[-1]
        number = [w for w in last.extract_words() if w["text"].strip("—－- ") == str(len(pdf.pages))]
    assert number, "the last page carries its number"
    assert max(xs) < number[-1]["x0"] or min(xs) > number[-1]["x1"]
