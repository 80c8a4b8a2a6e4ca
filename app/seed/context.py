"""The state the demo sections share: one seeded RNG, the organizations by name, the experts,
users and cases created so far, and the audit entries still to write."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from app import clock
from app.audit import services as audit
from app.extensions import db
from app.orgs.models import Organization

DEMO_SUMMARY_PREFIX = "演示数据："


@dataclass
class SeedContext:
    expert_count: int = 240
    seed: int = 20261128
    today: date = field(default_factory=clock.today)
    rng: random.Random = field(init=False)
    orgs: dict[str, Organization] = field(default_factory=dict)
    experts: list = field(default_factory=list)
    users: dict[str, object] = field(default_factory=dict)
    audit_items: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # The demo password's hash, computed once (hashing is slow) and shared by every demo account.
    password_hash: str = ""
    # Workflow sections: cases by their key in app.seed.case_data, accounts by organization / expert id.
    cases: dict[str, object] = field(default_factory=dict)
    agency_users: dict[int, object] = field(default_factory=dict)
    expert_users: dict[int, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def section_rng(self, name: str) -> random.Random:
        """An RNG per section, so adding a section never changes what earlier ones produce."""
        return random.Random(f"{self.seed}:{name}")

    def org(self, name: str) -> Organization:
        """A demo organization by exact name (KeyError names it if a section misspells one)."""
        try:
            return self.orgs[name]
        except KeyError:
            raise KeyError(f"demo organization not seeded: {name}") from None

    def orgs_where(self, *, kind: str | None = None, tier: str | None = None, region_prefix: str = "") -> list[Organization]:
        return [o for o in self.orgs.values()
                if (kind is None or o.kind == kind) and (tier is None or o.tier == tier)
                and o.region_code.startswith(region_prefix)]

    def audit(self, action: str, object_type: str, object_id: int | None, summary: str, *,
              after: dict | None = None, subject: str | None = None) -> None:
        """Queue an audit entry; all are chained in one record_batch when the demo commits."""
        self.audit_items.append({"action": action, "object_type": object_type, "object_id": object_id,
                                 "summary": DEMO_SUMMARY_PREFIX + summary, "after": after, "subject": subject})

    def write_audit(self) -> None:
        """Chain the queued entries now, so that entries the services write next (cases,
        consultations …) follow them in the log, as the events did."""
        if self.audit_items:
            audit.record_batch(self.audit_items, actor=None)
            self.audit_items = []

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    @staticmethod
    def flush() -> None:
        db.session.flush()
