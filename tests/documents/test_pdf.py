"""The opinion PDF against GB/T 9704-2012 (domain.md) and the acceptance points of issue 4."""

from __future__ import annotations

import io

import pdfplumber
import pypdf
import pytest

from app.documents import layout as L
from app.documents.fonts import plan_fonts
from tests.documents.sample import sample_opinion
from app.documents.structure import build_view

from .pdfinspect import body_lines, lines, page_number_lines, squash
import itertools

A4 = (595.28, 841.89)
TYPE_RIGHT_MM = L.LEFT_MM + L.TYPE_WIDTH_MM
MM_PT = 72 / 25.4
PAGE_NUMBER_INSET_MM = L.PAGE_NUMBER_PT / (72 / 25.4)


def full_pages(pdf):
    """Pages wholly of body text: all but the first (版头) and the last (署名, 版记)."""
    return pdf.pages[1:-1]


def test_sample_is_a_realistic_five_page_opinion(pdf):
    assert len(pdf.pages) == 5


def test_every_page_is_a4(pdf):
    for page in pdf.pages:
        assert (round(float(page.width), 2), round(float(page.height), 2)) == pytest.approx(A4, abs=0.5)


def test_margins_measured_from_the_text(pdf):
    for page in pdf.pages:
        body = body_lines(page)
        assert min(line.x0 for line in body) == pytest.approx(L.LEFT_MM, abs=1)
        assert body[0].top == pytest.approx(L.TOP_MM, abs=1)
        # Nothing sticks out of the 156 mm type area (a glyph box may touch its edge).
        assert max(line.x1 for line in body) <= TYPE_RIGHT_MM + 0.5


def test_twenty_two_lines_per_full_page(pdf):
    for page in full_pages(pdf):
        # body lines: 3号, 楷体 headings drawn a little larger to match it visually (issue 9)
        body = [line for line in body_lines(page) if L.BODY_PT <= line.size < L.TITLE_PT]
        assert len(body) == pytest.approx(L.LINES_PER_PAGE, abs=1)
        pitches = [b.top - a.top for a, b in itertools.pairwise(body)]
        assert max(pitches) == pytest.approx(L.LINE_PITCH_MM, abs=0.2)
        assert min(pitches) == pytest.approx(L.LINE_PITCH_MM, abs=0.2)


def test_twenty_eight_characters_per_full_line(pdf):
    full = [
        line
        for page in full_pages(pdf)
        for line in body_lines(page)
        if line.x0 == pytest.approx(L.LEFT_MM, abs=0.5) and line.x1 > TYPE_RIGHT_MM - 3
    ]
    assert len(full) > 20
    for line in full:
        assert line.width_in_chars == pytest.approx(L.CHARS_PER_LINE, abs=1), line.text
    pure = [line for line in full if line.width_in_chars == len(line.text)]  # no half-width digits
    assert pure and all(len(line.text) == L.CHARS_PER_LINE for line in pure)


def test_fonts_per_role(pdf):
    first = lines(pdf.pages[0])
    title = [line for line in first if line.size == L.TITLE_PT]
    assert title and all(any("xiaobiaosong" in f for f in line.fonts) for line in title)
    headings = [line for page in pdf.pages for line in lines(page) if line.text in ("一、基本情况", "四、法律分析")]
    assert len(headings) == 2 and all(any("heiti" in f for f in line.fonts) for line in headings)
    sub = [line for page in pdf.pages for line in lines(page) if line.text.startswith("（一）信访人诉求")]
    assert sub and any("kaiti" in f for f in sub[0].fonts)
    numbers = [line for page in pdf.pages for line in page_number_lines(page)]
    assert numbers and all(line.size == L.PAGE_NUMBER_PT and any("songti" in f for f in line.fonts) for line in numbers)


def test_all_fonts_embedded(pdf_bytes):
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    seen = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
                seen += 1
    assert seen >= 5
    assert len(pdf_bytes) < 400_000  # subsets, not whole CJK fonts


def test_page_numbers_alternate_and_the_last_page_is_numbered(pdf):
    """Issue 9, item 5: GB/T 9704 leaves the number off only when a blank page precedes the
    版记 page; the platform inserts none, so the last page (with the 版记) is numbered too."""
    for number, page in enumerate(pdf.pages, 1):
        found = page_number_lines(page)
        assert [line.text for line in found] == [f"— {number} —"]
        line = found[0]
        assert line.top == pytest.approx(L.TOP_MM + L.TYPE_HEIGHT_MM + L.PAGE_NUMBER_GAP_MM, abs=1)
        if number % 2:  # odd: right, one character in
            assert line.x1 == pytest.approx(TYPE_RIGHT_MM - PAGE_NUMBER_INSET_MM, abs=1)
        else:  # even: left, one character in
            assert line.x0 == pytest.approx(L.LEFT_MM + PAGE_NUMBER_INSET_MM, abs=1)


