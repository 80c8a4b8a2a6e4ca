"""The opinion as an editable DOCX (python-docx), for Word and WPS.

Same content as the PDF (both come from :class:`DocumentView`) and the same GB/T 9704
settings: A4, margins 37/35/28/26 mm, a 22-line document grid, 3号仿宋 body with exact
28.95 pt line spacing and 0.25 pt condensed characters (28 a line), 2号小标宋 title, 黑体/楷体 headings, ``— n —``
page numbers (宋体 4号, odd pages right and even pages left with one character inset, the
last page too) and the 版记 in a frame at the foot of the last page (Word and LibreOffice
alike: LibreOffice lays the DOCX out on as many pages as the PDF, tested headless). Fonts are named by their
official names (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体), with the East Asian
slot (``w:eastAsia``) set, which is what Word and WPS use for Chinese text.
"""

from __future__ import annotations

import io
import math
import unicodedata
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import layout as L
from .model import OpinionDocument
from .structure import FANGSONG, HEITI, KAITI, SONGTI, XIAOBIAOSONG, DocumentView, Para, build_view

SHANGHAI = ZoneInfo("Asia/Shanghai")
FONT_NAMES = {
    FANGSONG: "仿宋_GB2312",
    XIAOBIAOSONG: "方正小标宋简体",
    HEITI: "黑体",
    KAITI: "楷体_GB2312",
    SONGTI: "宋体",
}
STYLE_BODY = "GW Body"
STYLE_PLAIN = "GW Plain"
STYLE_TITLE = "GW Title"
STYLE_H1 = "GW Heading 1"
STYLE_H2 = "GW Heading 2"
STYLE_BANJI = "GW Banji"
STYLE_PAGE_NUMBER = "GW Page Number"

# Child order required by the WordprocessingML schema (Word refuses files that break it).
_PPR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]
_TBLPR_ORDER = [
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
]
_SECTPR_ORDER = [
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
]


_RPR_ORDER = [
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
]


def _insert(parent, child, order: list[str]) -> None:
    """Insert ``child`` where the schema wants it among ``parent``'s children."""
    tag = next(name for name in order if qn(name) == child.tag)
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])


def render_docx(doc: OpinionDocument) -> bytes:
    view = build_view(doc)
    document = Document()
    _setup_styles(document)
    _setup_section(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)  # the template's empty first paragraph

    if view.is_draft:
        header = document.sections[0].header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run("草稿（未签发）")
        _font(run, HEITI, L.PAGE_NUMBER_PT)
        run.font.color.rgb = RGBColor(0xCC, 0, 0)

    _head(document, view)
    for section in view.sections:
        _paragraph(document, STYLE_H1, [(section.heading, HEITI)])
        for para in section.paras:
            _para(document, para)
    if view.signers:
        _paragraph(document, STYLE_PLAIN, [("", FANGSONG)])
        _paragraph(document, STYLE_PLAIN, [(view.signers_heading, FANGSONG)])
        for para in view.signers:
            _para(document, para)
    _signoff(document, view)
    _banji(document, view)
    _properties(document, doc, view)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- properties


def _properties(document, doc: OpinionDocument, view: DocumentView) -> None:
    """Core properties as an office's own document: the issuing office as author, the moment
    of issue (else the 成文日期) as created and modified, Chinese as the language — not
    python-docx's template values (creator "python-docx", 2013-12-23, en-US)."""
    props = document.core_properties
    office = doc.issuing_body or ""
    when = doc.issued_at
    if when is None and doc.date is not None:
        when = datetime.combine(doc.date, time(9, 0), SHANGHAI)
    when = (when or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None, microsecond=0)  # core.xml is UTC
    props.author = props.last_modified_by = office
    props.title = view.title
    props.subject = doc.number or "法律审查意见书（草稿）"
    props.category = "法律审查意见书"
    props.keywords = ""
    props.comments = ""
    props.language = "zh-CN"
    props.identifier = doc.number or ""
    props.revision = 1
    props.created = props.modified = when
    # The text's language: the template's defaults say en-US (spell checking, fonts, line breaking).
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")


# --------------------------------------------------------------------------- page setup


