"""An auditor's re-implementation of the draw, written only from the algorithm described in
``expert_pool.draw``'s docstring (steps 1, 2, 4, 5 — no specialty requirement, so step 3 does
not apply). If the code and its documentation drift apart, this test fails."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import pytest

from expert_pool.draw import draw_panel
from expert_pool.model import Candidate, DrawPolicy

M = 2**48


class Stream:
    def __init__(self, seed, label):
        self.data = b""
        self.seed, self.label, self.counter = seed, label, 0

    def take(self, k):
        while len(self.data) < k:
            self.data += hashlib.sha256(f"{self.seed}|{self.label}|{self.counter}".encode()).digest()
            self.counter += 1
        out, self.data = self.data[:k], self.data[k:]
        return out

    def below(self, k):
        if k == 1:
            return 0
        b = (k - 1).bit_length()
        while True:
            x = int.from_bytes(self.take((b + 7) // 8), "big") & ((1 << b) - 1)
            if x < k:
                return x


def order(seed, label, units):
    s = Stream(seed, label)
    keys = [int.from_bytes(s.take(8), "big") for _ in units]
    return [u for _, _, u in sorted(zip(keys, range(len(units)), units, strict=True))]


def pis(units, n, cap):
    big_n = len(units)
    if Fraction(n, big_n) >= cap:
        return {u.expert_id: Fraction(n, big_n) for u in units}
    w = {u.expert_id: Fraction(1, 1 + u.recent_load) for u in units}
    capped = set()
    while True:
        rest = [u for u in units if u.expert_id not in capped]
        c = (n - cap * len(capped)) / sum(w[u.expert_id] for u in rest)
        over = [u for u in rest if c * w[u.expert_id] > cap]
        if not over:
            break
        top = max(w[u.expert_id] for u in over)  # one weight class at a time
        capped |= {u.expert_id for u in rest if w[u.expert_id] == top}
    return {u.expert_id: cap if u.expert_id in capped else c * w[u.expert_id] for u in units}


def design(units, n, cap):
    p = pis(units, n, cap)
    weights = {i: (v * M).numerator // (v * M).denominator for i, v in p.items()}
    deficit = n * M - sum(weights.values())
    for u in units:  # id order
        if deficit and (p[u.expert_id] * M).denominator != 1:
            weights[u.expert_id] += 1
            deficit -= 1
    return weights


def systematic(seed, phase, units, n, cap):
    weights = design(units, n, cap)
    u = Stream(seed, f"start:{phase}").below(M)
    points = [u + k * M for k in range(n)]
    chosen, acc = [], 0
    for unit in order(seed, f"order:{phase}", units):
        lo, acc = acc, acc + weights[unit.expert_id]
        if any(lo <= t < acc for t in points):
            chosen.append(unit)
    return chosen


def shuffle(seed, label, items):
    s = Stream(seed, label)
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = s.below(i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def auditor_draw(candidates, n, r, seed, cap):
    units = sorted(candidates, key=lambda c: c.expert_id)
    members = systematic(seed, "members", units, n, cap)
    chair = members[Stream(seed, "chair").below(n)]
    ordered = [chair.expert_id] + [m.expert_id for m in members if m is not chair]
    rest = [u for u in units if u not in members]
    reserves = shuffle(seed, "rank:reserves",
                       [u.expert_id for u in systematic(seed, "reserves", rest, r, cap)]) if r else []
    return ordered, reserves


@pytest.mark.parametrize("cap", [Fraction(1, 2), Fraction(3, 10), Fraction(1)])
@pytest.mark.parametrize(("size", "n", "r"), [(30, 5, 2), (12, 9, 3), (8, 3, 0), (200, 7, 2)])
def test_auditor_reimplementation_agrees(cap, size, n, r):
    cands = [Candidate(i, frozenset(), (i * 13) % 17) for i in range(1, size + 1)]
    policy = DrawPolicy(selection_cap=float(cap))
    for k in range(15):
        seed = f"audit-{size}-{k}"
        panel = draw_panel(cands, (), n, r, seed, policy)
        assert (list(panel.member_ids), list(panel.reserve_ids)) == auditor_draw(cands, n, r, seed, cap)
