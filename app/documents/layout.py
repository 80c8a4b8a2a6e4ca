"""GB/T 9704-2012 page measures shared by the PDF (CSS), the DOCX and the tests.

Lengths are in millimetres (``*_MM``) or points (``*_PT``); 1 mm = 72 / 25.4 pt.
"""

from __future__ import annotations

PT_PER_MM = 72 / 25.4

PAGE_WIDTH_MM = 210.0  # A4
PAGE_HEIGHT_MM = 297.0
TOP_MM = 37.0  # 天头: page top to type area top
LEFT_MM = 28.0  # 订口: page left to type area left
TYPE_WIDTH_MM = 156.0  # 版心 width
TYPE_HEIGHT_MM = 225.0  # 版心 height
RIGHT_MM = PAGE_WIDTH_MM - LEFT_MM - TYPE_WIDTH_MM  # 26 mm
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - TYPE_HEIGHT_MM  # 35 mm

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
PAGE_NUMBER_PT = 14.0  # 4号
BANJI_PT = 14.0  # 版记 4号仿宋
PAGE_NUMBER_GAP_MM = 7.0  # 页码一字线上距版心下边缘 7 mm

# One line of the 22-line grid and one character of the 28-character grid.
LINE_PITCH_MM = TYPE_HEIGHT_MM / LINES_PER_PAGE  # 10.227 mm
LINE_PITCH_PT = LINE_PITCH_MM * PT_PER_MM  # 28.99 pt
CHAR_PITCH_PT = TYPE_WIDTH_MM * PT_PER_MM / CHARS_PER_LINE  # 15.793 pt
# 28 full-width characters of 16 pt are 158 mm: squeeze each by 0.207 pt (a hair more, so
# that rounding in the text engine never pushes the 28th character to the next line).
LETTER_SPACING_PT = CHAR_PITCH_PT - BODY_PT - 0.0005

# Fonts are normalised to an ideographic em box (ascent 0.88 em, descent 0.12 em), so the
# text of a line is centred in its 28.99 pt grid line: the em box of the first line starts
# HALF_LEADING below the top of the first grid line. The page content box is shifted up by
# that much so that the characters themselves start at the 37 mm top margin.
HALF_LEADING_PT = (LINE_PITCH_PT - BODY_PT) / 2
CONTENT_TOP_MM = TOP_MM - HALF_LEADING_PT / PT_PER_MM
# 0.2 mm of slack below the 22nd line, so that rounding never pushes it to the next page.
CONTENT_BOTTOM_MM = PAGE_HEIGHT_MM - CONTENT_TOP_MM - TYPE_HEIGHT_MM - 0.2

TITLE_LINE_PT = TITLE_PT * 1.5
# 发文机关标志 (信函格式, GB/T 9704 10.1): red 小标宋, centred, above the red separator.
ISSUER_MARK_PT = 30.0
ISSUER_MARK_RGB = (0xDD / 255, 0.0, 0.0)
BANJI_LINE_PT = LINE_PITCH_PT - 1.5  # two 版记 lines and their three rules fit two grid lines
EM_BOX_ASCENT = 0.88
EM_BOX_DESCENT = 0.12


def mm(value: float) -> str:
    """CSS length in millimetres, rounded for readable stylesheets."""
    return f"{value:.4f}mm"


def pt(value: float) -> str:
    return f"{value:.4f}pt"
