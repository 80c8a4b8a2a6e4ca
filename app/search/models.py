"""What search keeps in the database: the anonymized text of each issued opinion (the source of what
readers who may not see the case get) and, for the PostgreSQL backend, one indexed row per opinion.

Both are written in the transaction that issues the opinion. ``OpinionSearchText`` is fixed at issue
time, so what a precedent shows never depends on a later edit of the case; ``SearchEntry`` is derived
data that ``flask search rebuild`` recreates from the opinions and their search texts.
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
    recommendations as GIN-indexed arrays), and a tsvector built from the project's own segmentation
    (positions and weights written explicitly, see ``backends.tsv``)."""

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
    tsv: Mapped[str | None] = mapped_column(TSVectorOrText, nullable=True)  # which terms occur (GIN)
    rank_tsv: Mapped[str | None] = mapped_column(TSVectorOrText, nullable=True)  # words with positions