def test_number_title_and_addressee_on_page_one(pdf, opinion):
    first = lines(pdf.pages[0])
    texts = [line.text for line in first]
    assert texts[0] == opinion.number
    assert first[0].x0 + first[0].x1 == pytest.approx(2 * L.LEFT_MM + L.TYPE_WIDTH_MM, abs=2)  # centred
    assert squash("".join(line.text for line in first if line.size == L.TITLE_PT)) == squash(opinion.title)
    assert texts[texts.index("法律审查意见书") + 1] == "南京市江宁区人民政府："


def test_extracted_text_is_the_documents_content(pdf, opinion):
    extracted = "".join(line.text for page in pdf.pages for line in body_lines(page))
    expected = "".join(build_view(opinion).lines())
    assert squash(extracted) == squash(expected)
    for rare in ("王堃", "李昇", "张𠮷"):
        assert rare in extracted


def test_rare_characters_have_real_glyphs(opinion, fonts_dir):
    plan = plan_fonts(build_view(opinion).chars_by_role(), fonts_dir)
    assert plan.complete and not plan.missing
    # 𠮷 is outside GBK: it comes from a second, per-document font cut from the full font.
    body_faces = [face for face in plan.faces if face.role == "fangsong"]
    assert len(body_faces) == 2


def test_signoff_and_banji_on_the_last_page(pdf, opinion):
    last = body_lines(pdf.pages[-1])
    texts = [line.text for line in last]
    issuer = last[texts.index(opinion.issuing_body)]
    date = last[texts.index("2026年11月28日")]
    two_chars = 2 * L.CHAR_PITCH_PT / (72 / 25.4)
    # GB/T 9704 7.3.5.3: 署名右空二字, 日期首字比署名首字右移二字; a date longer than the
    # 署名 is set 右空二字 instead, and the 署名 moves left with it.
    assert date.x0 - issuer.x0 == pytest.approx(two_chars, abs=1)
    assert min(TYPE_RIGHT_MM - issuer.x1, TYPE_RIGHT_MM - date.x1) == pytest.approx(two_chars, abs=1)
    cc, printer = last[-2], last[-1]
    assert cc.text == "抄送：南京市信访局，江宁区信访局。" and cc.size == L.BANJI_PT
    assert printer.text == "江苏省信访局办公室2026年11月28日印发"
    assert printer.top + 7 > L.TOP_MM + L.TYPE_HEIGHT_MM - 5  # at the foot of the page


def test_banji_ends_on_the_last_line_of_the_last_page(pdf):
    """Issue 9, item 5, by geometry: the 版记's closing rule lies on the type area's last line
    (the foot of the page, not mid-page), its 印发 line is the page's last line of text, and
    only the page number lies below it."""
    page = pdf.pages[-1]
    area_bottom = L.TOP_MM + L.TYPE_HEIGHT_MM
    rules = [r for r in page.rects if r["width"] > 100 * MM_PT]  # WeasyPrint draws the box, grid the rules
    closing = max(r["bottom"] for r in rules) / MM_PT
    opening = min(r["top"] for r in rules) / MM_PT
    assert area_bottom - L.LINE_PITCH_PT / MM_PT < closing <= area_bottom + 0.5
    body = body_lines(page)
    assert body[-1].text.endswith("印发") and body[-1].top > area_bottom - 2 * L.LINE_PITCH_PT / MM_PT
    assert all(line.top < opening for line in body[:-2]) and body[-2].top > opening
    numbers = page_number_lines(page)
    assert numbers and numbers[0].top > closing


def test_draft_is_watermarked_and_unnumbered(draft_pdf, opinion):
    for page in draft_pdf.pages:  # the watermark is rotated: its characters are on two lines
        chars = "".join(char["text"] for char in page.chars)
        assert "草" in chars and "稿" in chars
    assert opinion.number not in draft_pdf.pages[0].extract_text()


def test_without_banji_the_last_page_keeps_its_number(fonts_dir, engine):
    from dataclasses import replace

    from app.documents.pdf import render_pdf

    doc = replace(sample_opinion(), cc=[], printing_office="", print_date=None, findings="查明事实。", analysis="分析。")
    with pdfplumber.open(io.BytesIO(render_pdf(doc, fonts=fonts_dir, engine=engine))) as document:
        last = len(document.pages)
        assert [line.text for line in page_number_lines(document.pages[-1])] == [f"— {last} —"]
        assert "抄送" not in document.pages[-1].extract_text()
