"""User text in an opinion is text, never markup, in the HTML preview and the PDF."""

from dataclasses import replace

from app.documents import render_html
from app.documents.sample import sample_opinion


def test_markup_in_user_text_is_escaped_in_the_preview():
    doc = replace(sample_opinion(), analysis="<script>alert(1)</script>经审查<img src=x onerror=alert(2)>",
                  addressee="某局</p><iframe src='http://evil.example'>")
    html = render_html(doc)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;经审查" in html
