from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.extensions import db
from expert_pool import regions
from expert_pool.codes import ORG_KINDS, ORG_TIERS


class Organization(db.Model):
    """A petition office, a handling agency or another body, in a parent/child hierarchy."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Prefix of the opinion document number, e.g. "苏信专审" (used when issuing opinions).
    doc_prefix: Mapped[str | None] = mapped_column(String(20))
    # 发文机关标志 (信函格式): the office's mark in red above the red separator of its issued
    # opinions. Off by default: offices that print on letterhead paper already have it.
    print_issuer_mark: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    issuer_mark: Mapped[str | None] = mapped_column(String(60))  # the mark's text; empty = the office's name
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organization | None] = relationship(remote_side="Organization.id", back_populates="children")
    children: Mapped[list[Organization]] = relationship(back_populates="parent")

    @property
    def kind_label(self) -> str:
        return ORG_KINDS.get(self.kind, self.kind)

    @property
    def tier_label(self) -> str:
        return ORG_TIERS.get(self.tier, self.tier)

    @property
    def region_name(self) -> str:
        return regions.name(self.region_code)

    def ancestors(self) -> list[Organization]:
        chain, node, seen = [], self.parent, {self.id}
        while node is not None and node.id not in seen:
            chain.append(node)
            seen.add(node.id)
            node = node.parent
        return chain

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "tier": self.tier,
            "region_code": self.region_code,
            "parent_id": self.parent_id,
            "doc_prefix": self.doc_prefix,
            "print_issuer_mark": bool(self.print_issuer_mark),
            "issuer_mark": self.issuer_mark,
        }

    @property
    def issuer_mark_text(self) -> str:
        """The 发文机关标志 printed on this office's opinions, or "" when it prints none."""
        return (self.issuer_mark or self.name).strip() if self.print_issuer_mark else ""

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"
