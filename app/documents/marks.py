"""Where an issued opinion's marks go, as the grid layout places the last page.

:func:`issue_marks` lays the document out like :func:`app.documents.gridpdf.render_grid_pdf`
(the same view, fonts and typesetter, so the same positions) and reports, in PDF user space
(points, origin at the bottom left of the page):

- ``signoff``: the 发文机关署名 and 成文日期 lines — GB/T 9704 puts the seal (印章) centred on
  the date, pressing on both lines, which sit in the lower half of the seal;
- ``banji``: the 版记 block between its closing rules at the foot of the last page (the page
  that carries no page number), below which the verification mark is printed.

It returns ``None`` when the grid engine cannot set the document (then the PDF came from the
WeasyPrint fallback, and the caller places what it can without them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import fonts as font_module
from .fonts import fonts_dir, plan_fonts
from .grid_fonts import FontSet
from .grid_layout import LEFT, PAGE_H, WIDTH, Placed, Typesetter
from .model import OpinionDocument
from .structure import build_view


@dataclass(frozen=True)
class Box:
    page: int  # 0-based page index
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class IssueMarks:
    pages: int
    signoff: Box  # 署名 and 成文日期
    date: Box  # the 成文日期 line alone
    banji: Box | None  # the 版记 block on the last page


def _text(placed: Placed) -> str:
    return "".join(g.char for text in placed.line.texts for g in text.glyphs)


def _line_box(page: int, placed: Placed) -> Box:
    texts = placed.line.texts
    x0 = min(t.x for t in texts) if texts else LEFT
    x1 = max(t.x + t.width for t in texts) if texts else LEFT + WIDTH
    return Box(page, x0, PAGE_H - placed.top - placed.line.height, x1, PAGE_H - placed.top)


def issue_marks(doc: OpinionDocument, *, fonts: str | os.PathLike | None = None) -> IssueMarks | None:
    if font_module.hb is None or not doc.date:
        return None
    view = build_view(doc)
    plan = plan_fonts(view.chars_by_role(), fonts_dir(fonts))
    if not plan.complete:
        return None
    layout = Typesetter(FontSet(plan)).paginate(view)
    date_line = issuer_line = None
    for index in range(len(layout.pages) - 1, -1, -1):
        lines = layout.pages[index].lines
        for position, placed in enumerate(lines):
            if _text(placed) == view.date_text and position and _text(lines[position - 1]) == view.issuing_body:
                date_line, issuer_line = (index, placed), lines[position - 1]
                break
        if date_line:
            break
    if date_line is None:
        return None
    page, placed = date_line
    date = _line_box(page, placed)
    issuer = _line_box(page, issuer_line)
    signoff = Box(page, min(date.x0, issuer.x0), date.y0, max(date.x1, issuer.x1), issuer.y1)
    banji = None
    if view.has_banji:  # set after the sign-off: on its page, or alone on a new last page
        last = len(layout.pages) - 1
        lines = layout.pages[last].lines
        after = lines[lines.index(placed) + 1:] if page == last else lines
        if after:
            top = min(p.top for p in after)
            bottom = max(p.top + p.line.height for p in after)
            banji = Box(last, LEFT, PAGE_H - bottom, LEFT + WIDTH, PAGE_H - top)
    return IssueMarks(len(layout.pages), signoff, date, banji)
