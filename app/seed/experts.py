"""Demo experts for every pool (national, the two provinces, the four cities), with conflict
declarations and unavailability periods for a few of them.

The demo expert account (``expert_nj``) is linked to the first active expert of 南京's pool
(:func:`demo_expert`). That expert is made the pool's only holder of 企业改制与国资
(``DEMO_EXPERT_SPECIALTY``): the demo's 企业改制 consultations require that specialty, and the
draw's coverage rule seats the only candidate holding a required specialty, so the genuine,
random draw necessarily invites the demo expert — nobody is placed on a panel by hand.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.experts.models import ConflictDeclaration, Expert, Unavailability
from app.extensions import db
from app.seed import expert_data as data
from app.seed.context import SeedContext
from app.timeutil import SHANGHAI
from expert_pool import regions


DEMO_EXPERT_POOL = ("municipal", "320100")  # the demo expert account belongs to 南京's pool
DEMO_EXPERT_SPECIALTY = "enterprise_restructuring"


def demo_expert(experts) -> Expert | None:
    """The expert behind the demo expert account: the first active one of DEMO_EXPERT_POOL."""
    tier, region = DEMO_EXPERT_POOL
    return next((e for e in experts if e.tier == tier and e.region_code == region and e.status == "active"), None)


def _design_demo_expert(ctx: SeedContext) -> None:
    """Make the demo expert the only one of its pool who holds DEMO_EXPERT_SPECIALTY, with the
    longest term of the demo (see the module docstring)."""
    expert = demo_expert(ctx.experts)
    if expert is None:
        return
    tier, region = DEMO_EXPERT_POOL
    for other in ctx.experts:
        if other is not expert and other.tier == tier and other.region_code == region \
                and DEMO_EXPERT_SPECIALTY in other.specialties:
            other.specialties = [s for s in other.specialties if s != DEMO_EXPERT_SPECIALTY] or ["labor_law"]
    own = [s for s in expert.specialties if s != DEMO_EXPERT_SPECIALTY][:2]
    expert.specialties = [*own, DEMO_EXPERT_SPECIALTY]
    expert.term_end = max(date(*d) for d, _ in data.TERM_ENDS)


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _sample_specialties(rng: random.Random, profile: str) -> list[str]:
    weights = dict(data.SPECIALTY_WEIGHTS[profile])
    wanted = _weighted(rng, [(1, 3), (2, 5), (3, 2)])
    chosen = []
    first = data.FIRST_SPECIALTY.get(profile)
    if first:
        chosen.append(first)
        weights.pop(first, None)
    while len(chosen) < wanted and weights:
        code = _weighted(rng, list(weights.items()))
        chosen.append(code)
        weights.pop(code)
    return chosen


def pool_sizes(total: int) -> list[tuple[str, str, int]]:
    """Split ``total`` experts over the pools by weight (every pool gets at least one when possible)."""
    weight_sum = sum(w for *_, w in data.POOLS)
    sizes = [total * w // weight_sum for *_, w in data.POOLS]
    for i in range(total - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return [(tier, code, n) for (tier, code, _), n in zip(data.POOLS, sizes, strict=True)]


class _People:
    """Unique plausible names, mobile numbers and e-mail addresses from one RNG."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names: set[str] = set()
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self._surnames = [(s, p) for s, p, _ in data.SURNAMES]
        self._surname_weights = [w for *_, w in data.SURNAMES]

    def name(self) -> tuple[str, str]:
        for _ in range(50):
            (surname, sp), = self.rng.choices(self._surnames, weights=self._surname_weights, k=1)
            given, gp = self.rng.choice(data.GIVEN_NAMES)
            name = surname + given
            if name not in self.names:
                break
        self.names.add(name)
        return name, sp + gp

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def email(self, pinyin: str, domain: str) -> str:
        address, n = f"{pinyin}@{domain}.example", 1
        while address in self.emails:
            n += 1
            address = f"{pinyin}{n}@{domain}.example"
        self.emails.add(address)
        return address


