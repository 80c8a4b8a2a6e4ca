"""User text in an opinion is text, never markup, in the HTML preview and the PDF."""

from dataclasses import replace

from app.documents import render_html
from tests.documents.sample import sample_opinion


def test_markup_in_user_text_is_escaped_in_the_preview():
    doc = replace(sample_opinion(), analysis="<script>alert(1)</script>经审查<img src=x onerror=alert(2)>",
                  addressee="某局</p><iframe src='http://evil.example'>")
    html = render_html(doc)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;经审查" in html


def test_control_characters_stored_before_the_input_guard_still_print(fonts_dir):
    """Text saved before control characters were refused at input must not break the PDF or the
    DOCX (python-docx refused the whole document) — they are left out, the text around them stays."""
    import io

    from docx import Document

    from app.documents.docx import render_docx
    from app.documents.pdf import render_pdf

    doc = replace(sample_opinion(), analysis="法律\x01分析\x00内容\x0b完整", dissent="少数\x7f意见")
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(doc))).paragraphs)
    assert "法律分析内容完整" in text and "少数意见" in text
    assert render_pdf(doc, fonts=fonts_dir).startswith(b"%PDF-")
