"""Benchmark of the expert-pool domain: recusal screening + panel draw, and the slot search.

Run: ``.venv/bin/python bench/draw.py`` (about 10–20 s). Builds a 10,000-expert pool with
2,000 conflict declarations, times ``screen`` + ``draw_panel`` over 200 runs (each with a fresh
case and seed) and ``find_slots`` for a 7-member panel over a month, and prints p50/p95 next to
the 50 ms target as a ratio (< 1.0 = within target), plus machine information.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from expert_pool.codes import SPECIALTIES
from expert_pool.draw import draw_panel, new_seed
from expert_pool.model import CaseContext, ExpertRecord
from expert_pool.recusal import screen
from expert_pool.timeutil import SHANGHAI
from expert_pool.workdays import find_slots

TARGET_MS = 50.0
EXPERTS = 10_000
CONFLICTS = 2_000
DRAW_RUNS = 200
SLOT_RUNS = 200
ORGS = 600
TODAY = date(2026, 11, 28)
SPECS = list(SPECIALTIES)


def build_pool(rnd: random.Random) -> tuple[list[ExpertRecord], dict[int, int | None]]:
    # Organization tree: 10 provinces → 50 cities → 540 bureaus.
    parents: dict[int, int | None] = dict.fromkeys(range(1, 11))
    parents.update({o: rnd.randint(1, 10) for o in range(11, 61)})
    parents.update({o: rnd.randint(11, 60) for o in range(61, ORGS + 1)})
    declaring = set(rnd.sample(range(EXPERTS), CONFLICTS))
    base = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    experts = []
    for i in range(EXPERTS):
        conflicts: dict[str, frozenset] = {}
        if i in declaring:
            kind = rnd.random()
            if kind < 0.4:
                conflicts["conflict_org_ids"] = frozenset({rnd.randint(1, ORGS)})
            elif kind < 0.8:
                conflicts["conflict_person_names"] = frozenset({f"王{rnd.randint(1, 400)}"})
            else:
                conflicts["conflict_case_ids"] = frozenset({rnd.randint(1, 300)})
        unavailable = ()
        if rnd.random() < 0.05:
            start = base + timedelta(days=rnd.randint(0, 25))
            unavailable = ((start, start + timedelta(days=rnd.randint(1, 5))),)
        experts.append(ExpertRecord(
            id=i + 1,
            status="active" if rnd.random() < 0.95 else rnd.choice(["suspended", "retired"]),
            term_end=date(2026 + rnd.randint(0, 3), 12, 31),
            specialties=frozenset(rnd.sample(SPECS, rnd.randint(1, 3))),
            employer_org_id=rnd.randint(1, ORGS) if rnd.random() < 0.7 else None,
            open_consultations=rnd.randint(0, 3),
            max_open_consultations=3,
            unavailability=unavailable,
            recent_load=rnd.randint(0, 12),
            rating_avg=rnd.uniform(55, 100) if rnd.random() < 0.8 else None,
            rating_count=rnd.randint(0, 12),
            **conflicts,
        ))
    return experts, parents


def random_case(rnd: random.Random, parents: dict[int, int | None]) -> CaseContext:
    start = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI) + timedelta(days=rnd.randint(0, 25))
    return CaseContext(
        case_id=rnd.randint(1, 300),
        handling_org_id=rnd.randint(61, ORGS),
        lead_org_id=rnd.randint(11, 60),
        cooperating_org_ids=frozenset(rnd.sample(range(61, ORGS + 1), 2)),
        org_parents=parents,
        petitioner_names=frozenset({f"王{rnd.randint(1, 400)}", f"王{rnd.randint(1, 400)}"}),
        prior_expert_ids=frozenset(rnd.sample(range(1, EXPERTS + 1), 5)),
        required_specialties=frozenset(rnd.sample(SPECS, 2)),
        meeting_start=start,
        meeting_end=start + timedelta(hours=2),
    )


def time_of_day(rnd: random.Random) -> dt_time:
    return dt_time(rnd.randint(9, 16), rnd.choice([0, 30]))


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, samples_ms: list[float]) -> None:
    p50, p95 = percentile(samples_ms, 0.50), percentile(samples_ms, 0.95)
    print(f"{name:<34} p50 {p50:7.2f} ms ({p50 / TARGET_MS:5.2f}× target)   "
          f"p95 {p95:7.2f} ms ({p95 / TARGET_MS:5.2f}× target)   target {TARGET_MS:.0f} ms")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    rnd = random.Random(20261128)
    print(f"machine: {os.cpu_count()} cores, CPU {cpu_model()}, Python {platform.python_version()} "
          f"({platform.python_implementation()}), {platform.system()} {platform.machine()}")
    t0 = time.perf_counter()
    experts, parents = build_pool(rnd)
    print(f"pool: {EXPERTS} experts, {CONFLICTS} conflict declarations "
          f"(built in {time.perf_counter() - t0:.1f} s)")

    screen_ms, draw_ms, total_ms, cpu_ms, eligible = [], [], [], [], []
    for k in range(DRAW_RUNS + 5):
        case = random_case(rnd, parents)
        seed = new_seed()
        c1, t1 = time.process_time(), time.perf_counter()
        candidates, exclusions = screen(experts, case, TODAY)
        t2 = time.perf_counter()
        draw_panel(candidates, case.required_specialties, 5, 2, seed, exclusions=exclusions)
        t3, c3 = time.perf_counter(), time.process_time()
        if k >= 5:  # warm-up
            screen_ms.append((t2 - t1) * 1000)
            draw_ms.append((t3 - t2) * 1000)
            total_ms.append((t3 - t1) * 1000)
            cpu_ms.append((c3 - c1) * 1000)
            eligible.append(len(candidates))
    print(f"screen+draw: {DRAW_RUNS} runs, panel 5 + 2 reserves, 2 required specialties, "
          f"median {statistics.median(eligible):.0f} eligible candidates")
    report("  screen (10,000 experts)", screen_ms)
    report("  draw", draw_ms)
    report("screen + draw (wall clock)", total_ms)
    report("screen + draw (CPU time)", cpu_ms)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"  (load average {load:.2f} on {os.cpu_count()} cores: wall > CPU means other processes "
          "competed for the CPU)")

    first = date(2026, 12, 1)
    busy = {}
    for eid in range(1, 8):  # 8 busy intervals of 1–3 h per member, at random in December
        starts = [datetime.combine(first + timedelta(days=d), time_of_day(rnd), SHANGHAI)
                  for d in rnd.sample(range(31), 8)]
        busy[eid] = [(s, s + timedelta(hours=rnd.randint(1, 3)), "meeting") for s in starts]
    slot_ms = []
    count = 0
    for k in range(SLOT_RUNS + 5):
        t1 = time.perf_counter()
        count = len(find_slots(first, date(2026, 12, 31), 120, busy))
        if k >= 5:
            slot_ms.append((time.perf_counter() - t1) * 1000)
    print(f"slot search: 7 members × 8 busy intervals, December 2026, 120 min, {count} slots")
    report("find_slots (7 members, 1 month)", slot_ms)
    print(f"total bench time {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
