"""Similar cases (类案推送): the issued opinions closest to a case, each with why it matched.

The case's own words (title, summary, claims — and the draft opinion's text when the panel is
drafting) give weighted terms: words of two or more characters that are not stop words, weighted
by how often they occur and how long they are. The backend ranks by those terms (BM25 brings in
how rare each is), with the same category and the same province weighing more, and the provisions
the case cites. The case's own opinions are left out.
"""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import select

from app.documents.citations import find_citations, law_keys
from app.extensions import db
from app.search.analysis import STOP_WORDS, normalize, segmenter
from app.search.backends.base import SimilarRequest
from app.search.document import cited_law_keys, region_levels
from app.search.models import OpinionSearchText
from app.search.results import items as result_items
from app.search import service

MAX_TERMS = 30


def case_texts(case) -> list[str]:
    texts = [case.title or "", case.summary or "", case.claims or ""]
    for c in case.consultations:
        texts.append(getattr(c, "question", "") or "")
        for opinion in c.opinions:
            if opinion.status == "draft":
                texts += [opinion.findings or "", opinion.analysis or "", *(opinion.legal_basis or [])]
    return [t for t in texts if t]


def weighted_terms(texts: list[str], limit: int = MAX_TERMS) -> list[tuple[str, float]]:
    counts: Counter[str] = Counter()
    jieba = segmenter()
    for text in texts:
        for word in jieba.cut(normalize(text)):
            word = word.strip()
            if len(word) >= 2 and word not in STOP_WORDS and not word.isdigit() and any("\u4e00" <= ch <= "\u9fff" for ch in word):
                counts[word] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-(kv[1] * min(len(kv[0]), 4)), kv[0]))[:limit]
    top = ranked[0][1] if ranked else 1
    return [(word, round(0.5 + count / top, 3)) for word, count in ranked]


def cited_laws(texts: list[str]) -> list[str]:
    keys: set[str] = set()
    for text in texts:
        for match in find_citations(text):
            if match.citation.law:
                found = law_keys(match.citation)
                if found:
                    keys.add(found[-1])
    return sorted(keys)


def _explanations(opinion_ids: list[int]) -> dict[int, tuple[str, list[str]]]:
    """Per opinion: its anonymized text (what shared terms are looked up in) and the provisions it cites."""
    from app.opinions.issuing import stored_file  # cycle: issuing calls the search service

    texts = db.session.scalars(select(OpinionSearchText).where(OpinionSearchText.opinion_id.in_(opinion_ids))).all()
    found = {}
    for stored in texts:
        content = stored_file(stored.opinion_id, "content")
        laws = cited_law_keys(json.loads(content[0])) if content else []
        found[stored.opinion_id] = ("\n".join(stored.sections.values()), laws)
    return found


def similar_for_case(user, case, limit: int = 10) -> list[dict]:
    """The ``limit`` most similar issued opinions, as search items with a ``why`` each."""
    texts = case_texts(case)
    terms = weighted_terms(texts)
    laws = cited_laws(texts)
    province = region_levels(case.region_code)[0]
    request = SimilarRequest(tuple(terms), case.category, province, tuple(laws), exclude_case_id=case.id, limit=limit)
    hits = service.run(lambda search: search.similar(request))
    words = [t for t, _ in terms]
    found = result_items(user, hits, " ".join(words[:8]))
    explained = _explanations([entry["opinion_id"] for entry in found])
    for entry in found:
        text, cited = explained.get(entry["opinion_id"], ("", []))
        entry["why"] = {
            "shared_terms": [w for w in words if w in text][:6],
            "shared_laws": [law for law in laws if law in cited][:3],
            "same_category": entry["category"] == case.category,
            "same_region": region_levels(entry["region_code"])[0] == province,
        }
    return found
