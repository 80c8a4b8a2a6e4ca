"""Benchmark of the panel draw as the application runs it (issue 3): load the staffing office's
pool from the database, screen it for the case and draw — over a 10,000-expert pool with 2,000
conflict declarations. ``bench/draw.py`` measures the pure domain part alone.

Run: ``.venv/bin/python bench/draw_db.py [--db sqlite|postgresql] [--runs 100]``.
Prints p50/p95 (wall and CPU) next to the target (p95 ≤ 50 ms) as a ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pool import GIVEN, SURNAMES, line, machine, make_app, percentile

TARGET_MS = 50.0
EXPERTS = 10_000
CONFLICTS = 2_000


def seed(app, rnd: random.Random) -> int:
    """A national pool of EXPERTS experts, CONFLICTS declarations, a case and a consultation."""
    from sqlalchemy import insert, text

    from app.cases.models import Case, Petitioner
    from app.consultations.models import Consultation
    from app.experts.models import ConflictDeclaration, Expert, ExpertSpecialty
    from app.extensions import db
    from app.orgs.models import Organization
    from expert_pool.codes import SPECIALTIES

    specs = list(SPECIALTIES)
    with app.app_context():
        national = Organization(name="国家信访局", kind="petition_office", tier="national", region_code="000000")
        db.session.add(national)
        db.session.flush()
        agencies = [
            Organization(name=f"某市某局{i}", kind="handling_agency", tier="municipal", region_code="320100", parent_id=national.id)
            for i in range(20)
        ]
        db.session.add_all(agencies)
        db.session.flush()
        experts, rows = [], []
        for i in range(1, EXPERTS + 1):
            status = "active" if rnd.random() < 0.9 else "suspended"
            experts.append(
                {
                    "id": i,
                    "name": rnd.choice(SURNAMES) + "".join(rnd.sample(GIVEN, 2)),
                    "tier": "national",
                    "region_code": "000000",
                    "employer": "某大学法学院",
                    "title": "教授",
                    "phone": f"13{i:09d}",
                    "email": "",
                    "status": status,
                    "term_end": date(2028, 12, 31),
                    "max_open_consultations": 3,
                    "version": 1,
                    "employer_organization_id": rnd.choice(agencies).id if rnd.random() < 0.02 else None,
                }
            )
            rows += [{"expert_id": i, "specialty": c} for c in rnd.sample(specs, rnd.randint(1, 3))]
        db.session.execute(insert(Expert), experts)
        db.session.execute(insert(ExpertSpecialty), rows)
        conflicts = []
        for _ in range(CONFLICTS):
            kind = rnd.random()
            conflicts.append(
                {
                    "expert_id": rnd.randint(1, EXPERTS),
                    "reason": "申报",
                    "organization_id": rnd.choice(agencies).id if kind < 0.5 else None,
                    "person_name": rnd.choice(SURNAMES) + rnd.choice(GIVEN) if kind >= 0.5 else None,
                }
            )
        db.session.execute(insert(ConflictDeclaration), conflicts)
        case = Case(
            case_number="BENCH-1",
            title="基准测试事项",
            summary="…",
            claims="…",
            category="land_expropriation",
            region_code="320100",
            handling_org_id=agencies[0].id,
            cross_flags=[],
            status="consulting",
        )
        case.petitioners = [Petitioner(name="刘某某")]
        db.session.add(case)
        db.session.flush()
        c = Consultation(
            case_id=case.id,
            questions="基准测试",
            required_specialties=["administrative_law", "land_property_law"],
            panel_size=5,
            tier="national",
            office_id=national.id,
            status="accepted",
        )
        db.session.add(c)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return c.id


def measure(app, consultation_id: int, runs: int) -> tuple[list[float], list[float], int]:
    from app.consultations.models import Consultation
    from app.consultations.pool import screen_pool
    from app.extensions import db
    from expert_pool import draw
    from expert_pool.model import DrawPolicy

    wall, cpu = [], []
    with app.app_context():
        c = db.session.get(Consultation, consultation_id)
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            candidates, exclusions = screen_pool(c, None, date.today(), DrawPolicy())
            draw.draw_panel(candidates, c.required_specialties, c.panel_size, 2, draw.new_seed(), DrawPolicy(), exclusions)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            db.session.expire_all()
    return wall, cpu, len(candidates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    app, label = make_app(args.db)
    for text in machine(app, label):
        print(text)
    t0 = time.perf_counter()
    consultation_id = seed(app, random.Random(20261128))
    print(f"seeded {EXPERTS} experts, {CONFLICTS} conflict declarations in {time.perf_counter() - t0:.1f} s")
    measure(app, consultation_id, 3)  # warm caches
    wall, cpu, eligible = measure(app, consultation_id, args.runs)
    print(f"panel draw through the database ({args.runs} runs; screen the pool + draw, {eligible} eligible):")
    print(line("p50", percentile(wall, 50), "ms", TARGET_MS, percentile(cpu, 50)))
    print(line("p95", percentile(wall, 95), "ms", TARGET_MS, percentile(cpu, 95)))
    return 0 if percentile(wall, 95) <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
