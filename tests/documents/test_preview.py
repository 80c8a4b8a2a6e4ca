"""The HTML preview shows the PDF's text, escapes user input and loads nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

from app.documents.preview import render_html
from tests.documents.sample import sample_opinion
from app.documents.structure import build_view

from .pdfinspect import squash


def visible_text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    html = re.sub(r"<title>.*?</title>", "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_preview_has_the_documents_text():
    doc = sample_opinion()
    assert squash(visible_text(render_html(doc))) == squash("".join(build_view(doc).lines()))


def test_fragment_is_scoped():
    html = render_html(sample_opinion(), fragment=True)
    assert html.startswith("<style>") and "<html" not in html and '<article class="gw-doc"' in html
    css = re.sub(r"/\*.*?\*/", "", html[len("<style>") : html.index("</style>")], flags=re.S)
    rules = [rule.split("{")[0].strip() for rule in re.findall(r"[^{}]+\{", css) if "@" not in rule]
    assert rules and all(rule.startswith(".gw-doc") for rule in rules)


def test_user_text_is_escaped():
    doc = replace(sample_opinion(), findings='<img src="http://evil.example/x.png"><script>alert(1)</script>')
    html = render_html(doc)
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=&#34;http://evil.example/x.png&#34;&gt;" in html


def test_draft_preview_is_marked():
    assert "草稿" in visible_text(render_html(sample_opinion(draft=True)))
