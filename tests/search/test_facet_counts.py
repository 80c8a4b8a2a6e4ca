"""PostgreSQL facet counts from the matches grouped by facet combination (``pg_facets``): each
(facet, value) summed over the combinations holding it, a set of recommendations counted for each
member, empty values left out; and the keys a process knows, added as searches meet them."""

from __future__ import annotations

import random
from collections import Counter

from app.search.backends.base import FACETS
import numpy as np

from app.search.backends.pg_facets import _EMPTY, slot_matrix, summed

SEP = "\x1f"


def _facet_counts(rows) -> tuple[int, dict]:
    combinations, counts = zip(*rows, strict=True)
    return sum(counts), summed(slot_matrix(combinations), np.asarray(counts))


def combination(category="", tier="", province="", year="", conclusion="", recommendations="") -> str:
    return SEP.join((category, tier, province, year, conclusion, recommendations))


def expected(rows) -> tuple[int, dict[str, Counter]]:
    counts = {name: Counter() for name in FACETS}
    total = 0
    for text, n in rows:
        total += n
        for name, value in zip(FACETS, text.split(SEP), strict=True):
            for member in value.split(",") if name == "recommendation" else [value]:
                if member not in ("", "-"):
                    counts[name][member] += n
    return total, counts


def test_each_value_is_summed_over_its_combinations_and_each_recommendation_counts():
    rows = [
        (combination("land_expropriation", "provincial", "320000", "2025", "claim_reasonable", "relitigate,explain"), 5),
        (combination("land_expropriation", "municipal", "320000", "2024", "claim_unreasonable", "explain"), 3),
        (combination("health", "municipal", "330000", "2024", "-", ""), 2),
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
            found.append((combination(**chosen, recommendations=recs), rng.randint(1, 500)))
        return found

    for count in (1, 40, 400):   # later calls meet values the earlier ones did not number
        sample = rows(count)
        total, facets = _facet_counts(sample)
        want_total, want = expected(sample)
        assert total == want_total
        assert facets == {name: dict(want[name]) for name in FACETS}


def test_known_keys_find_their_rows_whatever_order_they_were_added_in():
    rng = random.Random(3)
    combos = {key: combination(category=f"c{key % 7}", year=str(2020 + key % 5), recommendations="explain" * (key % 2))
              for key in rng.sample(range(1, 10**6), 300)}
    known, added = _EMPTY, list(combos)
    for start in range(0, 300, 70):   # added in batches, unsorted, as searches meet them
        known = known.adding([(k, combos[k]) for k in added[start:start + 70]])
    asked = [*rng.sample(added, 120), 10 ** 6 + 1, 0]
    rows = known.rows(np.asarray(asked))
    assert (rows[-2:] == -1).all() and (rows[:-2] >= 0).all()
    counts = np.asarray([rng.randint(1, 50) for _ in asked[:-2]])
    want_total, want = expected([(combos[k], n) for k, n in zip(asked[:-2], counts.tolist(), strict=True)])
    assert int(counts.sum()) == want_total
    assert summed(known.slots[rows[:-2]], counts) == {name: dict(want[name]) for name in FACETS}
