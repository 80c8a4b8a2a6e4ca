"""Value objects of the expert-pool domain (framework-free, immutable).

* :class:`ExpertRecord` – everything recusal screening needs to know about one pool member.
* :class:`CaseContext` – the case side of screening (organizations, petitioners, prior panels,
  required specialties, meeting window).
* :class:`Candidate` – the only facts the random draw uses (id, specialties, recent load).
* :class:`Exclusion` – one screened-out expert with one reason code.
* :class:`DrawPolicy` – tunable parameters of screening and drawing.
* :class:`Panel` (alias :data:`DrawResult`) – the recorded outcome of a draw, self-contained
  so that :func:`expert_pool.draw.verify` can recompute it.

Collections passed as lists or sets are normalized to ``frozenset``/``tuple`` on construction,
so callers may write ``ExpertRecord(1, specialties=["civil_law"])``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Literal

from expert_pool.timeutil import ensure_aware

ExpertStatus = Literal["active", "suspended", "retired"]
Interval = tuple[datetime, datetime]


def _freeze(obj: object, name: str, kind: type = frozenset) -> None:
    value = getattr(obj, name)
    if not isinstance(value, kind):
        object.__setattr__(obj, name, kind(value) if value is not None else kind())


@dataclass(frozen=True, slots=True)
class ExpertRecord:
    """One pool member as seen by recusal screening.

    ``term_end`` is the last day of the expert's term (inclusive); ``None`` = open-ended.
    ``unavailability`` holds ``(start, end)`` half-open intervals; naive datetimes are read as
    Asia/Shanghai. ``recent_load`` is the number of consultations in the last 12 months and
    drives workload balancing in the draw. ``rating_avg`` is on a 0–100 scale.
    """

    id: int
    status: str = "active"
    term_end: date | None = None
    specialties: frozenset[str] = frozenset()
    employer_org_id: int | None = None
    open_consultations: int = 0
    max_open_consultations: int = 3
    conflict_org_ids: frozenset[int] = frozenset()
    conflict_person_names: frozenset[str] = frozenset()
    conflict_case_ids: frozenset[int] = frozenset()
    unavailability: tuple[Interval, ...] = ()
    recent_load: int = 0
    rating_avg: float | None = None
    rating_count: int = 0

    def __post_init__(self) -> None:
        # Inlined type checks: the web layer builds ~10,000 of these per draw.
        if type(self.specialties) is not frozenset:
            _freeze(self, "specialties")
        if type(self.conflict_org_ids) is not frozenset:
            _freeze(self, "conflict_org_ids")
        if type(self.conflict_person_names) is not frozenset:
            _freeze(self, "conflict_person_names")
        if type(self.conflict_case_ids) is not frozenset:
            _freeze(self, "conflict_case_ids")
        spans = self.unavailability
        if type(spans) is not tuple or (spans and any(
            s.tzinfo is None or e.tzinfo is None for s, e in spans
        )):
            object.__setattr__(
                self,
                "unavailability",
                tuple((ensure_aware(s), ensure_aware(e)) for s, e in spans or ()),
            )


@dataclass(frozen=True, slots=True)
class CaseContext:
    """The case side of recusal screening.

    ``org_parents`` maps an organization id to its parent id (``None`` for a root); it only
    needs to contain the chains above the case's organizations. ``meeting_start``/
    ``meeting_end`` is the planned meeting window; without it availability is not screened.
    A start without an end is treated as an instant.
    """

    case_id: int | None
    handling_org_id: int | None = None
    lead_org_id: int | None = None
    cooperating_org_ids: frozenset[int] = frozenset()
    org_parents: Mapping[int, int | None] = field(default_factory=dict)
    petitioner_names: frozenset[str] = frozenset()
    prior_expert_ids: frozenset[int] = frozenset()
    required_specialties: frozenset[str] = frozenset()
    meeting_start: datetime | None = None
    meeting_end: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("cooperating_org_ids", "petitioner_names", "prior_expert_ids",
                     "required_specialties"):
            _freeze(self, name)
        for name in ("meeting_start", "meeting_end"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, ensure_aware(value))
        if self.meeting_start is None and self.meeting_end is not None:
            raise ValueError("meeting_end given without meeting_start")
        if (self.meeting_start is not None and self.meeting_end is not None
                and self.meeting_end < self.meeting_start):
            raise ValueError("meeting_end before meeting_start")

    @property
    def org_ids(self) -> frozenset[int]:
        """Handling, lead and cooperating organizations (those that are set)."""
        ids = set(self.cooperating_org_ids)
        ids.update(i for i in (self.handling_org_id, self.lead_org_id) if i is not None)
        return frozenset(ids)

    def org_ids_with_ancestors(self) -> frozenset[int]:
        """The case organizations plus every ancestor reachable through ``org_parents``.

        Cycles in ``org_parents`` are tolerated (each organization is visited once).
        """
        seen: set[int] = set()
        parents = self.org_parents
        for org in self.org_ids:
            current: int | None = org
            while current is not None and current not in seen:
                seen.add(current)
                current = parents.get(current)
        return frozenset(seen)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible expert as the draw sees it. Ordered by ``expert_id``.

    A negative ``recent_load`` is stored as 0.
    """

    expert_id: int
    specialties: frozenset[str] = frozenset()
    recent_load: int = 0

    def __post_init__(self) -> None:
        _freeze(self, "specialties")
        if self.recent_load < 0:
            object.__setattr__(self, "recent_load", 0)

    def __lt__(self, other: Candidate) -> bool:
        if not isinstance(other, Candidate):
            return NotImplemented
        return self._key() < other._key()

    def _key(self) -> tuple[int, tuple[str, ...], int]:
        return (self.expert_id, tuple(sorted(self.specialties)), self.recent_load)

    def to_dict(self) -> dict[str, Any]:
        return {"expert_id": self.expert_id, "specialties": sorted(self.specialties),
                "recent_load": self.recent_load}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(int(data["expert_id"]), frozenset(data.get("specialties") or ()),
                   int(data.get("recent_load") or 0))


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An expert screened out of a draw, with one reason code (see ``codes.RECUSAL_REASONS``)."""

    expert_id: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"expert_id": self.expert_id, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class DrawPolicy:
    """Parameters of screening and drawing.

    * ``selection_cap`` – no expert's inclusion probability in one draw exceeds this (unless the
      pool is so small that ``panel_size / candidates`` is larger; then all are equal).
    * ``rating_floor`` / ``min_ratings`` – an expert rated at least ``min_ratings`` times whose
      average is below ``rating_floor`` is excluded with reason ``low_rating``.
    * ``reserves`` – default number of ranked reserves.
    """

    selection_cap: float = 0.5
    rating_floor: float = 60.0
    min_ratings: int = 3
    reserves: int = 2

    def __post_init__(self) -> None:
        if not 0 < self.selection_cap <= 1:
            raise ValueError("selection_cap must be in (0, 1]")
        if self.min_ratings < 0 or self.reserves < 0:
            raise ValueError("min_ratings and reserves must not be negative")

    @property
    def cap_fraction(self) -> Fraction:
        """The cap as an exact decimal fraction (``0.5`` → 1/2, ``0.3`` → 3/10)."""
        return Fraction(str(self.selection_cap))

    def to_dict(self) -> dict[str, Any]:
        return {"selection_cap": self.selection_cap, "rating_floor": self.rating_floor,
                "min_ratings": self.min_ratings, "reserves": self.reserves}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> DrawPolicy:
        if not data:
            return cls()
        return cls(**{k: data[k] for k in ("selection_cap", "rating_floor", "min_ratings",
                                           "reserves") if k in data})


@dataclass(frozen=True, slots=True)
class PanelMember:
    expert_id: int
    is_chair: bool = False

    @property
    def role(self) -> str:
        """``"chair"`` (组长) or ``"member"``."""
        return "chair" if self.is_chair else "member"


@dataclass(frozen=True, slots=True)
class ReserveSlot:
    expert_id: int
    rank: int


@dataclass(frozen=True, slots=True)
class Panel:
    """The recorded outcome of one draw.

    ``members`` lists the chair first, then the other members in draw order. ``reserves`` are
    ranked 1, 2, … . ``candidates`` is the snapshot the draw used (sorted by expert id) and,
    together with ``seed``, ``required_specialties``, ``panel_size``, ``reserve_count``,
    ``policy`` and ``algorithm``, is all :func:`expert_pool.draw.verify` needs.
    ``uncovered_specialties`` lists required specialties no panel of this size could cover;
    ``repaired`` tells whether the coverage repair changed the plain sample.
    """

    members: tuple[PanelMember, ...]
    reserves: tuple[ReserveSlot, ...]
    seed: str
    candidates: tuple[Candidate, ...]
    required_specialties: frozenset[str] = frozenset()
    panel_size: int = 0
    reserve_count: int = 0
    policy: DrawPolicy = DrawPolicy()
    algorithm: str = ""
    uncovered_specialties: frozenset[str] = frozenset()
    repaired: bool = False

    def __post_init__(self) -> None:
        _freeze(self, "required_specialties")
        _freeze(self, "uncovered_specialties")
        _freeze(self, "members", tuple)
        _freeze(self, "reserves", tuple)
        _freeze(self, "candidates", tuple)

    @property
    def chair_id(self) -> int | None:
        return next((m.expert_id for m in self.members if m.is_chair), None)

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(m.expert_id for m in self.members)

    @property
    def reserve_ids(self) -> tuple[int, ...]:
        return tuple(r.expert_id for r in self.reserves)

    @property
    def candidate_ids(self) -> tuple[int, ...]:
        return tuple(c.expert_id for c in self.candidates)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record; :meth:`from_dict` restores an equal :class:`Panel`."""
        return {
            "algorithm": self.algorithm,
            "seed": self.seed,
            "panel_size": self.panel_size,
            "reserve_count": self.reserve_count,
            "required_specialties": sorted(self.required_specialties),
            "policy": self.policy.to_dict(),
            "members": [{"expert_id": m.expert_id, "role": m.role} for m in self.members],
            "reserves": [{"expert_id": r.expert_id, "rank": r.rank} for r in self.reserves],
            "candidates": [c.to_dict() for c in self.candidates],
            "uncovered_specialties": sorted(self.uncovered_specialties),
            "repaired": self.repaired,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Panel:
        return cls(
            members=tuple(PanelMember(int(m["expert_id"]), m.get("role") == "chair")
                          for m in data["members"]),
            reserves=tuple(ReserveSlot(int(r["expert_id"]), int(r["rank"]))
                           for r in data["reserves"]),
            seed=str(data["seed"]),
            candidates=tuple(Candidate.from_dict(c) for c in data["candidates"]),
            required_specialties=frozenset(data.get("required_specialties") or ()),
            panel_size=int(data["panel_size"]),
            reserve_count=int(data.get("reserve_count", len(data["reserves"]))),
            policy=DrawPolicy.from_dict(data.get("policy")),
            algorithm=str(data.get("algorithm", "")),
            uncovered_specialties=frozenset(data.get("uncovered_specialties") or ()),
            repaired=bool(data.get("repaired", False)),
        )


DrawResult = Panel


@dataclass(frozen=True, slots=True)
class ReserveDraw:
    """Outcome of :func:`expert_pool.draw.draw_additional_reserves` (a separate, seeded draw).

    ``excluded_ids`` are the experts already on the panel or reserve list, which the draw
    skipped; ``first_rank`` is the rank given to the first new reserve.
    """

    reserves: tuple[ReserveSlot, ...]
    seed: str
    candidates: tuple[Candidate, ...]
    excluded_ids: frozenset[int]
    count: int
    first_rank: int
    policy: DrawPolicy = DrawPolicy()
    algorithm: str = ""

    @property
    def reserve_ids(self) -> tuple[int, ...]:
        return tuple(r.expert_id for r in self.reserves)


# Fast positional constructors used by screening (10,000 experts per call): they write the
# slots directly, skipping the frozen ``__init__`` (whose guarded ``object.__setattr__`` calls
# cost about twice as much) and ``__post_init__``. Callers pass already-normalized values.
_new = object.__new__
_set_candidate_id = Candidate.__dict__["expert_id"].__set__
_set_candidate_specialties = Candidate.__dict__["specialties"].__set__
_set_candidate_load = Candidate.__dict__["recent_load"].__set__
_set_exclusion_id = Exclusion.__dict__["expert_id"].__set__
_set_exclusion_reason = Exclusion.__dict__["reason"].__set__


def make_candidate(expert_id: int, specialties: frozenset[str], recent_load: int) -> Candidate:
    """``Candidate(expert_id, specialties, max(0, recent_load))`` without ``__init__`` cost."""
    obj = _new(Candidate)
    _set_candidate_id(obj, expert_id)
    _set_candidate_specialties(obj, specialties)
    _set_candidate_load(obj, max(0, recent_load))
    return obj


def make_exclusion(expert_id: int, reason: str) -> Exclusion:
    """``Exclusion(expert_id, reason)`` without ``__init__`` cost."""
    obj = _new(Exclusion)
    _set_exclusion_id(obj, expert_id)
    _set_exclusion_reason(obj, reason)
    return obj


def count_by_reason(exclusions: Iterable[Exclusion]) -> dict[str, int]:
    """``{reason: count}`` over exclusions, as the API's ``excluded_by_reason``."""
    counts: dict[str, int] = {}
    for ex in exclusions:
        counts[ex.reason] = counts.get(ex.reason, 0) + 1
    return counts



_set_record = [ExpertRecord.__dict__[name].__set__ for name in ExpertRecord.__slots__]  # type: ignore[attr-defined]


def make_record(id: int, status: str, term_end: date | None, specialties: frozenset[str], employer_org_id: int | None,
                open_consultations: int, max_open_consultations: int, conflict_org_ids: frozenset[int],
                conflict_person_names: frozenset[str], conflict_case_ids: frozenset[int],
                unavailability: tuple[Interval, ...], recent_load: int, rating_avg: float | None,
                rating_count: int) -> ExpertRecord:
    """``ExpertRecord(...)`` without the frozen ``__init__``/``__post_init__`` cost, for loading
    whole pools. Callers pass normalized values (frozensets, a tuple of aware intervals);
    the parameters are the fields in declaration order."""
    obj = _new(ExpertRecord)
    values = (id, status, term_end, specialties, employer_org_id, open_consultations, max_open_consultations,
              conflict_org_ids, conflict_person_names, conflict_case_ids, unavailability, recent_load, rating_avg,
              rating_count)
    for setter, value in zip(_set_record, values, strict=True):
        setter(obj, value)
    return obj
