"""Reading a rendered opinion back: lines of characters with their positions in mm."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MM = 72 / 25.4
PAGE_NUMBER_RE = re.compile(r"^— \d+ —$")  # as printed, spaces included


@dataclass
class Line:
    text: str
    top: float  # mm from the page top to the top of the characters
    x0: float  # mm from the left edge
    x1: float
    size: float  # pt
    fonts: set[str]

    @property
    def width_in_chars(self) -> float:
        """Full-width characters count 1, half-width (digits, Latin) ½."""
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in self.text)


def lines(page, tolerance_pt: float = 2.0) -> list[Line]:
    """Characters grouped into printed lines (top to bottom, left to right)."""
    chars = sorted(page.chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[dict]] = []
    for char in chars:
        if groups and abs(char["top"] - groups[-1][0]["top"]) <= tolerance_pt:
            groups[-1].append(char)
        else:
            groups.append([char])
    out = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        while group and not group[-1]["text"].strip():
            group.pop()
        while group and not group[0]["text"].strip():
            group.pop(0)
        if not group:
            continue
        out.append(
            Line(
                text="".join(c["text"] for c in group),
                top=min(c["top"] for c in group) / MM,
                x0=group[0]["x0"] / MM,
                x1=group[-1]["x1"] / MM,
                size=round(max(c["size"] for c in group), 1),
                fonts={c["fontname"] for c in group},
            )
        )
    return out


def body_lines(page) -> list[Line]:
    return [line for line in lines(page) if not PAGE_NUMBER_RE.match(line.text)]


def page_number_lines(page) -> list[Line]:
    return [line for line in lines(page) if PAGE_NUMBER_RE.match(line.text)]


def squash(text: str) -> str:
    """Text without any whitespace, for comparing content regardless of line breaks."""
    return "".join(text.split()).replace("\u3000", "")
