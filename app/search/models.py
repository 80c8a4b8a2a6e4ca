"""What search keeps in the database: the anonymized text of each issued opinion (the source of what
readers who may not see the case get) and, for the PostgreSQL backend, one indexed row per opinion.

Both are written in the transaction that issues the opinion. ``OpinionSearchText`` is fixed at issue
time, so what a precedent shows never depends on a later edit of the case; ``SearchEntry`` and
``SearchTerms`` are derived data that ``flask search rebuild`` recreates from the opinions and their
search texts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import JSONText, UTCDateTime, utcnow
from app.extensions import db

# A tsvector on PostgreSQL (GIN-indexed there); plain text elsewhere, where the column stays empty.
TSVectorOrText = Text().with_variant(TSVECTOR(), "postgresql")
# A text array on PostgreSQL (GIN-indexed, matched exactly with @>); JSON text elsewhere.
TextArray = JSONText().with_variant(ARRAY(Text()), "postgresql")


class OpinionSearchText(db.Model):
    """The anonymized title, sections and full text of an issued opinion (法释〔2016〕19号 style)."""

    __tablename__ = "opinion_search_texts"

    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    sections: Mapped[dict] = mapped_column(JSONText, default=dict)
    full_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchEntry(db.Model):
    """One issued opinion in the PostgreSQL full-text backend: filters as columns (laws and
    recommendations as GIN-indexed arrays), the units for phrase checks and the ranking tsvector
    built from the project's own segmentation (positions and weights written explicitly, see
    ``backends.tsv``); which terms occur is in ``SearchTerms``."""

    __tablename__ = "search_entries"

    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)  # similar cases leave the case's own out
    number: Mapped[str] = mapped_column(String(60), default="")
    category: Mapped[str] = mapped_column(String(40), default="", index=True)
    tier: Mapped[str] = mapped_column(String(20), default="", index=True)
    province_code: Mapped[str] = mapped_column(String(6), default="", index=True)
    city_code: Mapped[str] = mapped_column(String(6), default="", index=True)
    region_code: Mapped[str] = mapped_column(String(6), default="", index=True)
    year: Mapped[int] = mapped_column(Integer, default=0, index=True)
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    conclusion: Mapped[str] = mapped_column(String(40), default="", index=True)
    recommendations: Mapped[list] = mapped_column(TextArray, default=list)
    laws: Mapped[list] = mapped_column(TextArray, default=list)
    cross_flags: Mapped[list] = mapped_column(TextArray, default=list)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    units: Mapped[str] = mapped_column(Text, default="")  # the units in order, for exact phrase checks
    rank_tsv: Mapped[str | None] = mapped_column(TSVectorOrText, nullable=True)  # words with positions


class SearchFacetKey(db.Model):
    """One combination of the six facet values (category, tier, province, year, conclusion, the set of
    recommendations) that some opinion has: ~10,000 at 100,000 generated opinions. Never changed nor
    deleted (an unused key costs nothing): each search process keeps the keys it has read
    (``pg_facets.FacetKeys``), which holds only while an id always names the same combination."""

    __tablename__ = "search_facet_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    combination: Mapped[str] = mapped_column(Text, unique=True)  # the values joined by U+001F


class SearchTerms(db.Model):
    """What a search reads for every match, apart from ``SearchEntry``'s wide row: which terms occur
    (``tsv``, GIN-indexed), the date (newest first) and the facet combination. About 60 bytes of heap
    per opinion against ~500 for the entry, so counting and faceting 20,000 matches visits ~800
    pages instead of ~6,000 (bench/search.py: grouping 18,760 matches took 10 ms here, 28 there)."""

    __tablename__ = "search_terms"

    opinion_id: Mapped[int] = mapped_column(ForeignKey("search_entries.opinion_id", ondelete="CASCADE"),
                                            primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date | None] = mapped_column(Date)
    facet_key: Mapped[int] = mapped_column(ForeignKey("search_facet_keys.id"))
    tsv: Mapped[str | None] = mapped_column(TSVectorOrText, nullable=True)  # which terms occur (GIN)
