"""One issued opinion as search sees it: a plain ``SearchDocument`` built from the opinion's frozen
content and its anonymized texts, the same for every backend.

The text fields are the opinion's sections, each in its own field so that ranking can weigh them
(BM25F) and snippets come from the best-matching one. The index holds the *anonymized* text only:
nobody can find an opinion by a petitioner's name or number. Readers who may see the case get their
snippets cut from the full text with the same query (see ``highlight``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from app.documents.citations import find_citations, law_keys

# Section fields in printed order, with the labels the UI shows for a snippet's source.
TEXT_FIELDS: dict[str, str] = {
    "title": "标题",
    "facts": "基本案情与诉求",
    "summary": "会商情况",
    "findings": "审查认定",
    "analysis": "法律分析",
    "basis": "法律依据",
    "outcome": "审查结论与处理建议",
    "number_text": "发文字号",
}


def section_texts(content: dict) -> dict[str, str]:
    """The text of each search field from an issued opinion's frozen content (``document_content``)."""
    def join(*parts) -> str:
        return "\n".join(p for p in parts if p)

    outcome = [content.get("conclusion_label") or "", *content.get("recommendation_labels", [])]
    return {
        "title": content.get("title") or "",
        "facts": join(content.get("basic_facts"), content.get("claims")),
        "summary": content.get("consultation_summary") or "",
        "findings": content.get("findings") or "",
        "analysis": join(content.get("analysis"), content.get("dissent")),
        "basis": join(*content.get("legal_basis", []), content.get("review_opinion")),
        "outcome": join(*outcome),
        "number_text": join(content.get("number"), content.get("case_number")),
    }


def cited_law_keys(content: dict) -> list[str]:
    """Every normalized provision the opinion cites, with its law and article prefixes, so that
    ``law=`` for an article also finds citations of its paragraphs."""
    keys: list[str] = []
    texts = [*content.get("legal_basis", []), content.get("findings") or "", content.get("analysis") or ""]
    for item in content.get("legal_basis", []):
        keys.extend(law_keys(item))
    for text in texts:
        for match in find_citations(text):
            if match.citation.law:
                keys.extend(law_keys(match.citation))
    return sorted(set(keys))


def region_levels(region_code: str) -> tuple[str, str]:
    """(province, city) codes of a county-level code: 320102 → (320000, 320100)."""
    code = (region_code or "").ljust(6, "0")[:6]
    return code[:2] + "0000", code[:4] + "00"


@dataclass(frozen=True)
class SearchDocument:
    opinion_id: int
    number: str
    texts: dict[str, str]  # anonymized, by TEXT_FIELDS key
    category: str
    tier: str
    region_code: str
    issued_on: date
    conclusion: str
    recommendations: tuple[str, ...] = ()
    laws: tuple[str, ...] = ()
    cross_flags: tuple[str, ...] = ()
    superseded: bool = False
    case_id: int = 0
    office_id: int = 0
    fingerprint: str = field(default="", compare=False)

    @property
    def province_code(self) -> str:
        return region_levels(self.region_code)[0]

    @property
    def city_code(self) -> str:
        return region_levels(self.region_code)[1]

    @property
    def year(self) -> int:
        return self.issued_on.year

    def with_fingerprint(self) -> SearchDocument:
        """The document with a hash of everything indexed: ``check`` compares it with the index's."""
        data = asdict(self)
        data.pop("fingerprint")
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()
        return SearchDocument(**{**data, "recommendations": self.recommendations, "laws": self.laws,
                                 "cross_flags": self.cross_flags, "fingerprint": hashlib.sha256(raw).hexdigest()})
