"""Legal-basis citations: ``《中华人民共和国土地管理法》第四十八条``, ``《信访工作条例》第33条``,
``第三十三条第二款``, ``第三十条第一款第（二）项``.

* :func:`parse_citation` reads one citation (Chinese or Arabic numerals) into a
  :class:`Citation`; :func:`format_citation` writes the canonical form (Chinese numerals,
  ``第×条第×款第（×）项``); :class:`CitationError` says in Chinese what is wrong.
* :func:`find_citations` finds the citations written in running text (e.g. the legal
  analysis), attaching bare ``第×条`` to the law just named (``……《信访工作条例》第二十二条、
  第二十三条``, ``该条例第三十三条``); :func:`suggest_legal_basis` offers those not yet listed.
* :func:`law_key` / :func:`law_keys` give search keys that do not depend on how a citation
  was written: ``信访工作条例第三十三条``, ``《信访工作条例》第33条`` and
  ``中华人民共和国信访工作条例第三十三条`` all give ``信访工作条例第33条``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "零〇○一二两三四五六七八九十百千万"
NUMBER = rf"(?:[0-9０-９]+|[{_CN_CHARS}]+)"
_REF = (
    rf"第\s*(?P<article>{NUMBER})\s*条"
    rf"(?:之(?P<suffix>[一二三四五六七八九十]+))?"
    rf"(?:\s*第\s*(?P<paragraph>{NUMBER})\s*款)?"
    rf"(?:\s*第\s*[（(]?\s*(?P<item>{NUMBER})\s*[)）]?\s*项)?"
)
_CITATION_RE = re.compile(rf"^(?:《(?P<law>[^《》]+)》|(?P<plain>[^《》第\s][^《》第]*?))?\s*{_REF}$")
_LAW_ONLY_RE = re.compile(r"^(?:《(?P<law>[^《》]+)》|(?P<plain>[^《》第]+))$")
_SCAN_RE = re.compile(rf"《(?P<title>[^《》\n]{{1,80}})》|{_REF}")
_CONTINUATION_RE = re.compile(r"^\s*(?:[、，,及和与]|以及|或者|或)?\s*$")
_BACK_REFERENCE_RE = re.compile(r"(?:该|本|同|上述|前述)(?:法律|法|条例|规定|办法|细则|解释|决定)\s*$")
_EDITION_RE = re.compile(r"\((?:[^()]*\d{4}[^()]*|[^()]*(?:修正|修订|修改)[^()]*)\)$")
_LAW_PREFIX = "中华人民共和国"


class CitationError(ValueError):
    """A citation that cannot be read; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Citation:
    law: str | None  # as written, without 《》; None for a bare 第×条
    article: int
    paragraph: int | None = None
    item: int | None = None
    article_suffix: int | None = None  # 第一百二十条之一 → 1

    def __str__(self) -> str:
        return format_citation(self)


@dataclass(frozen=True)
class CitationMatch:
    citation: Citation
    start: int
    end: int
    text: str  # the citation as written in the text (the law may have been named before)


# --------------------------------------------------------------------------- numerals


def chinese_to_int(text: str) -> int:
    """``四十八`` → 48, ``一百零五`` → 105, ``十二`` → 12, ``33`` / ``３３`` → 33."""
    text = unicodedata.normalize("NFKC", text.strip())
    if not text:
        raise ValueError("空的数字")
    if text.isdigit():
        return int(text)
    total, section, number = 0, 0, None
    for char in text:
        if char in _DIGITS and _DIGITS[char] == 0:  # 一百零五: 零 only marks a gap
            number = None
        elif char in _DIGITS:
            if number is not None:  # two digits in a row (一二三): not a numeral
                raise ValueError(f"无法识别的数字：{text}")
            number = _DIGITS[char]
        elif char in _UNITS:
            section += (1 if number is None else number) * _UNITS[char]
            number = None
        elif char == "万":
            total += (section + (number or 0)) * 10000
            section, number = 0, None
        else:
            raise ValueError(f"无法识别的数字：{text}")
    return total + section + (number or 0)


def int_to_chinese(value: int) -> str:
    """48 → ``四十八``, 105 → ``一百零五``, 110 → ``一百一十``, 12 → ``十二``."""
    if value < 0:
        raise ValueError("负数没有条文序号")
    if value == 0:
        return "零"
    digits = "零一二三四五六七八九"
    if value >= 10000:
        high, low = divmod(value, 10000)
        rest = int_to_chinese(low) if low else ""
        return int_to_chinese(high) + "万" + ("零" if low and low < 1000 else "") + rest
    out, zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit:
            if zero:
                out.append("零")
            out.append(digits[digit] + name)
            zero = False
        elif out:
            zero = True
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


# --------------------------------------------------------------------------- parsing


def _error(text: str, reason: str = "") -> CitationError:
    detail = f"（{reason}）" if reason else ""
    return CitationError(
        f"无法识别的法律依据“{text}”{detail}：应写作《法律名称》第×条，可加第×款、第（×）项，例如《信访工作条例》第三十三条"
    )


def _number(text: str | None) -> int | None:
    return None if text is None else chinese_to_int(text)


def _from_match(match: re.Match, law: str | None, source: str) -> Citation:
    try:
        article = chinese_to_int(match["article"])
        paragraph = _number(match["paragraph"])
        item = _number(match["item"])
        suffix = _number(match["suffix"])
    except ValueError as error:
        raise _error(source, str(error)) from None
    if article < 1 or (paragraph is not None and paragraph < 1) or (item is not None and item < 1):
        raise _error(source, "条、款、项的序号从一开始")
    return Citation(law, article, paragraph, item, suffix)


