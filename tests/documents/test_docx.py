"""The editable DOCX: A4, GB/T 9704 margins, fonts per role (East Asian slot), line grid,
page numbers, and the same text as the PDF."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from app.documents import layout as L
from app.documents.docx import FONT_NAMES, STYLE_H1, STYLE_H2, STYLE_TITLE, render_docx
from tests.documents.sample import sample_opinion
from app.documents.structure import build_view

from .pdfinspect import squash


@pytest.fixture(scope="module")
def document():
    return docx.Document(io.BytesIO(render_docx(sample_opinion())))


def east_asian(element) -> str | None:
    """The East Asian font of a run (``w:r``) or a style (``w:style``)."""
    rpr = element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_a4_and_margins(document):
    section = document.sections[0]
    assert section.page_width.mm == pytest.approx(L.PAGE_WIDTH_MM, abs=0.1)
    assert section.page_height.mm == pytest.approx(L.PAGE_HEIGHT_MM, abs=0.1)
    assert section.top_margin.mm == pytest.approx(L.TOP_MM, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(L.BOTTOM_MM, abs=0.1)
    assert section.left_margin.mm == pytest.approx(L.LEFT_MM, abs=0.1)
    assert section.right_margin.mm == pytest.approx(L.RIGHT_MM, abs=0.1)
    # The type area is 156 × 225 mm.
    assert (section.page_width - section.left_margin - section.right_margin) == pytest.approx(Mm(156), abs=Mm(0.1))


def test_line_grid(document):
    normal = document.styles["Normal"]
    assert normal.font.size.pt == L.BODY_PT
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(L.LINE_PITCH_PT, abs=0.1)
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert int(grid.get(qn("w:linePitch"))) / 20 * L.LINES_PER_PAGE == pytest.approx(L.TYPE_HEIGHT_MM * 72 / 25.4, abs=1)
    # 28 characters a line: 16 pt characters condensed so that 28 fit in 156 mm, 29 do not.
    condensed = int(normal.element.find(qn("w:rPr")).find(qn("w:spacing")).get(qn("w:val"))) / 20
    width = L.TYPE_WIDTH_MM * 72 / 25.4
    assert 28 * (L.BODY_PT + condensed) <= width < 29 * (L.BODY_PT + condensed)


def test_fonts_per_role(document):
    assert FONT_NAMES == {
        "fangsong": "仿宋_GB2312",
        "xiaobiaosong": "方正小标宋简体",
        "heiti": "黑体",
        "kaiti": "楷体_GB2312",
        "songti": "宋体",
    }
    normal = document.styles["Normal"]
    assert normal.font.name == "仿宋_GB2312"
    assert east_asian(normal.element) == "仿宋_GB2312"
    by_style = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, paragraph)
    title = by_style[STYLE_TITLE]
    assert {(east_asian(run._r), run.font.size.pt) for run in title.runs} == {("方正小标宋简体", L.TITLE_PT)}
    assert east_asian(by_style[STYLE_H1].runs[0]._r) == "黑体"
    assert east_asian(by_style[STYLE_H2].runs[0]._r) == "楷体_GB2312"
    body = next(p for p in document.paragraphs if p.text.startswith("信访人王堃"))
    assert east_asian(body.runs[0]._r) == "仿宋_GB2312" and body.runs[0].font.size.pt == L.BODY_PT


def test_page_numbers_in_footers(document):
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml and paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.alignment is not None and paragraph.alignment.name.lower() == alignment
        assert {east_asian(run._r) for run in paragraph.runs if run.text.strip()} == {"宋体"}


def test_same_text_as_the_pdf(document):
    text = "".join(p.text for p in document.paragraphs)
    text += "".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert squash(text) == squash("".join(build_view(sample_opinion()).lines()))
    assert "张𠮷" in text and "王堃" in text and "李昇" in text


def _framed(document):
    return [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:framePr")) is not None]


def test_banji_frame_at_the_foot_with_its_rules(document):
    """The 版记 is a frame aligned to the bottom of the type area (issue 9, item 7: a floating
    table was laid out inline by LibreOffice, alone at the top of an extra page): rules of
    1 pt, 0.75 pt and 1 pt around 抄送 and 印发机关/日期."""
    framed = _framed(document)
    assert [p.text for p in framed if p.text] == ["抄送：南京市信访局，江宁区信访局。", "江苏省信访局办公室\t2026年11月28日印发"]
    for p in framed:
        frame = p._p.pPr.find(qn("w:framePr"))
        assert frame.get(qn("w:yAlign")) == "bottom" and frame.get(qn("w:vAnchor")) == "margin"
    rules = [p for p in framed if not p.text]
    assert [p.paragraph_format.line_spacing.pt for p in rules] == [1.0, 0.75, 1.0]
    assert all(p._p.pPr.find(qn("w:shd")).get(qn("w:fill")) == "000000" for p in rules)
    assert framed[-1]._p is document.paragraphs[-1]._p  # nothing after the 版记


def test_draft_docx_is_marked():
    draft = docx.Document(io.BytesIO(render_docx(sample_opinion(draft=True))))
    assert "草稿" in draft.sections[0].header.paragraphs[0].text


def test_no_banji_no_frame():
    from dataclasses import replace

    plain = docx.Document(io.BytesIO(render_docx(replace(sample_opinion(), cc=[], printing_office="", print_date=None))))
    assert not plain.tables and not _framed(plain)