def _expert(ctx: SeedContext, rng: random.Random, people: _People, tier: str, region_code: str) -> Expert:
    profile = _weighted(rng, data.PROFILES)
    employer, domain, kind, *linked = rng.choice(data.EMPLOYERS[region_code][profile])
    name, pinyin = people.name()
    status = _weighted(rng, [("active", 86), ("suspended", 8), ("retired", 6)])
    expert = Expert(
        name=name, tier=tier, region_code=region_code, employer=employer,
        employer_organization=ctx.org(linked[0]) if linked else None,
        title=_weighted(rng, data.TITLES[kind]), phone=people.phone(), email=people.email(pinyin, domain),
        status=status, term_end=date(*_weighted(rng, data.TERM_ENDS)),
        max_open_consultations=_weighted(rng, [(2, 2), (3, 6), (4, 2), (5, 1)]),
    )
    expert.specialties = _sample_specialties(rng, profile)
    return expert


EMPLOYER_KINDS = {e[0]: e[2] for pools in data.EMPLOYERS.values() for employers in pools.values() for e in employers}


def pool_label(tier: str, region_code: str) -> str:
    """国家级 / 江苏省级 / 南京市级 — the pool's name."""
    if tier == "national":
        return "国家级"
    if tier == "provincial":
        return regions.PROVINCES.get(region_code[:2], region_code) + "级"
    return regions.PREFECTURES.get(region_code[:4], region_code) + "级"


def seed_experts(ctx: SeedContext) -> None:
    rng = ctx.section_rng("experts")
    people = _People(rng)
    for tier, region_code, n in pool_sizes(ctx.expert_count):
        ctx.experts.extend(_expert(ctx, rng, people, tier, region_code) for _ in range(n))
    _design_demo_expert(ctx)
    db.session.add_all(ctx.experts)
    ctx.flush()
    for e in ctx.experts:
        ctx.audit("create", "expert", e.id, f"新增专家 {e.name}（{pool_label(e.tier, e.region_code)}专家库）",
                  after=e.to_dict())
    ctx.count("experts", len(ctx.experts))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI)


def seed_expert_availability(ctx: SeedContext) -> None:
    """A few conflict declarations (with handling agencies of the expert's region, or with a
    named person) and unavailability periods around today."""
    rng = ctx.section_rng("availability")
    active = [e for e in ctx.experts if e.status == "active"]
    if not active:
        return
    people = _People(rng)
    conflicts, periods = [], []
    for expert in rng.sample(active, min(len(active), max(1, ctx.expert_count // 20))):
        prefix = regions.prefix(expert.region_code)
        agencies = ctx.orgs_where(kind="handling_agency", region_prefix=prefix)
        if agencies and rng.random() < 0.65:
            conflicts.append(ConflictDeclaration(
                expert=expert, organization=rng.choice(agencies),
                reason=data.CONFLICT_REASONS_ORG.get(EMPLOYER_KINDS.get(expert.employer, ""), "存在可能影响公正的利害关系")))
        else:
            conflicts.append(ConflictDeclaration(expert=expert, person_name=people.name()[0],
                                                 reason=rng.choice(data.CONFLICT_REASONS_PERSON)))
    for expert in rng.sample(active, min(len(active), max(1, ctx.expert_count // 16))):
        start_day = ctx.today + timedelta(days=rng.randint(-5, 75))
        length = rng.choice([1, 2, 3, 5, 7, 14])
        periods.append(Unavailability(expert=expert, start=_at(start_day, 8),
                                      end=_at(start_day + timedelta(days=length - 1), 18),
                                      reason=rng.choice(data.UNAVAILABILITY_REASONS)))
    db.session.add_all(conflicts + periods)
    ctx.flush()
    for row in conflicts:
        ctx.audit("create", "conflict", row.id, f"专家 {row.expert.name} 申报回避：{row.reason}",
                  after=row.to_dict(), subject=f"expert:{row.expert_id}")
    for row in periods:
        ctx.audit("create", "unavailability", row.id, f"专家 {row.expert.name} 登记不可出席时段（{row.reason}）",
                  after=row.to_dict(), subject=f"expert:{row.expert_id}")
    ctx.count("conflicts", len(conflicts))
    ctx.count("unavailability", len(periods))