def parse_citation(text: str, *, require_law: bool = False) -> Citation:
    """Read one citation. A bare ``第三十三条第二款`` has ``law=None`` unless
    ``require_law`` (then it is an error, as in an opinion's legal-basis list)."""
    source = text
    text = " ".join(text.split()).strip("。；;，,、 ")
    match = _CITATION_RE.match(text)
    if not match:
        if _LAW_ONLY_RE.match(text):
            raise _error(source, "缺少条文序号")
        raise _error(source)
    law = (match["law"] or match["plain"] or "").strip() or None
    if law is None and require_law:
        raise _error(source, "缺少法律名称")
    return _from_match(match, law, source)


def format_citation(citation: Citation) -> str:
    """Canonical form: ``《信访工作条例》第三十三条第二款``; ``第（二）项`` for items."""
    parts = [f"《{citation.law}》" if citation.law else "", f"第{int_to_chinese(citation.article)}条"]
    if citation.article_suffix:
        parts.append(f"之{int_to_chinese(citation.article_suffix)}")
    if citation.paragraph:
        parts.append(f"第{int_to_chinese(citation.paragraph)}款")
    if citation.item:
        parts.append(f"第（{int_to_chinese(citation.item)}）项")
    return "".join(parts)


def validate_legal_basis(items: list[str]) -> list[Citation]:
    """Parse an opinion's legal-basis list; every item needs a law and an article.
    Raises :class:`CitationError` naming the item (第N条法律依据)."""
    citations = []
    for number, item in enumerate(items, 1):
        try:
            citations.append(parse_citation(item, require_law=True))
        except CitationError as error:
            raise CitationError(f"第{number}条法律依据：{error}") from None
    return citations


# --------------------------------------------------------------------------- search keys


def normalize_law_name(name: str) -> str:
    """``《中华人民共和国土地管理法（2019修正）》`` → ``土地管理法``."""
    name = unicodedata.normalize("NFKC", name).strip().strip("《》")
    name = "".join(name.split())
    while True:
        stripped = _EDITION_RE.sub("", name)
        if stripped == name:
            break
        name = stripped
    return name.removeprefix(_LAW_PREFIX) or name


def _key(law: str, citation: Citation | None = None, depth: int = 4) -> list[str]:
    keys = [normalize_law_name(law)]
    if citation is None:
        return keys
    article = f"{keys[0]}第{citation.article}条"
    if citation.article_suffix:
        article += f"之{citation.article_suffix}"
    keys.append(article)
    if citation.paragraph:
        keys.append(f"{article}第{citation.paragraph}款")
        if citation.item:
            keys.append(f"{keys[-1]}第{citation.item}项")
    elif citation.item:
        keys.append(f"{article}第{citation.item}项")
    return keys[:depth]


def _citation_or_law(value: str | Citation) -> tuple[str, Citation | None]:
    if isinstance(value, Citation):
        if not value.law:
            raise CitationError(f"“{value}”缺少法律名称，无法检索")
        return value.law, value
    try:
        citation = parse_citation(value, require_law=True)
    except CitationError:
        match = _LAW_ONLY_RE.match(" ".join(value.split()).strip("。；;，, "))
        if not match:
            raise
        return match["law"] or match["plain"], None
    return citation.law or "", citation


def law_key(value: str | Citation) -> str:
    """One search key for a citation or a law name: ``信访工作条例第33条``,
    ``信访工作条例第33条第2款``, or just ``信访工作条例``."""
    law, citation = _citation_or_law(value)
    return _key(law, citation)[-1]


def law_keys(value: str | Citation) -> list[str]:
    """Keys from the law down to the cited provision, e.g. ``["信访工作条例",
    "信访工作条例第33条", "信访工作条例第33条第2款"]``: index them all, so that a search
    for the article also finds opinions citing one of its paragraphs."""
    law, citation = _citation_or_law(value)
    return _key(law, citation)


# --------------------------------------------------------------------------- running text


def find_citations(text: str) -> list[CitationMatch]:
    """Citations written in running text, in order. A bare ``第×条`` right after a cited law
    (or after ``该条例``/``本法``/``上述规定``…, or listed with ``、``/``和``/``及`` after a
    citation) belongs to that law; otherwise its ``law`` is None."""
    found: list[CitationMatch] = []
    last_law: str | None = None
    law_start = law_end = -1  # where the last 《title》 starts and ends
    chain_law: str | None = None  # law of the citation just before, for 、-lists
    chain_end = -1
    for match in _SCAN_RE.finditer(text):
        if match["title"] is not None:
            last_law, law_start, law_end = match["title"].strip(), match.start(), match.end()
            chain_law = None
            continue
        between_law = text[law_end : match.start()] if law_end >= 0 else None
        if last_law and between_law is not None and not between_law.strip():
            law, start = last_law, law_start
        elif chain_law and _CONTINUATION_RE.match(text[chain_end : match.start()]):
            law, start = chain_law, match.start()
        elif last_law and _BACK_REFERENCE_RE.search(text[max(0, match.start() - 8) : match.start()]):
            law, start = last_law, match.start()
        else:
            law, start = None, match.start()
        try:
            citation = _from_match(match, law, match[0])
        except CitationError:
            continue
        found.append(CitationMatch(citation, start, match.end(), text[start : match.end()]))
        chain_law, chain_end = law, match.end()
    return found


def suggest_legal_basis(text: str, existing: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Canonical citations found in ``text`` (with a law) that ``existing`` lacks."""
    have = set()
    for item in existing:
        try:
            have.add(law_key(item))
        except CitationError:
            continue
    suggestions: list[str] = []
    for match in find_citations(text):
        if not match.citation.law:
            continue
        key = law_key(match.citation)
        if key not in have:
            have.add(key)
            suggestions.append(format_citation(match.citation))
    return suggestions
