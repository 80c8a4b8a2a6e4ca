"""HTML of the opinion: the source WeasyPrint prints, and the web preview.

Both come from ``templates/pdf/opinion.html`` and the same :class:`DocumentView`, so the
preview shows exactly the PDF's text. The preview names the installed fonts (official
first); the PDF embeds the per-document fonts of :mod:`app.documents.fonts`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import layout as L
from .fonts import ROLES, FontPlan, system_families
from .model import OpinionDocument
from .structure import DocumentView, build_view

TEMPLATES_ENV = "DOCUMENT_TEMPLATES_DIR"
TEMPLATES_DIR = Path(os.environ.get(TEMPLATES_ENV) or Path(__file__).resolve().parents[2] / "templates" / "pdf")


@lru_cache(maxsize=4)
def _environment(directory: str) -> Environment:
    return Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(("html",), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


def _measures() -> dict[str, str]:
    # The page number's characters start 7 mm below the type area (262 mm from the top);
    # its margin box starts where the page content box ends.
    gap = L.TOP_MM + L.TYPE_HEIGHT_MM + L.PAGE_NUMBER_GAP_MM - (L.PAGE_HEIGHT_MM - L.CONTENT_BOTTOM_MM)
    return {
        "top": L.mm(L.TOP_MM),
        "left": L.mm(L.LEFT_MM),
        "right": L.mm(L.RIGHT_MM),
        "bottom": L.mm(L.BOTTOM_MM),
        "content_top": L.mm(L.CONTENT_TOP_MM),
        "content_bottom": L.mm(L.CONTENT_BOTTOM_MM),
        "type_width": L.mm(L.TYPE_WIDTH_MM),
        "body_size": L.pt(L.BODY_PT),
        "title_size": L.pt(L.TITLE_PT),
        "issuer_mark_size": L.pt(L.ISSUER_MARK_PT),
        "two_lines": L.pt(2 * L.LINE_PITCH_PT),
        "title_line": L.pt(L.TITLE_LINE_PT),
        "banji_size": L.pt(L.BANJI_PT),
        "banji_char": L.pt(L.BANJI_PT),
        "banji_line": L.pt(L.BANJI_LINE_PT),
        "page_number_size": L.pt(L.PAGE_NUMBER_PT),
        "page_number_gap": L.mm(gap),
        "line_pitch": L.pt(L.LINE_PITCH_PT),
        "letter_spacing": L.pt(L.LETTER_SPACING_PT),
        "indent": L.pt(2 * L.CHAR_PITCH_PT),
        "two_chars": L.pt(2 * L.CHAR_PITCH_PT),
        # 发文字号 → red rule: 4 mm below the number's characters; rule → title: two lines.
        "rule_gap": L.mm(4 - L.HALF_LEADING_PT / L.PT_PER_MM),
        "rule_to_title": L.pt(2 * L.LINE_PITCH_PT - 4 * L.PT_PER_MM),
    }


def _families(plan: FontPlan | None) -> dict[str, str]:
    if plan is not None:
        return {role: plan.font_family(role) for role in ROLES}
    return {role: ", ".join(name if name in ("serif", "sans-serif") else f'"{name}"' for name in system_families(role)) for role in ROLES}


def render_view(
    view: DocumentView,
    *,
    plan: FontPlan | None = None,
    print_media: bool = False,
    fragment: bool = False,
    templates_dir: str | os.PathLike | None = None,
) -> str:
    env = _environment(str(templates_dir or TEMPLATES_DIR))
    css = env.get_template("opinion.css").render(
        L=_measures(),
        F=_families(plan),
        font_faces=plan.font_face_css() if plan else "",
        print=print_media,
        hang=L.pt(max((para.hang for para in view.signers), default=0.0) * L.CHAR_PITCH_PT),
    )
    return env.get_template("opinion.html").render(view=view, css=css, fragment=fragment)


def render_html(doc: OpinionDocument, *, fragment: bool = False) -> str:
    """The opinion as HTML for the web preview: a whole page, or with ``fragment=True`` a
    ``<style>`` + ``<article class="gw-doc">`` to put inside a page of the app (all rules
    are scoped to ``.gw-doc``)."""
    return render_view(build_view(doc), fragment=fragment)
