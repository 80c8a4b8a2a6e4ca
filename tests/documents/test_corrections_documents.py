"""Issue 9, items 5–7 on the documents themselves: the signature block's hanging indent, the
per-office 发文机关标志, the DOCX's core properties, and the DOCX laid out by a real client
(LibreOffice, headless) on as many pages as the PDF, with the 版记 at the foot of the last page."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from app.documents import layout as L
from app.documents import render_docx
from app.documents.model import Signer
from app.documents.pdf import render_pdf
from tests.documents.sample import sample_opinion

from .pdfinspect import body_lines, lines, page_number_lines

MM = 72 / 25.4
LONG = Signer("赵德胜", "原审判委员会委员", "江苏省南京市中级人民法院民事审判第一庭（已退休）", "成员")


def _with_long_signer():
    doc = sample_opinion()
    return replace(doc, signers=[*doc.signers, LONG])


@pytest.mark.parametrize("engine", ["grid", "weasyprint"])
def test_signature_block_hangs_under_the_affiliation(fonts_dir, engine):
    """A long affiliation continues under itself, not back at the left margin; every
    affiliation starts at the same column."""
    data = render_pdf(_with_long_signer(), fonts=fonts_dir, engine=engine)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = next(p for p in pdf.pages if "赵德胜" in p.extract_text())
        found = lines(page)
        first = next(i for i, line in enumerate(found) if line.text.startswith("赵德胜"))
        continuation = found[first + 1]
        assert "原审判委员会委员" in found[first].text + continuation.text
        assert continuation.x0 > L.LEFT_MM + 2 * L.CHAR_PITCH_PT / MM + 10  # not back at the margin

        def affiliation_x(line, first_char):
            return min(c["x0"] for c in page.chars if abs(c["top"] / MM - line.top) < 0.5 and c["text"] == first_char) / MM

        column = affiliation_x(found[first], "江")
        assert continuation.x0 == pytest.approx(column, abs=0.5)  # hangs under the affiliation
        starts = [affiliation_x(line, line_first) for line, line_first in
                  ((next(x for x in found if x.text.startswith(name)), ch) for name, ch in (("李昇", "南"), ("陈思远", "河")))]
        assert starts == pytest.approx([column, column], abs=0.5)


def test_docx_signer_paragraph_hangs():
    document = docx.Document(io.BytesIO(render_docx(_with_long_signer())))
    para = next(p for p in document.paragraphs if p.text.startswith("赵德胜"))
    fmt = para.paragraph_format
    assert fmt.first_line_indent < 0 and fmt.left_indent > 0
    assert fmt.left_indent + fmt.first_line_indent == pytest.approx(docx.shared.Pt(2 * L.CHAR_PITCH_PT), abs=200)
    assert "\t" in para.text and [t.position for t in fmt.tab_stops] == [fmt.left_indent]


def test_issuer_mark_in_red_above_the_rule(fonts_dir):
    doc = replace(sample_opinion(), issuer_mark="江苏省信访局")
    data = render_pdf(doc, fonts=fonts_dir, engine="grid")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        first = lines(page)[0]
        assert first.text == "江苏省信访局" and first.size == L.ISSUER_MARK_PT
        red = next(c for c in page.chars if c["text"] == "江" and c["size"] == L.ISSUER_MARK_PT)
        assert tuple(round(v, 2) for v in red["non_stroking_color"]) == (0.87, 0.0, 0.0)
        rule = min(r["top"] for r in page.rects)
        assert red["bottom"] < rule and lines(page)[1].text == doc.number
        assert first.x0 + (first.x0 + 0) > 0 and abs((first.x0 + first.x1) / 2 - (L.LEFT_MM + L.TYPE_WIDTH_MM / 2)) < 1
    plain = render_pdf(sample_opinion(), fonts=fonts_dir, engine="grid")
    with pdfplumber.open(io.BytesIO(plain)) as pdf:
        assert lines(pdf.pages[0])[0].text == sample_opinion().number  # off by default
    document = docx.Document(io.BytesIO(render_docx(doc)))
    mark = document.paragraphs[0]
    assert mark.text == "江苏省信访局" and str(mark.runs[0].font.color.rgb) == "DD0000"


def test_docx_core_properties_name_the_office_the_issue_time_and_chinese():
    issued = datetime(2026, 11, 28, 2, 15, 30, tzinfo=UTC)
    document = docx.Document(io.BytesIO(render_docx(replace(sample_opinion(), issued_at=issued))))
    props = document.core_properties
    assert props.author == props.last_modified_by == "江苏省信访局"
    assert props.created == props.modified == issued.replace(tzinfo=None) or props.created == issued
    assert props.language == "zh-CN" and props.title.startswith("关于") and props.identifier == sample_opinion().number
    assert "python-docx" not in (props.author + props.comments + props.last_modified_by)
    langs = {el.get(qn("w:val")) for el in document.styles.element.iter(qn("w:lang"))}
    assert langs == {"zh-CN"}


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _libreoffice_pdf(data: bytes, tmp_path) -> bytes:
    source = tmp_path / "opinion.docx"
    source.write_bytes(data)
    profile = tmp_path / "profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    return (tmp_path / "opinion.pdf").read_bytes()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (Debian libreoffice-writer-nogui) is not installed")
@pytest.mark.parametrize("extra", [0, 3])
def test_libreoffice_lays_the_docx_on_as_many_pages_as_the_pdf(tmp_path, fonts_dir, extra):
    """Issue 9, item 7: opened in LibreOffice the DOCX of a 5-page opinion ran to 6 pages with the
    版记 alone at the top of the last one. Now: the same page count as the PDF, the 版记 on the
    last page at the foot of the type area, every page numbered."""
    doc = sample_opinion()
    if extra:
        doc = replace(doc, dissent=doc.dissent + "\n补充意见。" * extra)
    ours = render_pdf(doc, fonts=fonts_dir, engine="grid")
    theirs = _libreoffice_pdf(render_docx(doc), tmp_path)
    with pdfplumber.open(io.BytesIO(ours)) as a, pdfplumber.open(io.BytesIO(theirs)) as b:
        assert len(b.pages) == len(a.pages)
        last = b.pages[-1]
        body = body_lines(last)
        assert body[-1].text.replace(" ", "").endswith("印发") and body[-2].text.startswith("抄送")
        area_bottom = L.TOP_MM + L.TYPE_HEIGHT_MM
        closing = max(r["bottom"] for r in last.rects) / MM
        assert closing == pytest.approx(area_bottom, abs=1.5)  # the 版记's last rule on the last line
        assert body[-1].top > area_bottom - 2 * L.LINE_PITCH_MM
        for number, page in enumerate(b.pages, 1):
            assert [line.text.replace(" ", "") for line in page_number_lines(page)] == [f"—{number}—"] or \
                f"— {number} —".replace(" ", "") in page.extract_text().replace(" ", "")
