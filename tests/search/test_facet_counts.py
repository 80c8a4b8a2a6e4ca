"""PostgreSQL facet counts from the rows grouped by facet combination (``postgres._facet_counts``):
each (facet, value) summed over the combinations holding it, a set of recommendations counted for
each member, empty values left out, page rows ignored."""

from __future__ import annotations

import random
from collections import Counter

from app.search.backends.base import FACETS
from app.search.backends.postgres import _facet_counts

SEP = "\x1f"


def combination(category="", tier="", province="", year="", conclusion="", recommendations="") -> str:
    return SEP.join((category, tier, province, year, conclusion, recommendations))


def expected(rows) -> tuple[int, dict[str, Counter]]:
    counts = {name: Counter() for name in FACETS}
    total = 0
    for kind, text, n, _ in rows:
        if kind != "*":
            continue
        total += n
        for name, value in zip(FACETS, text.split(SEP), strict=True):
            for member in value.split(",") if name == "recommendation" else [value]:
                if member not in ("", "-"):
                    counts[name][member] += n
    return total, counts


def test_each_value_is_summed_over_its_combinations_and_each_recommendation_counts():
    rows = [
        ("*", combination("land_expropriation", "provincial", "320000", "2025", "claim_reasonable", "relitigate,explain"), 5, 0),
        ("*", combination("land_expropriation", "municipal", "320000", "2024", "claim_unreasonable", "explain"), 3, 0),
        ("*", combination("health", "municipal", "330000", "2024", "-", ""), 2, 0),
        ("hit", "17", 1, 0.5),   # a page row, not a combination
    ]
    total, facets = _facet_counts(rows)
    assert total == 10
    assert facets["category"] == {"land_expropriation": 8, "health": 2}
    assert facets["tier"] == {"municipal": 5, "provincial": 5}
    assert facets["year"] == {"2024": 5, "2025": 5}
    assert facets["conclusion"] == {"claim_reasonable": 5, "claim_unreasonable": 3}   # "-" is no value
    assert facets["recommendation"] == {"explain": 8, "relitigate": 5}
    assert list(facets["province"]) == ["320000", "330000"]   # most frequent first


def test_counts_equal_a_plain_sum_over_many_combinations_and_calls():
    rng = random.Random(7)
    values = {"category": ["land_expropriation", "health", "labor_social_security", ""],
              "tier": ["national", "provincial", "municipal"], "province": ["320000", "330000", "110000", ""],
              "year": ["2023", "2024", "2025"], "conclusion": ["claim_reasonable", "claim_unreasonable", "-", ""]}
    recommendations = ["explain", "relitigate", "reconsider", "assist"]

    def rows(count: int) -> list:
        found = []
        for _ in range(count):
            chosen = {name: rng.choice(options) for name, options in values.items()}
            recs = ",".join(rng.sample(recommendations, rng.randint(0, 3)))
            found.append(("*", combination(**chosen, recommendations=recs), rng.randint(1, 500), 0))
        return found

    for count in (1, 40, 400):   # later calls meet values the earlier ones did not number
        sample = rows(count)
        total, facets = _facet_counts(sample)
        want_total, want = expected(sample)
        assert total == want_total
        assert facets == {name: dict(want[name]) for name in FACETS}
