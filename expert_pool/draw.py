"""The random, reproducible panel draw (专家随机抽取).

The panel is a deterministic function of ``(seed, candidates sorted by expert id, required
specialties, panel size, reserve count, policy)``: :func:`verify` re-runs it from the record.
Nobody hand-picks; experts with fewer recent consultations are favoured, but nobody's chance
exceeds ``policy.selection_cap`` (except as the coverage repair below requires).

Algorithm ``pps-systematic-sha256/v1`` — enough detail to re-implement it independently
=====================================================================================

Notation: ``N`` candidates sorted by ``expert_id``; ``n`` panel size; ``r`` reserves;
``seed`` a string (normally 32 hex digits from :func:`new_seed`); ``M = 2**48``.

**Random streams.** A *stream* with label ``L`` is the byte string
``SHA256(f"{seed}|{L}|0") || SHA256(f"{seed}|{L}|1") || …`` (UTF-8, counter in decimal),
consumed front to back. ``below(k)``: if ``k == 1`` return 0 without consuming bytes; else
``b = (k-1).bit_length()``, take ``ceil(b/8)`` bytes as a big-endian integer, keep its low
``b`` bits, and return it if ``< k``, otherwise repeat (rejection sampling).
``weighted(items, weights)``: ``x = below(sum(weights))`` and return the first item whose
running weight sum exceeds ``x``. A *shuffle* is Fisher–Yates: for ``i = len-1 … 1`` swap
``i`` with ``below(i+1)``.

**Random order.** ``order(L)``: the ``i``-th unit in expert-id order gets as key the ``i``-th
8-byte big-endian word of stream ``L`` (bytes ``8i … 8i+7``); units are sorted by key, ties by
expert id — a uniformly random permutation.

**1. Inclusion probabilities** (:func:`inclusion_probabilities`). Weight
``w_i = 1/(1 + recent_load_i)`` (a negative load counts as 0); cap ``C`` = ``policy.selection_cap`` read as an exact
decimal fraction. If ``n/N >= C`` every unit gets ``π_i = n/N`` (the pool is too small for the
cap). Otherwise ``π_i = min(C, c·w_i)`` with ``c`` such that ``Σπ_i = n``: cap the
largest-weight units one weight class at a time, ``c = (n − C·#capped) / Σ_uncapped w``,
until no uncapped ``c·w_i`` exceeds ``C``. All of this is exact rational arithmetic. The
integer design weights are ``p_i = floor(π_i·M)``, plus 1 for each of the first
``n·M − Σ floor`` units (in expert-id order) whose ``π_i·M`` is not an integer, so
``Σp_i = n·M`` exactly and ``p_i ≤ M``. The realised inclusion probability of unit ``i`` is
exactly ``p_i / M`` (within ``1/M ≈ 3.6e-15`` of ``π_i``).

**2. Systematic (Madow) sample.** Walk the units in ``order("order:members")`` accumulating
``p_i``; with ``u = below(M)`` from stream ``start:members``, the unit whose cumulative
interval ``[P_before, P_before + p_i)`` contains ``u + k·M`` is drawn, for ``k = 0 … n-1``.
Because ``p_i ≤ M`` nobody is drawn twice; because the order is uniformly random and ``u``
uniform, ``P(i drawn) = p_i / M``. This is the *draw order* of the members.

**3. Coverage of required specialties.** ``T`` = required specialties held by at least one
candidate. If the members miss some of ``T``, with stream ``repair``:

a. *Greedy swaps.* Repeat: ``missing`` = uncovered part of ``T``; ``s`` = the missing
   specialty with the fewest holders among all candidates (ties by code); *incoming pool* =
   non-members holding ``s`` that cover the most missing specialties; *removable* = members
   (draw order) whose required specialties are all held by other members too. Stop if either
   is empty. Else ``incoming = weighted(pool by id, max(p_i, 1))``,
   ``outgoing = removable[below(len(removable))]``; the incoming expert takes the outgoing
   one's place in the draw order. Each swap covers at least one more specialty.
b. *Exact search*, if (a) stops with something missing (same ``repair`` stream, continued).
   Each unit's *mask* is its specialties within ``T``. Items are the distinct non-empty
   masks; cost 0 if some member has it, else 1. Items dominated by another item (subset mask, cost not higher) are
   dropped. A depth-first branch-and-bound, always branching on the lowest-coded uncovered
   specialty and trying items by (cost, −newly covered, mask), finds the cover with the
   fewest cost-1 items using at most ``n`` items (first found wins on ties). If none exists
   no panel of size ``n`` covers ``T``: the result of (a) stands and the rest is reported in
   ``uncovered_specialties``. Otherwise every cost-1 item is realised by
   ``weighted(non-members with that mask, max(p_i, 1))`` in search order; each cost-0 item
   is realised by the first member (draw order) with that mask; as many other members as
   there are newcomers are dropped, one at a time by ``below``; newcomers take the dropped
   members' places in the draw order.

So the members cover ``T`` whenever some panel of ``n`` candidates does; the repair (used
only then) changes inclusion probabilities — an expert who alone holds a required specialty
is necessarily drawn.

**4. Chair.** ``members[below(n)]`` from stream ``chair`` (draw order). The panel lists the
chair first, then the others in draw order.

**5. Reserves.** Over the candidates not on the panel, repeat steps 1–2 for size ``r`` with
labels ``order:reserves`` / ``start:reserves``, then rank the sample by a shuffle with stream
``rank:reserves`` (rank 1 is the first to be called). No coverage repair for reserves.

:func:`draw_additional_reserves` does step 5 over the candidates not yet on the panel or
reserve list, with a *new* seed and labels ``order:extra`` / ``start:extra`` / ``rank:extra``.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import struct
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import ceil

from expert_pool.errors import (
    InsufficientExperts,
    InvalidDrawRequest,
    UnknownDrawAlgorithm,
)
from expert_pool.model import (
    Candidate,
    DrawPolicy,
    Exclusion,
    Panel,
    PanelMember,
    ReserveDraw,
    ReserveSlot,
    count_by_reason,
)

__all__ = [
    "ALGORITHM",
    "SCALE",
    "Verification",
    "covers",
    "draw_additional_reserves",
    "draw_panel",
    "inclusion_probabilities",
    "new_seed",
    "replacement_for",
    "verify",
    "verify_additional_reserves",
]

ALGORITHM = "pps-systematic-sha256/v1"
SCALE_BITS = 48
SCALE = 1 << SCALE_BITS


# --------------------------------------------------------------------------- randomness


def new_seed() -> str:
    """A fresh unpredictable seed: 32 lowercase hex characters (128 bits from ``secrets``)."""
    return secrets.token_hex(16)


class _Stream:
    """Deterministic byte stream ``SHA256(seed|label|0) || SHA256(seed|label|1) || …``."""

    __slots__ = ("_buf", "_counter", "_prefix")

    def __init__(self, seed: str, label: str) -> None:
        self._prefix = f"{seed}|{label}|".encode()
        self._counter = 0
        self._buf = b""

    def _take(self, count: int) -> bytes:
        while len(self._buf) < count:
            block = hashlib.sha256(self._prefix + str(self._counter).encode()).digest()
            self._buf += block
            self._counter += 1
        out, self._buf = self._buf[:count], self._buf[count:]
        return out

    def below(self, k: int) -> int:
        """Uniform integer in ``[0, k)`` by rejection sampling."""
        if k <= 0:
            raise ValueError("below() needs a positive bound")
        if k == 1:
            return 0
        bits = (k - 1).bit_length()
        nbytes = (bits + 7) // 8
        mask = (1 << bits) - 1
        while True:
            x = int.from_bytes(self._take(nbytes), "big") & mask
            if x < k:
                return x

    def weighted(self, items: Sequence[Candidate], weights: Sequence[int]) -> Candidate:
        x = self.below(sum(weights))
        acc = 0
        for item, weight in zip(items, weights, strict=True):
            acc += weight
            if x < acc:
                return item
        raise AssertionError("unreachable")  # pragma: no cover

    def shuffle(self, items: list) -> list:
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


def _stream_bytes(seed: str, label: str, nbytes: int) -> bytes:
    """The first ``nbytes`` of the stream ``label`` (bulk form of :class:`_Stream`)."""
    prefix = f"{seed}|{label}|".encode()
    sha = hashlib.sha256
    blocks = [sha(b"%s%d" % (prefix, j)).digest() for j in range((nbytes + 31) // 32)]
    return b"".join(blocks)[:nbytes]


def _random_order(seed: str, label: str, count: int) -> list[int]:
    """A uniformly random permutation of ``range(count)`` (positions in expert-id order).

    Position ``i`` gets key = the ``i``-th 8-byte big-endian word of stream ``label``; positions
    are sorted by key, ties (probability ~2**-64 per pair) by position.
    """
    keys = struct.unpack(f">{count}Q", _stream_bytes(seed, label, 8 * count))
    return sorted(range(count), key=keys.__getitem__)


# --------------------------------------------------------------- inclusion probabilities


def _weight(load: int) -> Fraction:
    return Fraction(1, 1 + load)


def _pi_by_load(counts: Mapping[int, int], n: int, cap: Fraction) -> dict[int, Fraction]:
    """Exact capped-PPS inclusion probability per recent-load value (``counts``: load → units)."""
    return dict(_pi_by_load_cached(tuple(sorted(counts.items())), n, cap))


@lru_cache(maxsize=256)
def _pi_by_load_cached(classes: tuple[tuple[int, int], ...], n: int,
                       cap: Fraction) -> tuple[tuple[int, Fraction], ...]:
    counts = dict(classes)
    return tuple(_compute_pi_by_load(counts, n, cap).items())


def _compute_pi_by_load(counts: Mapping[int, int], n: int, cap: Fraction) -> dict[int, Fraction]:
    total = sum(counts.values())
    if n == 0:
        return dict.fromkeys(counts, Fraction(0))
    if Fraction(n, total) >= cap:
        return dict.fromkeys(counts, Fraction(n, total))
    classes = sorted(counts.items())  # by load ascending = weight descending
    capped = 0
    capped_units = 0
    while True:
        rest_weight = sum((cnt * _weight(load) for load, cnt in classes[capped:]), Fraction(0))
        c = (n - cap * capped_units) / rest_weight
        load0, cnt0 = classes[capped]
        if c * _weight(load0) > cap and capped + 1 < len(classes):
            capped += 1
            capped_units += cnt0
            continue
        break
    result = {load: cap for load, _ in classes[:capped]}
    result.update({load: min(cap, c * _weight(load)) for load, _ in classes[capped:]})
    return result


def _design_weights(units: Sequence[Candidate], n: int, policy: DrawPolicy) -> list[int]:
    """Integer design weights ``p_i`` aligned with ``units`` (``Σ = n·SCALE``, ``p_i ≤ SCALE``).

    ``units`` must be in expert-id order (the tie-break of the rounding).
    """
    if not units:
        return []
    loads = [c.recent_load for c in units]
    pis = _pi_by_load(Counter(loads), n, policy.cap_fraction)
    floors: dict[int, int] = {}
    fractional: dict[int, bool] = {}
    for load, pi in pis.items():
        scaled = pi * SCALE
        floors[load] = scaled.numerator // scaled.denominator
        fractional[load] = scaled.denominator != 1
    weights = [floors[load] for load in loads]
    # Σ remainders = deficit < number of units with a remainder, so this always completes.
    deficit = n * SCALE - sum(weights)
    i = 0
    while deficit:
        if fractional[loads[i]]:
            weights[i] += 1
            deficit -= 1
        i += 1
    return weights


def inclusion_probabilities(
    candidates: Iterable[Candidate], panel_size: int, policy: DrawPolicy | None = None
) -> dict[int, float]:
    """``{expert_id: P(drawn)}`` of the plain systematic sample (steps 1–2), exactly ``p_i/M``.

    These are the panel-membership probabilities whenever no coverage repair is needed (for
    instance with no required specialties). They sum to ``panel_size`` and none exceeds
    ``policy.selection_cap`` unless ``panel_size / len(candidates)`` does.
    """
    policy = policy or DrawPolicy()
    units = sorted(candidates, key=_by_id)
    if not 0 <= panel_size <= len(units):
        raise InvalidDrawRequest("抽取人数应在 0 与候选人数之间。", {"panel_size": panel_size})
    weights = _design_weights(units, panel_size, policy)
    return {c.expert_id: p / SCALE for c, p in zip(units, weights, strict=True)}


def _systematic(order: Sequence[int], weights: Sequence[int], n: int, start: int) -> list[int]:
    """Positions drawn by systematic sampling along ``order`` (see step 2)."""
    chosen: list[int] = []
    if n == 0:
        return chosen
    point = start
    acc = 0
    for i in order:
        acc += weights[i]
        if point < acc:
            chosen.append(i)
            if len(chosen) == n:
                break
            point += SCALE
    return chosen


def _sample(seed: str, phase: str, units: Sequence[Candidate], n: int,
            policy: DrawPolicy) -> tuple[list[Candidate], list[int]]:
    """Steps 1–2 over ``units`` (id order): the drawn units in draw order, and the weights."""
    weights = _design_weights(units, n, policy)
    order = _random_order(seed, f"order:{phase}", len(units))
    start = _Stream(seed, f"start:{phase}").below(SCALE)
    return [units[i] for i in _systematic(order, weights, n, start)], weights


# ------------------------------------------------------------------ specialty coverage


def _coverage_repair(
    seed: str, members: list[Candidate], units: Sequence[Candidate],
    required: frozenset[str], weight_list: Sequence[int],
) -> tuple[list[Candidate], frozenset[str], bool]:
    """Step 3 of the module docstring. Returns (members, uncovered required, changed)."""

    def covered_by(group: Iterable[Candidate]) -> set[str]:
        out: set[str] = set()
        for m in group:
            out |= m.specialties & required
        return out

    covered = covered_by(members)
    if covered >= required:
        return members, frozenset(), False
    held: dict[str, int] = {}
    for c in units:
        for s in c.specialties & required:
            held[s] = held.get(s, 0) + 1
    target = frozenset(held)
    if covered >= target:
        return members, required - target, False

    rng = _Stream(seed, "repair")
    weights = {c.expert_id: w for c, w in zip(units, weight_list, strict=True)}
    original = [m.expert_id for m in members]
    members = list(members)
    while True:
        missing = target - covered
        if not missing:
            break
        s = min(missing, key=lambda x: (held[x], x))
        ids = {m.expert_id for m in members}
        pool = [c for c in units if c.expert_id not in ids and s in c.specialties]
        if pool:
            best = max(len(c.specialties & missing) for c in pool)
            pool = [c for c in pool if len(c.specialties & missing) == best]
        removable = [
            m for i, m in enumerate(members)
            if (m.specialties & target) <= covered_by(members[:i] + members[i + 1:])
        ]
        if not pool or not removable:
            break
        incoming = rng.weighted(pool, [max(weights[c.expert_id], 1) for c in pool])
        outgoing = removable[rng.below(len(removable))]
        members[members.index(outgoing)] = incoming
        covered = covered_by(members)

    if covered < target:
        members = _exact_cover(rng, members, units, target, weights)
        covered = covered_by(members)
    changed = [m.expert_id for m in members] != original
    return members, required - frozenset(covered), changed


def _exact_cover(
    rng: _Stream, members: list[Candidate], units: Sequence[Candidate],
    target: frozenset[str], weights: Mapping[int, int],
) -> list[Candidate]:
    """Step 3b: minimum-replacement cover by branch and bound, or ``members`` unchanged."""
    codes = sorted(target)
    bit = {code: 1 << i for i, code in enumerate(codes)}
    full = (1 << len(codes)) - 1

    def mask_of(c: Candidate) -> int:
        m = 0
        for s in c.specialties:
            m |= bit.get(s, 0)
        return m

    n = len(members)
    member_ids = {m.expert_id for m in members}
    member_masks = {mask_of(m) for m in members} - {0}
    outside: dict[int, list[Candidate]] = {}
    for c in units:
        if c.expert_id not in member_ids:
            mk = mask_of(c)
            if mk:
                outside.setdefault(mk, []).append(c)
    items = dict.fromkeys(member_masks, 0)
    for mk in outside:
        items.setdefault(mk, 1)
    # Drop dominated items: q ⊆ p with cost(p) <= cost(q), p != q.
    kept = [
        (mk, cost) for mk, cost in items.items()
        if not any(o != mk and mk & ~o == 0 and oc <= cost for o, oc in items.items())
    ]
    max_bits = max(((mk).bit_count() for mk, _ in kept), default=0)
    if not max_bits:
        return members

    best: list[tuple[int, int]] | None = None
    best_cost = n + 1

    def search(covered: int, chosen: list[tuple[int, int]], cost: int) -> None:
        nonlocal best, best_cost
        if covered == full:
            if cost < best_cost:
                best, best_cost = list(chosen), cost
            return
        uncovered = full & ~covered
        if len(chosen) + ceil((uncovered).bit_count() / max_bits) > n:
            return
        low = uncovered & -uncovered
        options = sorted(
            ((mk, c) for mk, c in kept if mk & low),
            key=lambda it: (it[1], -(it[0] & uncovered).bit_count(), it[0]),
        )
        for mk, c in options:
            if cost + c >= best_cost:
                continue
            chosen.append((mk, c))
            search(covered | mk, chosen, cost + c)
            chosen.pop()
            if best_cost == 0:
                return

    search(0, [], 0)
    if best is None:
        return members

    realizers: set[int] = set()
    for mk, cost in best:
        if cost == 0:
            realizers.add(next(m.expert_id for m in members if mask_of(m) == mk))
    incoming: list[Candidate] = []
    for mk, cost in best:
        if cost == 1:
            pool = outside[mk]
            incoming.append(rng.weighted(pool, [max(weights[c.expert_id], 1) for c in pool]))
    droppable = [i for i, m in enumerate(members) if m.expert_id not in realizers]
    result = list(members)
    for newcomer in incoming:
        slot = droppable.pop(rng.below(len(droppable)))
        result[slot] = newcomer
    return result


def covers(members: Iterable[Candidate], required: Iterable[str]) -> frozenset[str]:
    """Required specialties *not* covered by ``members`` (empty = fully covered)."""
    missing = set(required)
    for m in members:
        missing -= m.specialties
    return frozenset(missing)


# ----------------------------------------------------------------------------- the draw


def _by_id(c: Candidate) -> int:
    return c.expert_id


def _prepare(candidates: Iterable[Candidate], seed: str) -> list[Candidate]:
    if not isinstance(seed, str) or not seed:
        raise InvalidDrawRequest("抽取种子不能为空。", {"seed": seed})
    units = sorted(candidates, key=_by_id)
    if len({c.expert_id for c in units}) != len(units):
        dup = next(a.expert_id for a, b in itertools.pairwise(units)
                   if a.expert_id == b.expert_id)
        raise InvalidDrawRequest("候选专家重复。", {"expert_id": dup})
    return units


def draw_panel(
    candidates: Iterable[Candidate],
    required_specialties: Iterable[str],
    panel_size: int,
    reserves: int | None,
    seed: str,
    policy: DrawPolicy | None = None,
    exclusions: Iterable[Exclusion] = (),
) -> Panel:
    """Draw a panel (chair + members) and ranked reserves; see the module docstring.

    ``reserves=None`` uses ``policy.reserves``. ``exclusions`` (from :func:`screen`) only feed
    the counts of :class:`InsufficientExperts`, raised when ``len(candidates) <
    panel_size + reserves``.
    """
    policy = policy or DrawPolicy()
    reserves = policy.reserves if reserves is None else reserves
    if panel_size < 1 or reserves < 0:
        raise InvalidDrawRequest("专家组人数至少 1 名，候补人数不能为负。",
                                 {"panel_size": panel_size, "reserves": reserves})
    units = _prepare(candidates, seed)
    required = frozenset(required_specialties)
    needed = panel_size + reserves
    if len(units) < needed:
        raise InsufficientExperts(len(units), needed, count_by_reason(exclusions))

    members, weights = _sample(seed, "members", units, panel_size, policy)
    members, uncovered, repaired = _coverage_repair(seed, members, units, required, weights)

    chair = members[_Stream(seed, "chair").below(panel_size)]
    ordered = [PanelMember(chair.expert_id, True)] + [
        PanelMember(m.expert_id) for m in members if m is not chair
    ]

    taken = {m.expert_id for m in members}
    rest = [c for c in units if c.expert_id not in taken]
    reserve_ids = _ranked_sample(seed, "reserves", rest, reserves, policy)
    return Panel(
        members=tuple(ordered),
        reserves=tuple(ReserveSlot(eid, i) for i, eid in enumerate(reserve_ids, start=1)),
        seed=seed,
        candidates=tuple(units),
        required_specialties=required,
        panel_size=panel_size,
        reserve_count=reserves,
        policy=policy,
        algorithm=ALGORITHM,
        uncovered_specialties=uncovered,
        repaired=repaired,
    )


def _ranked_sample(seed: str, phase: str, units: Sequence[Candidate], count: int,
                   policy: DrawPolicy) -> list[int]:
    if count == 0:
        return []
    chosen, _ = _sample(seed, phase, units, count, policy)
    return _Stream(seed, f"rank:{phase}").shuffle([c.expert_id for c in chosen])


def draw_additional_reserves(
    candidates: Iterable[Candidate],
    exclude: Panel | Iterable[int],
    count: int,
    seed: str,
    policy: DrawPolicy | None = None,
    first_rank: int | None = None,
    exclusions: Iterable[Exclusion] = (),
) -> ReserveDraw:
    """Draw ``count`` more ranked reserves when the reserve list has run out.

    ``candidates`` should be freshly screened; ``exclude`` is the current panel (its members
    and reserves are skipped) or explicit expert ids (add declined experts here). Use a new
    seed. Ranks start at ``first_rank`` (default: after the panel's reserves, else 1).
    """
    policy = policy or DrawPolicy()
    if count < 1:
        raise InvalidDrawRequest("追加候补人数至少 1 名。", {"count": count})
    if isinstance(exclude, Panel):
        excluded = frozenset(exclude.member_ids) | frozenset(exclude.reserve_ids)
        if first_rank is None:
            first_rank = max((r.rank for r in exclude.reserves), default=0) + 1
    else:
        excluded = frozenset(exclude)
    first_rank = 1 if first_rank is None else first_rank
    units = [c for c in _prepare(candidates, seed) if c.expert_id not in excluded]
    if len(units) < count:
        raise InsufficientExperts(len(units), count, count_by_reason(exclusions))
    ids = _ranked_sample(seed, "extra", units, count, policy)
    return ReserveDraw(
        reserves=tuple(ReserveSlot(eid, r) for r, eid in enumerate(ids, start=first_rank)),
        seed=seed,
        candidates=tuple(units),
        excluded_ids=excluded,
        count=count,
        first_rank=first_rank,
        policy=policy,
        algorithm=ALGORITHM,
    )


# ------------------------------------------------------------------------ verification


@dataclass(frozen=True, slots=True)
class Verification:
    """Outcome of :func:`verify`: ``reproducible`` and the recomputed draw."""

    reproducible: bool
    recomputed: Panel | ReserveDraw
    mismatches: tuple[str, ...] = ()


def verify(recorded: Panel, candidates: Iterable[Candidate] | None = None) -> Verification:
    """Recompute a recorded draw and compare members (with chair) and ranked reserves.

    ``candidates`` defaults to the snapshot in ``recorded``; pass the stored candidate list
    to check it against the record as well.
    """
    if recorded.algorithm != ALGORITHM:
        raise UnknownDrawAlgorithm(recorded.algorithm)
    units = recorded.candidates if candidates is None else tuple(candidates)
    again = draw_panel(units, recorded.required_specialties, recorded.panel_size,
                       recorded.reserve_count, recorded.seed, recorded.policy)
    mismatches = []
    if again.members != recorded.members:
        mismatches.append("members")
    if again.reserves != recorded.reserves:
        mismatches.append("reserves")
    if again.candidates != tuple(sorted(recorded.candidates, key=lambda c: c.expert_id)):
        mismatches.append("candidates")
    return Verification(not mismatches, again, tuple(mismatches))


def verify_additional_reserves(
    recorded: ReserveDraw, candidates: Iterable[Candidate] | None = None
) -> Verification:
    """Recompute a :func:`draw_additional_reserves` outcome."""
    if recorded.algorithm != ALGORITHM:
        raise UnknownDrawAlgorithm(recorded.algorithm)
    units = recorded.candidates if candidates is None else tuple(candidates)
    again = draw_additional_reserves(units, recorded.excluded_ids, recorded.count,
                                     recorded.seed, recorded.policy, recorded.first_rank)
    mismatches = ("reserves",) if again.reserves != recorded.reserves else ()
    return Verification(not mismatches, again, mismatches)


def replacement_for(
    declined_id: int,
    member_ids: Sequence[int],
    reserve_ids: Sequence[int],
    candidates: Mapping[int, Candidate],
    required_specialties: Iterable[str],
) -> int | None:
    """Which reserve should replace a member who declined (no randomness involved).

    The highest-ranked reserve (``reserve_ids`` in rank order) with whom the panel still
    covers every required specialty it covered before; if none keeps that coverage, the top
    reserve; ``None`` when there are no reserves. ``candidates`` maps ids to draw snapshots.
    """
    if not reserve_ids:
        return None
    required = frozenset(required_specialties)
    panel = [candidates[i] for i in member_ids if i in candidates]
    before = required - covers(panel, required)
    staying = [m for m in panel if m.expert_id != declined_id]
    for rid in reserve_ids:
        if rid in candidates and before <= required - covers([*staying, candidates[rid]],
                                                              required):
            return rid
    return reserve_ids[0]
