"""Layout for the grid typesetter: the :class:`DocumentView` set on the GB/T 9704 grid.

Mirrors ``templates/pdf/opinion.css`` as WeasyPrint lays it out (same measures from
:mod:`app.documents.layout`): body lines of 28.99 pt (22 per 225 mm), characters at their
font advance plus the CSS letter spacing (full-width ones exactly 156 mm / 28 apart, less
half a thousandth of a point), paragraphs indented two characters, no justification.
Line breaking follows the Chinese rules (避头尾): no line starts with closing punctuation
(，。、；：？！）》”…) and none ends with opening punctuation (（《“〔); runs of half-width
characters (2021, 186.5, 4.) stay together; the character before a forbidden break moves
down to the next line. Pages break like the CSS: headings stay with the next line
(``break-after: avoid``), the signature and sign-off blocks are not split
(``break-inside: avoid``), margins are truncated at the top of a page, and the 版记 sits at
the foot of the last page (``float: footnote``) with its last rule on the type area's last
line, and every page, the 版记 page included, carries its number (GB/T 9704 leaves the numbers
off only when a blank page precedes the 版记 page, which the platform never inserts).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from . import layout as L
from .grid_fonts import Face, FontSet
from .structure import FANGSONG, HEITI, KAITI, SONGTI, WATERMARK, XIAOBIAOSONG, DocumentView, Para, Run

PT = L.PT_PER_MM
PAGE_W = L.PAGE_WIDTH_MM * PT
PAGE_H = L.PAGE_HEIGHT_MM * PT
LEFT = L.LEFT_MM * PT
WIDTH = L.TYPE_WIDTH_MM * PT
RIGHT = LEFT + WIDTH
CONTENT_TOP = L.CONTENT_TOP_MM * PT
CONTENT_BOTTOM = (L.PAGE_HEIGHT_MM - L.CONTENT_BOTTOM_MM) * PT
PITCH = L.LINE_PITCH_PT
CHAR = L.CHAR_PITCH_PT
EPSILON = 1e-6

# 避头: characters no line may start with; 避尾: characters no line may end with.
NO_START = frozenset("，。、；：？！）》」』〕】〗〉｝］”’…‥·‰％%℃°,.;:?!)]}〃々〜～ー")
NO_END = frozenset("（《「『〔【〖〈｛［“‘([{")
NO_SPLIT = frozenset("—…‥")  # ——, …… are never split
SPACES = frozenset(" \u3000")
WATERMARK_PT = 120.0
WATERMARK_TOP = CONTENT_TOP + 70 * PT  # the CSS box (position: fixed; top: 70mm)


@dataclass
class Glyph:
    char: str
    face: Face
    gid: int
    advance: float  # pt, including letter spacing


@dataclass
class TextLine:
    """Glyphs set from ``x`` on the baseline ``dy`` below the line box top."""

    glyphs: list[Glyph]
    x: float
    size: float
    spacing: float  # Tc
    rgb: tuple[float, float, float] | None = None  # fill colour; None = black
    drop: float = 0.0  # pt below the line's baseline (a larger face kept centred on the em box)

    @property
    def width(self) -> float:
        return sum(g.advance for g in self.glyphs)


@dataclass
class Line:
    height: float
    texts: list[TextLine] = field(default_factory=list)
    baseline: float = 0.0  # below the line box top
    rules: list[tuple[float, float, float, float, tuple[float, float, float]]] = field(default_factory=list)  # x, dy, w, h, rgb


@dataclass
class Block:
    lines: list[Line]
    margin_top: float = 0.0
    margin_bottom: float = 0.0
    keep_with_next: bool = False
    keep_together: bool = False

    @property
    def height(self) -> float:
        return sum(line.height for line in self.lines)


@dataclass
class Placed:
    line: Line
    top: float  # pt from the page top


@dataclass
class Page:
    lines: list[Placed] = field(default_factory=list)
    number: int = 0
    show_number: bool = True


@dataclass
class Document:
    pages: list[Page]
    watermark: list[TextLine]
    page_numbers: dict[int, TextLine]


# Characters to compare the visual size of two faces by (common in headings and body alike).
VISUAL_REFERENCE = "一二三四五六七八九十信访人诉求办理经过基本情况会商查明事实争议焦点法律分析审查意见依据组成员"


class Typesetter:
    def __init__(self, fonts: FontSet):
        self.fonts = fonts
        self._scales: dict[str, float] = {}

    def visual_scale(self, face: Face) -> float:
        """How much larger ``face``'s glyphs must be drawn to look as large as the body's
        (仿宋). Only 楷体 is matched: the fallback (AR PL UKai) draws its glyphs in a smaller
        part of the em box than Noto Serif, so 3号楷体 headings looked smaller than 3号仿宋 text.
        The ratio of the faces' mean ink extents over common characters, within 1–1.2."""
        if face.role != KAITI:
            return 1.0
        if face.family not in self._scales:
            body = self.fonts.primary(FANGSONG)
            mine, theirs = [], []
            for char in VISUAL_REFERENCE:
                a, b = face.font.get_nominal_glyph(ord(char)), body.font.get_nominal_glyph(ord(char))
                if a is None or b is None or body is face:
                    continue
                ea, eb = face.font.get_glyph_extents(a), body.font.get_glyph_extents(b)
                mine.append((ea.width - ea.height) / face.upem)
                theirs.append((eb.width - eb.height) / body.upem)
            ratio = sum(theirs) / sum(mine) if mine and sum(mine) > 0 else 1.0
            self._scales[face.family] = min(max(ratio, 1.0), 1.2)
        return self._scales[face.family]

    def _match_visual_size(self, texts: list[TextLine]) -> list[TextLine]:
        """Text runs of a face drawn larger (:meth:`visual_scale`), one glyph at a time, each
        centred in its unchanged advance, its top on the line's: the grid and the line breaks stay as set."""
        out: list[TextLine] = []
        for text in texts:
            face = text.glyphs[0].face
            scale = self.visual_scale(face)
            if scale == 1.0:
                out.append(text)
                continue
            x = text.x
            for glyph in text.glyphs:
                drawn = face.advance(glyph.gid) / 1000 * text.size * scale
                # centred in its cell; the em box's top stays where the line's others start
                piece = TextLine([Glyph(glyph.char, face, glyph.gid, drawn)], x + (glyph.advance - drawn) / 2,
                                 text.size * scale, 0.0, text.rgb, drop=L.EM_BOX_ASCENT * text.size * (scale - 1))
                out.append(piece)
                x += glyph.advance
        return out

    # ----------------------------------------------------------------- glyphs

    def glyphs(self, runs: list[Run], size: float, spacing: float) -> list[Glyph]:
        out = []
        scale = size / 1000
        for run in runs:
            for char in _collapse(run.text):
                if unicodedata.category(char) in ("Cc", "Cf"):
                    continue
                face, gid, advance = self.fonts.glyph(char, run.role)
                out.append(Glyph(char, face, gid, advance * scale + spacing))
        return out

    def baseline(self, roles: set[str], size: float, height: float) -> float:
        """CSS inline layout: each font's em box centred by half-leading; the baseline is
        the lowest of them (all the same for em-box fonts)."""
        best = 0.0
        for role in roles:
            face = self.fonts.primary(role)
            content = (face.ascent + face.descent) * size
            best = max(best, (height - content) / 2 + face.ascent * size)
        return best

    # ----------------------------------------------------------------- lines

    def wrap(self, glyphs: list[Glyph], width: float, first_indent: float = 0.0) -> list[tuple[float, list[Glyph]]]:
        """Greedy line breaking with 避头尾; returns (indent, glyphs) per line."""
        lines: list[tuple[float, list[Glyph]]] = []
        start = 0
        indent = first_indent
        n = len(glyphs)
        while start < n:
            used = indent
            end = start
            while end < n and used + glyphs[end].advance <= width + EPSILON:
                used += glyphs[end].advance
                end += 1
            if end >= n:
                lines.append((indent, glyphs[start:]))
                break
            if glyphs[end].char in SPACES:  # a space at the end of a line hangs
                cut = end + 1
                while cut < n and glyphs[cut].char in SPACES:
                    cut += 1
                lines.append((indent, glyphs[start:end]))
                start, indent = cut, 0.0
                continue
            cut = end
            while cut > start and not can_break(glyphs[cut - 1].char, glyphs[cut].char):
                cut -= 1
            if cut == start:  # no break opportunity on the whole line: break anyway
                cut = max(end, start + 1)
            line = glyphs[start:cut]
            while line and line[-1].char in SPACES:
                line = line[:-1]
            lines.append((indent, line))
            start, indent = cut, 0.0
        return lines

    def text_lines(
        self,
        runs: list[Run],
        *,
        size: float = L.BODY_PT,
        spacing: float = L.LETTER_SPACING_PT,
        height: float = PITCH,
        indent: float = 0.0,
        left: float = LEFT,
        width: float = WIDTH,
        align: str = "left",
        strut: str = FANGSONG,
    ) -> list[Line]:
        glyphs = self.glyphs(runs, size, spacing)
        out = []
        for line_indent, line_glyphs in self.wrap(glyphs, width, indent) or [(indent, [])]:
            roles = {strut} | {g.face.role for g in line_glyphs}
            texts = _split_faces(line_glyphs, size, spacing)
            used = sum(g.advance for g in line_glyphs)
            if align == "center":
                x = left + (width - used) / 2
            elif align == "right":
                x = left + width - used
            else:
                x = left + line_indent
            for text in texts:
                text.x = x
                x += text.width
            out.append(Line(height, self._match_visual_size(texts), self.baseline(roles, size, height)))
        return out

    def signer(self, para: Para) -> Block:
        """One member of the signature block: the name from two characters in, the affiliation
        at the name column's end, continuation lines hanging under the affiliation."""
        column = LEFT + (2 + para.hang) * CHAR
        affiliation = [Run(run.text.lstrip("\u3000"), run.role) for run in para.runs[1:]]
        lines = self.text_lines(affiliation, left=column, width=RIGHT - column) if affiliation else \
            self.text_lines([Run("")])
        name = self.text_lines(para.runs[:1], left=LEFT + 2 * CHAR, width=WIDTH - 2 * CHAR)[0]
        lines[0].texts[:0] = name.texts
        return Block(lines)

    def para(self, para: Para) -> Block:
        if para.kind == "signer":
            return self.signer(para)
        if para.kind == "h1":
            strut, keep = HEITI, True
        elif para.kind == "h2":
            strut, keep = KAITI, True
        else:
            strut, keep = FANGSONG, False
        indent = 0.0 if para.kind == "plain" else 2 * CHAR
        return Block(self.text_lines(para.runs, indent=indent, strut=strut), keep_with_next=keep)

    # ----------------------------------------------------------------- document

    def blocks(self, view: DocumentView) -> list[Block]:
        blocks: list[Block] = []
        if view.issuer_mark:  # 发文机关标志 in red (an office setting)
            mark = self.text_lines([Run(view.issuer_mark, XIAOBIAOSONG)], size=L.ISSUER_MARK_PT, spacing=0.0,
                                   height=2 * PITCH, align="center", strut=XIAOBIAOSONG)
            for line in mark:
                for text in line.texts:
                    text.rgb = L.ISSUER_MARK_RGB
            blocks.append(Block(mark))
        if view.number:
            blocks.append(Block(self.text_lines([Run(view.number)], align="center")))
        rule = 0.5 * PT
        blocks.append(
            Block(
                [Line(rule, rules=[(LEFT, 0.0, WIDTH, rule, (0xDD / 255, 0.0, 0.0))])],
                margin_top=(4 - L.HALF_LEADING_PT / PT) * PT,
                margin_bottom=2 * PITCH - 4 * PT,
            )
        )
        title: list[Line] = []
        for text in view.title_lines:
            title += self.text_lines(
                [Run(text, XIAOBIAOSONG)], size=L.TITLE_PT, spacing=0.0, height=L.TITLE_LINE_PT, align="center", strut=XIAOBIAOSONG
            )
        blocks.append(Block(title, margin_bottom=PITCH))
        blocks.append(Block(self.text_lines([Run(view.addressee)])))
        for section in view.sections:
            blocks.append(self.para(Para([Run(section.heading, HEITI)], "h1")))
            blocks.extend(self.para(para) for para in section.paras)
        if view.signers:
            lines = self.text_lines([Run(view.signers_heading)])
            for para in view.signers:
                lines += self.para(para).lines
            blocks.append(Block(lines, margin_top=PITCH, keep_together=True))
        blocks.append(self.signoff(view))
        return blocks

    def signoff(self, view: DocumentView) -> Block:
        """发文机关署名 右空二字, 成文日期 two characters right of the 署名's first character
        (an inline block, right-aligned with a two-character inset; nothing wraps)."""
        issuer = self.glyphs([Run(view.issuing_body)], L.BODY_PT, L.LETTER_SPACING_PT)
        date = self.glyphs([Run(view.date_text)], L.BODY_PT, L.LETTER_SPACING_PT) if view.date_text else []
        issuer_w = sum(g.advance for g in issuer)
        date_w = 2 * CHAR + sum(g.advance for g in date) if date else 0.0
        x = RIGHT - 2 * CHAR - max(issuer_w, date_w)
        lines = []
        for glyphs, left in ((issuer, x), (date, x + 2 * CHAR)):
            if glyphs is date and not date:
                continue
            texts = _split_faces(glyphs, L.BODY_PT, L.LETTER_SPACING_PT)
            for text in texts:
                text.x = left
                left += text.width
            lines.append(Line(PITCH, texts, self.baseline({FANGSONG}, L.BODY_PT, PITCH)))
        return Block(lines, margin_top=PITCH, keep_together=True)

    def banji(self, view: DocumentView) -> Block:
        """版记: 4号仿宋 between a 0.35 mm rule above and below, 0.25 mm between 抄送 and
        印发机关/日期; one character of inset on either side."""
        size, height, inset = L.BANJI_PT, L.BANJI_LINE_PT, L.BANJI_PT
        thick, thin = 0.35 * PT, 0.25 * PT
        black = (0.0, 0.0, 0.0)
        lines = [Line(thick, rules=[(LEFT, 0.0, WIDTH, thick, black)])]
        if view.cc_text:
            lines += self.text_lines([Run(view.cc_text)], size=size, spacing=0.0, height=height, left=LEFT + inset, width=WIDTH - 2 * inset)
            lines.append(Line(thin, rules=[(LEFT, 0.0, WIDTH, thin, black)]))
        if view.printing_office or view.print_date_text:
            line = self.text_lines(
                [Run(view.printing_office)], size=size, spacing=0.0, height=height, left=LEFT + inset, width=WIDTH - 2 * inset
            )[0]
            date = self.text_lines(
                [Run(view.print_date_text)],
                size=size,
                spacing=0.0,
                height=height,
                left=LEFT + inset,
                width=WIDTH - 2 * inset,
                align="right",
            )[0]
            line.texts += date.texts
            lines.append(line)
        elif view.cc_text:
            lines.pop()  # no rule under the last line but the closing one
        lines.append(Line(thick, rules=[(LEFT, 0.0, WIDTH, thick, black)]))
        return Block(lines)

    def page_number(self, number: int) -> TextLine:
        size = L.PAGE_NUMBER_PT
        glyphs = self.glyphs([Run(f"— {number} —", SONGTI)], size, 0.0)
        width = sum(g.advance for g in glyphs)
        x = RIGHT - size - width if number % 2 else LEFT + size
        (text,) = _split_faces(glyphs, size, 0.0)
        text.x = x
        return text

    def watermark(self) -> list[TextLine]:
        """草稿, 120 pt 黑体, centred in the type area's width (the CSS box: 70 mm below the
        content top, 120 pt high; gridpdf rotates it by 30° about the box's centre)."""
        size = WATERMARK_PT
        glyphs = self.glyphs([Run(WATERMARK, HEITI)], size, 0.0)
        texts = _split_faces(glyphs, size, 0.0)
        x = LEFT + (WIDTH - sum(g.advance for g in glyphs)) / 2
        for text in texts:
            text.x = x
            x += text.width
        return texts

    # ----------------------------------------------------------------- pages

    def paginate(self, view: DocumentView) -> Document:
        blocks = self.blocks(view)
        pages = [Page()]
        y = CONTENT_TOP
        previous_margin = 0.0
        started = False  # anything on the document yet (the first page keeps its top margin)

        def new_page():
            nonlocal y
            pages.append(Page())
            y = CONTENT_TOP

        for index, block in enumerate(blocks):
            page_empty = not pages[-1].lines
            gap = _collapse_margins(previous_margin, block.margin_top)
            if page_empty and started:
                gap = 0.0
            need = gap + self._need(blocks, index)
            if not page_empty and y + need > CONTENT_BOTTOM + EPSILON and need - gap <= CONTENT_BOTTOM - CONTENT_TOP:
                new_page()
                gap = 0.0
            y += gap
            for line in block.lines:
                if pages[-1].lines and y + line.height > CONTENT_BOTTOM + EPSILON:
                    new_page()
                pages[-1].lines.append(Placed(line, y))
                y += line.height
                started = True
            previous_margin = block.margin_bottom
        if view.has_banji:
            banji = self.banji(view)
            if y + banji.height > CONTENT_BOTTOM + EPSILON:
                new_page()
            y = CONTENT_BOTTOM - banji.height
            for line in banji.lines:
                pages[-1].lines.append(Placed(line, y))
                y += line.height
        numbers = {}
        for number, page in enumerate(pages, 1):
            page.number = number
            page.show_number = True  # GB/T 9704 7.5: the 版记 page is numbered (no blank page precedes it)
            if page.show_number:
                numbers[number] = self.page_number(number)
        return Document(pages, self.watermark() if view.is_draft else [], numbers)

    def _need(self, blocks: list[Block], index: int) -> float:
        """Height that must fit before the block may start on this page: its first line
        (or all of it when it is kept together), and, for a heading, what follows."""
        block = blocks[index]
        need = block.height if block.keep_together or block.keep_with_next else (block.lines[0].height if block.lines else 0.0)
        if block.keep_with_next and index + 1 < len(blocks):
            following = blocks[index + 1]
            need += _collapse_margins(block.margin_bottom, following.margin_top) + self._need(blocks, index + 1)
        return need


def can_break(before: str, after: str) -> bool:
    """Whether a line may break between two characters."""
    if after in NO_START or before in NO_END:
        return False
    if after in SPACES:
        return False
    if before in SPACES:
        return True
    if before == after and before in NO_SPLIT:
        return False
    # Runs of half-width characters (numbers, Latin words, 186.5, 1.) stay together.
    return _wide(before) or _wide(after)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF" or char in "“”‘’…—·"


def _collapse(text: str) -> str:
    """HTML white-space: normal (the WeasyPrint path collapses runs of spaces)."""
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _collapse_margins(a: float, b: float) -> float:
    if a >= 0 and b >= 0:
        return max(a, b)
    if a < 0 and b < 0:
        return min(a, b)
    return a + b


def _split_faces(glyphs: list[Glyph], size: float, spacing: float) -> list[TextLine]:
    """Consecutive glyphs of one face become one text run (one font switch each)."""
    out: list[TextLine] = []
    for glyph in glyphs:
        if out and out[-1].glyphs[-1].face is glyph.face:
            out[-1].glyphs.append(glyph)
        else:
            out.append(TextLine([glyph], 0.0, size, spacing))
    return out
