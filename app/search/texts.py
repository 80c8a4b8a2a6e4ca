"""The anonymized text of an issued opinion, made once in the transaction that issues it.

Persons: the case's petitioners (structured data) and those named in the text after a person
marker become 张某/张某某; the panel's experts, the signers and the case's responsible leader keep
their names (public role). Numbers, phones, plates, accounts and addresses below the county go by
pattern, and the petitioners' own recorded ID numbers, phones and addresses also where they appear
written in some other way.
"""

from __future__ import annotations

import re

from app.documents.structure import document_text
from app.opinions.content import document_from_content
from app.search.anonymize import PeopleIndex, anonymize, redact_identifiers
from app.search.document import TEXT_FIELDS, section_texts
from app.search.models import OpinionSearchText

_DIGITS = re.compile(r"\d")
_COUNTY_END = re.compile(r"^(.*?(?:省|自治区|市|州|盟|县|区|旗))")


def _loose_pattern(value: str) -> re.Pattern[str] | None:
    """``value``'s digits and letters with any separators between them (138 1234 5678, 138-1234-5678)."""
    chars = [c for c in value if c.isalnum()]
    if len(chars) < 7:
        return None
    return re.compile(r"[\s\-－·]?".join(re.escape(c) for c in chars), re.IGNORECASE)


def redact_known_values(text: str, petitioners) -> str:
    """Remove the petitioners' recorded identifiers and cut their recorded addresses at the county."""
    for p in petitioners:
        for value in (p.id_number, p.phone):
            pattern = _loose_pattern(value or "")
            if pattern is not None:
                text = pattern.sub("×××", text)
        address = (p.address or "").strip()
        if len(address) >= 6 and address in text:
            head = _COUNTY_END.match(address)
            text = text.replace(address, (head.group(1) if head else "") + "……")
    return text


def keep_names(opinion, content: dict) -> list[str]:
    names = [s.get("name", "") for s in content.get("signers", [])]
    names += [m.expert.name for m in opinion.consultation.members if m.expert is not None]
    leader = opinion.consultation.case.responsible_leader
    if leader:
        names.append(leader)
    return [n for n in names if n]


def build_search_text(opinion, content: dict) -> OpinionSearchText:
    """An ``OpinionSearchText`` for ``opinion`` from its frozen ``content`` (not yet added to the session)."""
    case = opinion.consultation.case
    petitioners = list(case.petitioners)
    sections = section_texts(content)
    full_text = document_text(document_from_content(content))
    names = [p.name for p in petitioners]
    texts = [redact_known_values(t, petitioners) for t in (*sections.values(), full_text)]
    people = PeopleIndex.build(names, keep_names(opinion, content), texts)
    anonymized = [anonymize(t, people) for t in texts]
    by_field = dict(zip(TEXT_FIELDS, anonymized[:-1], strict=True))
    return OpinionSearchText(opinion_id=opinion.id, title=by_field["title"], sections=by_field,
                             full_text=anonymized[-1])


def redact_everything(text: str, petitioners) -> str:
    """For free text shown beside precedents (e.g. a case's own words): patterns and recorded values."""
    return redact_identifiers(redact_known_values(text, petitioners))