def _setup_section(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(L.TOP_MM), Mm(L.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.LEFT_MM), Mm(L.RIGHT_MM)
    section.header_distance = Mm(15)
    # The page number's line (14 pt) starts 7 mm below the type area; Word measures the
    # footer from the page's bottom edge to the bottom of its last line.
    section.footer_distance = Mm(L.BOTTOM_MM - L.PAGE_NUMBER_GAP_MM) - Pt(L.PAGE_NUMBER_PT)
    # Line grid: 22 lines of 28.95 pt. (The 28 characters come from the body styles'
    # condensed spacing: a character grid, w:type="linesAndChars", is read by LibreOffice as
    # two cells per 16 pt character, i.e. 14 characters a line.)
    sect_pr = section._sectPr
    for grid in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(grid)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(L.LINE_PITCH_PT * 20)))
    _insert(sect_pr, grid, _SECTPR_ORDER)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _set_fonts(rpr_owner, name: str) -> None:
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _font(run, role: str, size: float) -> None:
    run.font.name = FONT_NAMES[role]
    run.font.size = Pt(size)
    _set_fonts(run._element, FONT_NAMES[role])


def _character_spacing(style, twentieths: int) -> None:
    """``w:spacing`` in a style's run properties (condensed when negative)."""
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    _insert(rpr, spacing, _RPR_ORDER)


# 28 characters of 16 pt in 156 mm: condense each by a whole number of twentieths of a
# point, rounded up from the 0.207 pt needed (Word rounds to twentieths).
CONDENSE_TWENTIETHS = -math.ceil((L.BODY_PT - L.CHAR_PITCH_PT) * 20)
# The exact line spacing in whole twips, rounded down (28.95 pt): 22 lines must fit the 225 mm
# type area (28.99 pt rounds up to 29 pt, and 22 × 29 pt is 0.2 pt too many: LibreOffice then
# sets 21 lines a page).
LINE_TWIPS = math.floor(L.LINE_PITCH_PT * 20)


