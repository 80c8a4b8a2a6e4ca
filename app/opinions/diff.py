"""Readable differences between two versions of an opinion, section by section.

Chinese has no spaces between words, so a word diff is meaningless and a plain character diff
shreds the text. The text is cut into sentences (after 。！？；, and at line ends); sentences
are matched first, and only a replaced run of sentences is compared character by character.
The result is a list of segments (equal / insert / delete) per section, and HTML with
``<ins>``/``<del>`` in which every piece of text is escaped.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from app.opinions.content import LABELS
from expert_pool.codes import CONCLUSIONS, RECOMMENDATIONS

_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]*|\n|$)")
DIFF_SECTIONS = ("title", "addressee", "claims", "basic_facts", "consultation_summary", "findings", "analysis",
                 "conclusion", "recommendations", "legal_basis", "dissent", "dissents", "cc")


def sentences(text: str) -> list[str]:
    """Sentences with their closing punctuation (and a line break as its own piece)."""
    return [piece for piece in _SENTENCE_RE.findall(text or "") if piece]


def _merge(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for op, text in segments:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def _chars(old: str, new: str) -> list[tuple[str, str]]:
    out = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("equal", old[i1:i2]))
        else:
            out.append(("delete", old[i1:i2]))
            out.append(("insert", new[j1:j2]))
    # Tiny equal islands inside a rewrite read worse than one deletion and one insertion.
    if sum(len(t) for op, t in out if op == "equal") < 0.3 * max(len(old), len(new), 1):
        return [("delete", old), ("insert", new)]
    return out


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Segments ``(op, text)`` with op in equal / insert / delete."""
    old, new = old or "", new or ""
    if old == new:
        return [("equal", old)] if old else []
    a, b = sentences(old), sentences(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            out.append(("equal", left))
        elif tag == "delete":
            out.append(("delete", left))
        elif tag == "insert":
            out.append(("insert", right))
        else:
            out.extend(_chars(left, right))
    return _merge(out)


def to_html(segments: list[tuple[str, str]]) -> Markup:
    parts = []
    for op, text in segments:
        safe = escape(text).replace("\n", Markup("<br>"))
        if op == "insert":
            parts.append(Markup("<ins>{}</ins>").format(safe))
        elif op == "delete":
            parts.append(Markup("<del>{}</del>").format(safe))
        else:
            parts.append(safe)
    return Markup("").join(parts)


def _as_text(name: str, value) -> str:
    """A section's value as comparable text (lists one item per line, codes as labels)."""
    if value is None:
        return ""
    if name == "conclusion":
        return CONCLUSIONS.get(value, value)
    if name == "recommendations":
        return "\n".join(RECOMMENDATIONS.get(v, v) for v in value)
    if name == "legal_basis":
        return "\n".join(value)
    if name == "dissents":
        return "\n".join(f"{d.get('name', '')}：{d.get('text', '')}" for d in value)
    return str(value)


def changed_sections(old: dict, new: dict) -> list[str]:
    return [name for name in DIFF_SECTIONS if _as_text(name, old.get(name)) != _as_text(name, new.get(name))]


def content_diff(old: dict, new: dict, *, only_changed: bool = False) -> list[dict]:
    """Per section: label, whether it changed, the segments and the HTML."""
    out = []
    for name in DIFF_SECTIONS:
        before, after = _as_text(name, old.get(name)), _as_text(name, new.get(name))
        changed = before != after
        if only_changed and not changed:
            continue
        segments = text_diff(before, after)
        out.append({
            "section": name,
            "label": LABELS.get(name, name),
            "changed": changed,
            "segments": [{"op": op, "text": text} for op, text in segments],
            "html": str(to_html(segments)),
            "inserted_chars": sum(len(t) for op, t in segments if op == "insert"),
            "deleted_chars": sum(len(t) for op, t in segments if op == "delete"),
        })
    return out
