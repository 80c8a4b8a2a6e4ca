"""Demo section ``seed_cases``: the petition cases of ``app.seed.case_data`` registered in the
ledger through the case service (``app.cases.services.create_case``), each by the clerk of its
handling agency — so every case gets its number, its audit entries and its timeline like one
entered in the UI. Petitioners get valid identity-card and mobile numbers."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from app.cases import idcard
from app.cases import services as cases
from app.documents import format_date
from app.seed.actors import acting, agency_user, request_scope
from app.seed.case_data import CASES, CaseSpec, Person
from app.seed.context import SeedContext
from app.seed.expert_data import MOBILE_PREFIXES

_DATE_TOKEN = re.compile(r"\{([dm]):(\d+)\}")


def render(text: str, today: date) -> str:
    """``{d:N}`` → the date N days before ``today`` (2026年3月5日), ``{m:N}`` → its month (2026年3月)."""
    def one(match: re.Match) -> str:
        day = today - timedelta(days=int(match[2]))
        return format_date(day) if match[1] == "d" else f"{day.year}年{day.month}月"
    return _DATE_TOKEN.sub(one, text)


def id_number(person: Person, rng: random.Random) -> str:
    """A valid 18-digit number: area code, birth date, sequence (odd for men), check character."""
    sequence = rng.randrange(0, 500) * 2 + (1 if person.male else 0)
    first17 = f"{person.area}{person.born}{sequence:03d}"
    return first17 + idcard.check_char(first17)


def mobile(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if number not in taken:
            taken.add(number)
            return number


def case_payload(ctx: SeedContext, spec: CaseSpec, rng: random.Random, phones: set[str]) -> dict:
    today = ctx.today
    first = today - timedelta(days=spec.first_petition_days_ago)
    accepted = today - timedelta(days=spec.accepted_days_ago) if spec.accepted_days_ago is not None else None
    letters, visits, online = spec.repeats
    return {
        "title": spec.title,
        "summary": render(spec.summary, today),
        "claims": render(spec.claims, today),
        "category": spec.category,
        "region_code": spec.region_code,
        "handling_org_id": ctx.org(spec.handling).id,
        "lead_org_id": ctx.org(spec.lead).id if spec.lead else None,
        "cooperating_org_ids": [ctx.org(name).id for name in spec.cooperating],
        "petitioners": [{"name": p.name, "id_number": id_number(p, rng), "phone": mobile(rng, phones), "address": p.address}
                        for p in spec.petitioners],
        "first_petition_date": first.isoformat(),
        "repeat_letters": letters,
        "repeat_visits": visits,
        "repeat_online": online,
        "cross_flags": list(spec.cross_flags),
        "responsible_leader": spec.leader,
        "is_backlog": spec.backlog,
        "accepted_on": accepted.isoformat() if accepted else None,
    }


def seed_cases(ctx: SeedContext) -> None:
    ctx.write_audit()  # organizations, experts and users first in the log, as they came first
    rng = ctx.section_rng("cases")
    phones: set[str] = set()
    with request_scope():
        for spec in CASES:
            clerk = agency_user(ctx, ctx.org(spec.handling))
            with acting(clerk):
                case = cases.create_case(clerk, case_payload(ctx, spec, rng, phones))
                if spec.extension:
                    days, reason = spec.extension
                    cases.extend_deadline(clerk, case, {"days": days, "reason": reason})
            ctx.cases[spec.key] = case
    ctx.count("cases", len(CASES))