def _setup_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT_NAMES[FANGSONG]
    normal.font.size = Pt(L.BODY_PT)
    _set_fonts(normal.element, FONT_NAMES[FANGSONG])
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_TWIPS / 20)
    fmt.widow_control = False  # keep 22 full lines per page
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _character_spacing(normal, CONDENSE_TWENTIETHS)
    # No extra space between Chinese and Latin text or digits (Word and LibreOffice add it for
    # zh-CN text by default): the grid of 28 characters a line, as in the PDF.
    ppr = normal.element.get_or_add_pPr()
    # Exact line heights, not the page's line grid: with Chinese text LibreOffice snaps a 33 pt
    # title line to two grid lines (the grid's 28.95 pt pitch equals the body's exact spacing).
    for name in ("w:snapToGrid", "w:autoSpaceDE", "w:autoSpaceDN"):
        flag = OxmlElement(name)
        flag.set(qn("w:val"), "0")
        _insert(ppr, flag, _PPR_ORDER)

    def add(name: str, role: str, size: float, *, indent: bool, outline: int | None = None):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.name = FONT_NAMES[role]
        style.font.size = Pt(size)
        _set_fonts(style.element, FONT_NAMES[role])
        if indent:
            style.paragraph_format.first_line_indent = Pt(2 * L.CHAR_PITCH_PT)
            ind = style.element.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:firstLineChars"), "200")
        if outline is not None:
            outline_el = OxmlElement("w:outlineLvl")
            outline_el.set(qn("w:val"), str(outline))
            _insert(style.element.get_or_add_pPr(), outline_el, _PPR_ORDER)
        return style

    add(STYLE_BODY, FANGSONG, L.BODY_PT, indent=True)
    add(STYLE_PLAIN, FANGSONG, L.BODY_PT, indent=False)
    add(STYLE_H1, HEITI, L.BODY_PT, indent=True, outline=0).paragraph_format.keep_with_next = True
    add(STYLE_H2, KAITI, L.BODY_PT, indent=True, outline=1).paragraph_format.keep_with_next = True
    title = add(STYLE_TITLE, XIAOBIAOSONG, L.TITLE_PT, indent=False)
    _character_spacing(title, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(L.TITLE_LINE_PT)
    banji = add(STYLE_BANJI, FANGSONG, L.BANJI_PT, indent=False)
    _character_spacing(banji, 0)
    banji.paragraph_format.line_spacing = Pt(round(L.BANJI_LINE_PT, 2))
    banji.paragraph_format.left_indent = banji.paragraph_format.right_indent = Pt(L.BANJI_PT)
    banji.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    number = add(STYLE_PAGE_NUMBER, SONGTI, L.PAGE_NUMBER_PT, indent=False)
    _character_spacing(number, 0)
    number.paragraph_format.line_spacing = Pt(L.PAGE_NUMBER_PT)


# --------------------------------------------------------------------------- content


def _paragraph(document, style: str, runs: list[tuple[str, str]], **fmt):
    paragraph = document.add_paragraph(style=style)
    for text, role in runs:
        run = paragraph.add_run(text)
        _font(run, role, document.styles[style].font.size.pt)
    for key, value in fmt.items():
        setattr(paragraph.paragraph_format, key, value)
    return paragraph


def _para(document, para: Para):
    if para.kind == "signer":
        return _signer(document, para)
    style = {"h1": STYLE_H1, "h2": STYLE_H2, "plain": STYLE_PLAIN}.get(para.kind, STYLE_BODY)
    return _paragraph(document, style, [(run.text, run.role) for run in para.runs])


def _signer(document, para: Para):
    """Name, a tab to the name column's end, the affiliation; a hanging indent keeps its
    continuation lines under the affiliation (Word and LibreOffice tab to the indent)."""
    runs = [(para.runs[0].text, para.runs[0].role)]
    if len(para.runs) > 1:
        runs.append(("\t" + "".join(run.text for run in para.runs[1:]).lstrip("\u3000"), para.runs[1].role))
    paragraph = _paragraph(document, STYLE_PLAIN, runs)
    column = Pt((2 + para.hang) * L.CHAR_PITCH_PT)
    fmt = paragraph.paragraph_format
    fmt.left_indent = column
    fmt.first_line_indent = Pt(-para.hang * L.CHAR_PITCH_PT)
    fmt.tab_stops.add_tab_stop(column)
    return paragraph


def _border(paragraph, side: str, size_eighths: int, color: str = "000000") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        _insert(ppr, borders, _PPR_ORDER)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _head(document, view: DocumentView) -> None:
    if view.issuer_mark:  # 发文机关标志 (信函格式): red 小标宋, centred, above the red rule
        mark = _paragraph(document, STYLE_TITLE, [])
        run = mark.add_run(view.issuer_mark)
        _font(run, XIAOBIAOSONG, L.ISSUER_MARK_PT)
        run.font.color.rgb = RGBColor(0xDD, 0, 0)
        mark.paragraph_format.line_spacing = Pt(2 * L.LINE_PITCH_PT)
    if view.number:
        number = _paragraph(document, STYLE_PLAIN, [(view.number, FANGSONG)])
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        number = _paragraph(document, STYLE_PLAIN, [("", FANGSONG)])
    _border(number, "bottom", 12, "DD0000")  # the red rule below 发文字号
    _paragraph(document, STYLE_PLAIN, [("", FANGSONG)])
    title = _paragraph(document, STYLE_TITLE, [])
    for i, line in enumerate(view.title_lines):
        run = title.add_run(line)
        _font(run, XIAOBIAOSONG, L.TITLE_PT)
        if i < len(view.title_lines) - 1:
            run.add_break()
    _paragraph(document, STYLE_PLAIN, [("", FANGSONG)])
    _paragraph(document, STYLE_PLAIN, [(view.addressee, FANGSONG)])


def _width_in_chars(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _signoff(document, view: DocumentView) -> None:
    """署名右空二字; 成文日期首字比署名首字右移二字 (GB/T 9704 7.3.5.3)."""
    body, date = _width_in_chars(view.issuing_body), _width_in_chars(view.date_text)
    block = max(body, date + 2)
    _paragraph(document, STYLE_PLAIN, [("", FANGSONG)])
    issuer = _paragraph(document, STYLE_PLAIN, [(view.issuing_body, FANGSONG)])
    issuer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    issuer.paragraph_format.right_indent = Pt((2 + block - body) * L.CHAR_PITCH_PT)
    issuer.paragraph_format.keep_with_next = True
    if view.date_text:
        date_p = _paragraph(document, STYLE_PLAIN, [(view.date_text, FANGSONG)])
        date_p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        date_p.paragraph_format.right_indent = Pt((block - date) * L.CHAR_PITCH_PT)


# The 版记 frame: as wide as the type area, at the foot of the type area of the page its anchor
# (the paragraph after the 成文日期) ends up on; body text never flows beside it.
_FRAME = {"w": str(round(L.TYPE_WIDTH_MM * 1440 / 25.4)), "wrap": "notBeside", "vAnchor": "margin", "hAnchor": "margin",
          "xAlign": "center", "yAlign": "bottom"}


def _framed(paragraph, *, keep_with_next: bool = True):
    """Put ``paragraph`` in the 版记 frame (consecutive paragraphs with the same frame
    properties share one frame, in Word and in LibreOffice)."""
    ppr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    for key, value in _FRAME.items():
        frame.set(qn(f"w:{key}"), value)
    _insert(ppr, frame, _PPR_ORDER)
    paragraph.paragraph_format.keep_with_next = keep_with_next  # the 版记 stays in one piece
    return paragraph


def _rule(document, points: float, *, last: bool = False):
    """A 版记 rule: an empty paragraph of ``points`` height, filled black (paragraph borders
    inside a frame are dropped by LibreOffice; shading is kept by both)."""
    paragraph = _framed(document.add_paragraph(style=STYLE_BANJI), keep_with_next=not last)
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)
    fmt.left_indent = fmt.right_indent = Pt(0)
    ppr = paragraph._p.get_or_add_pPr()
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", "000000")):
        shading.set(qn(f"w:{key}"), value)
    _insert(ppr, shading, _PPR_ORDER)
    run = paragraph.add_run()
    run.font.size = Pt(1)
    return paragraph


def _banji(document, view: DocumentView) -> None:
    """版记 at the foot of the last page, its closing rule on the type area's last line
    (GB/T 9704 7.5): a frame anchored after the 成文日期 and aligned to the bottom margin.
    Rules 0.35 mm (1 pt) first and last, 0.25 mm (0.75 pt) between 抄送 and 印发."""
    if not view.has_banji:
        return
    width = Mm(L.TYPE_WIDTH_MM)
    _rule(document, 1.0)
    if view.cc_text:
        cc = _framed(document.add_paragraph(style=STYLE_BANJI))
        _font(cc.add_run(view.cc_text), FANGSONG, L.BANJI_PT)
        if view.printing_office or view.print_date_text:
            _rule(document, 0.75)
    if view.printing_office or view.print_date_text:
        printer = _framed(document.add_paragraph(style=STYLE_BANJI))
        printer.paragraph_format.tab_stops.add_tab_stop(width - Pt(2 * L.BANJI_PT), WD_TAB_ALIGNMENT.RIGHT)
        _font(printer.add_run(f"{view.printing_office}\t{view.print_date_text}"), FANGSONG, L.BANJI_PT)
    _rule(document, 1.0, last=True)


# --------------------------------------------------------------------------- page numbers


def _fld_char(paragraph, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _instr(paragraph, text: str) -> None:
    """Field code text (``w:instrText``; plain ``w:t`` would be read as a field result)."""
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = text
    run._r.append(instr)


def _field(paragraph, instruction: str, result: str | None = None) -> None:
    """A complete simple field, e.g. ``{ PAGE }``; ``result`` is the cached value shown
    until the application updates it."""
    _fld_char(paragraph, "begin")
    _instr(paragraph, instruction)
    if result is not None:
        _fld_char(paragraph, "separate")
        paragraph.add_run(result)
    _fld_char(paragraph, "end")


def _page_number(paragraph, *, odd: bool) -> None:
    """``— { PAGE } —``, odd pages right and even pages left, one character in.

    Every page is numbered, the 版记 page too: hiding the last number needs a nested
    ``IF { PAGE } < { NUMPAGES }`` field, which LibreOffice prints as ``262``. The editable
    copy stays readable everywhere; the PDF (the official copy) leaves the 版记 page
    unnumbered.
    """
    paragraph.style = STYLE_PAGE_NUMBER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(L.PAGE_NUMBER_PT)
    if odd:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = Pt(L.PAGE_NUMBER_PT)
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.left_indent = Pt(L.PAGE_NUMBER_PT)
    paragraph.add_run("— ")
    _field(paragraph, " PAGE ", "1")
    paragraph.add_run(" —")
    for run in paragraph.runs:
        _font(run, SONGTI, L.PAGE_NUMBER_PT)
