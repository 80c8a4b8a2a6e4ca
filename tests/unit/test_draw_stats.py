"""Statistical check of the draw: over 10,000 draws with a fixed seed sequence (so the test is
deterministic) the selection frequencies fit ``inclusion_probabilities`` and nobody's
frequency exceeds the selection cap beyond sampling noise."""

from __future__ import annotations

import math

import pytest

from expert_pool.draw import draw_panel, inclusion_probabilities
from expert_pool.model import Candidate, DrawPolicy

DRAWS = 10_000
PANEL = 5
LOADS = [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 25, 30, 40,
         50, 60, 80]
# 99.9 % quantile of the chi-square distribution with 29 degrees of freedom
# (scipy.stats.chi2.ppf(0.999, 29) = 58.3006); checked against Wilson–Hilferty below.
CHI2_29_999 = 58.30


def wilson_hilferty(df: int, z: float) -> float:
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def frequencies(cands, policy, required=()):
    counts = dict.fromkeys((c.expert_id for c in cands), 0)
    for k in range(DRAWS):
        for eid in draw_panel(cands, required, PANEL, 0, f"stat-{k:05d}", policy).member_ids:
            counts[eid] += 1
    return counts


@pytest.mark.slow
def test_selection_frequencies_fit_inclusion_probabilities():
    assert abs(wilson_hilferty(29, 3.0902) - CHI2_29_999) < 0.3
    cands = [Candidate(i, frozenset(), load) for i, load in enumerate(LOADS, start=1)]
    policy = DrawPolicy(selection_cap=0.5)
    pi = inclusion_probabilities(cands, PANEL, policy)
    assert max(pi.values()) == 0.5  # the cap binds for the three load-0 experts
    assert pi[1] > pi[10] > pi[30]  # fewer recent consultations → more likely

    counts = frequencies(cands, policy)
    assert sum(counts.values()) == DRAWS * PANEL
    # Each count is Binomial(DRAWS, π_i); standardize with the binomial variance.
    chi2 = sum((counts[i] - DRAWS * p) ** 2 / (DRAWS * p * (1 - p)) for i, p in pi.items())
    assert chi2 < CHI2_29_999, chi2
    noise = 4 * math.sqrt(0.25 / DRAWS)
    assert max(counts.values()) / DRAWS <= policy.selection_cap + noise
    # Nobody is certain, nobody is shut out.
    assert min(counts.values()) > 0 and max(counts.values()) < DRAWS


@pytest.mark.slow
def test_cap_holds_with_a_lower_cap():
    cands = [Candidate(i, frozenset(), 0 if i <= 2 else 20) for i in range(1, 21)]
    policy = DrawPolicy(selection_cap=0.3)
    pi = inclusion_probabilities(cands, PANEL, policy)
    assert abs(pi[1] - 0.3) < 1e-12 and abs(pi[2] - 0.3) < 1e-12
    counts = dict.fromkeys((1, 2), 0)
    for k in range(3000):
        for eid in draw_panel(cands, (), PANEL, 0, f"cap-{k}", policy).member_ids:
            if eid in counts:
                counts[eid] += 1
    noise = 4 * math.sqrt(0.3 * 0.7 / 3000)
    assert all(c / 3000 <= 0.3 + noise for c in counts.values())
