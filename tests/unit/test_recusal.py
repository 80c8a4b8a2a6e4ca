"""Recusal screening: each reason, the precedence order, and a property test against an
independent reference implementation."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert_pool.codes import RECUSAL_REASONS
from expert_pool.draw import draw_panel
from expert_pool.model import CaseContext, Candidate, DrawPolicy, Exclusion, ExpertRecord
from expert_pool.recusal import REASON_PRECEDENCE, normalize_name, screen
from expert_pool.timeutil import SHANGHAI

TODAY = date(2026, 11, 28)
MEETING = datetime(2026, 12, 8, 9, 30, tzinfo=SHANGHAI)

# Organizations: 1 province → 10 city → 100 district bureau (handling), 200 unrelated.
PARENTS = {1: None, 10: 1, 100: 10, 11: 1, 200: None}


def case(**kw) -> CaseContext:
    base = {"case_id": 7, "handling_org_id": 100, "lead_org_id": None, "cooperating_org_ids": {11},
                "org_parents": PARENTS, "petitioner_names": {"张三", "欧阳明"},
                "prior_expert_ids": {99}, "required_specialties": {"civil_law"},
                "meeting_start": MEETING, "meeting_end": MEETING + timedelta(hours=2)}
    base.update(kw)
    return CaseContext(**base)


def expert(eid: int = 1, **kw) -> ExpertRecord:
    base = {"status": "active", "term_end": date(2028, 12, 31), "specialties": {"civil_law"},
                "employer_org_id": 200, "open_consultations": 0, "max_open_consultations": 3}
    base.update(kw)
    return ExpertRecord(eid, **base)


def reason_of(e: ExpertRecord, c: CaseContext | None = None, **kw) -> str | None:
    candidates, exclusions = screen([e], c or case(), TODAY, **kw)
    if candidates:
        assert candidates == [Candidate(e.id, e.specialties, e.recent_load)]
        return None
    (ex,) = exclusions
    return ex.reason


def test_eligible_expert_becomes_candidate():
    assert reason_of(expert(recent_load=4)) is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"status": "suspended"}, "inactive"),
        ({"status": "retired"}, "inactive"),
        ({"term_end": date(2026, 11, 27)}, "term_expired"),
        ({"term_end": date(2026, 12, 7)}, "term_expired"),  # ends before the meeting day
        ({"employer_org_id": 100}, "same_employer"),  # the handling agency itself
        ({"employer_org_id": 10}, "same_employer"),  # its parent
        ({"employer_org_id": 1}, "same_employer"),  # its grandparent
        ({"employer_org_id": 11}, "same_employer"),  # a cooperating organization
        ({"conflict_org_ids": {100}}, "declared_conflict"),
        ({"conflict_org_ids": {10}}, "declared_conflict"),  # parent of a case organization
        ({"conflict_person_names": {"张三"}}, "declared_conflict"),
        ({"conflict_person_names": {" 张 三 "}}, "declared_conflict"),
        ({"conflict_person_names": {"欧阳\u3000明"}}, "declared_conflict"),
        ({"conflict_case_ids": {7}}, "declared_conflict"),
        ({"rating_avg": 59.9, "rating_count": 3}, "low_rating"),
        ({"open_consultations": 3}, "over_capacity"),
        ({"open_consultations": 5}, "over_capacity"),
        ({"unavailability": [(MEETING - timedelta(days=1), MEETING + timedelta(minutes=1))]},
         "unavailable"),
        ({"unavailability": [(datetime(2026, 12, 8, 11, 0), datetime(2026, 12, 8, 18, 0))]},
         "unavailable"),  # naive datetimes are Shanghai time
        ({"specialties": {"labor_law"}}, "specialty_mismatch"),
        ({"specialties": set()}, "specialty_mismatch"),
    ],
)
def test_each_reason(fields, reason):
    assert reason_of(expert(**fields)) == reason
    assert reason in RECUSAL_REASONS


@pytest.mark.parametrize(
    "fields",
    [
        {"term_end": date(2026, 12, 8)},  # term covers the meeting day
        {"term_end": None},
        {"employer_org_id": None},
        {"employer_org_id": 200},
        {"conflict_org_ids": {200}},
        {"conflict_person_names": {"张四"}},
        {"conflict_case_ids": {8}},
        {"rating_avg": 30.0, "rating_count": 2},  # too few ratings for the floor to apply
        {"rating_avg": 60.0, "rating_count": 10},  # exactly on the floor
        {"rating_avg": None, "rating_count": 0},
        {"open_consultations": 2},
        {"unavailability": [(MEETING - timedelta(hours=3), MEETING)]},  # ends as it starts
        {"unavailability": [(MEETING + timedelta(hours=2), MEETING + timedelta(hours=5))]},
        {"specialties": {"civil_law", "labor_law"}},
    ],
)
def test_not_excluded(fields):
    assert reason_of(expert(**fields)) is None


def test_child_of_case_org_is_not_same_employer():
    # The rule covers case organizations and their ancestors, not their subordinates.
    c = case(org_parents={**PARENTS, 300: 100})
    assert reason_of(expert(employer_org_id=300), c) is None


def test_prior_involvement():
    assert reason_of(expert(99)) == "prior_involvement"


def test_no_meeting_window_means_no_availability_screen():
    e = expert(unavailability=[(MEETING, MEETING + timedelta(hours=1))])
    assert reason_of(e, case(meeting_start=None, meeting_end=None)) is None


def test_instant_meeting_start():
    e = expert(unavailability=[(MEETING, MEETING + timedelta(hours=1))])
    assert reason_of(e, case(meeting_end=None)) == "unavailable"
    e2 = expert(unavailability=[(MEETING - timedelta(hours=1), MEETING)])
    assert reason_of(e2, case(meeting_end=None)) is None


def test_no_required_specialties_means_no_mismatch():
    assert reason_of(expert(specialties=set()), case(required_specialties=set())) is None


def test_policy_rating_floor():
    e = expert(rating_avg=70.0, rating_count=5)
    assert reason_of(e, policy=DrawPolicy(rating_floor=75)) == "low_rating"
    assert reason_of(e, policy=DrawPolicy(rating_floor=75, min_ratings=6)) is None


def test_precedence_one_reason_in_documented_order():
    # An expert failing every rule is reported with the first reason; dropping that failure
    # reveals the next one, in REASON_PRECEDENCE order.
    failures = {
        "inactive": {"status": "retired"},
        "term_expired": {"term_end": date(2020, 1, 1)},
        "specialty_mismatch": {"specialties": {"psychology"}},
        "same_employer": {"employer_org_id": 100},
        "declared_conflict": {"conflict_case_ids": {7}},
        "prior_involvement": {},  # expert id 99
        "low_rating": {"rating_avg": 10.0, "rating_count": 9},
        "over_capacity": {"open_consultations": 3},
        "unavailable": {"unavailability": [(MEETING, MEETING + timedelta(hours=1))]},
    }
    assert list(failures) == list(REASON_PRECEDENCE)
    for i, reason in enumerate(REASON_PRECEDENCE):
        fields = {}
        for later in REASON_PRECEDENCE[i:]:
            fields.update(failures[later])
        eid = 99 if i <= REASON_PRECEDENCE.index("prior_involvement") else 5
        assert reason_of(expert(eid, **fields)) == reason


def test_outputs_sorted_and_partition():
    experts = [expert(i, status="active" if i % 3 else "retired") for i in (5, 3, 9, 1, 6)]
    candidates, exclusions = screen(experts, case(), TODAY)
    assert [c.expert_id for c in candidates] == [1, 5]
    assert exclusions == [Exclusion(3, "inactive"), Exclusion(6, "inactive"),
                          Exclusion(9, "inactive")]


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError):
        screen([expert(1), expert(1)], case(), TODAY)


def test_org_parent_cycle_is_tolerated():
    c = case(org_parents={100: 10, 10: 100})
    assert c.org_ids_with_ancestors() == {100, 10, 11}


def test_normalize_name():
    assert normalize_name(" 张　三 ") == "张三"
    assert normalize_name("阿依古丽•买买提") == normalize_name("阿依古丽·买买提")
    assert normalize_name("ＬＩ Ｍｉｎｇ") == "liming"


def test_screen_is_fast_on_10000_experts():
    experts = []
    for i in range(10_000):
        kw = {}
        if i % 5 == 0:  # 2,000 conflict declarations
            kw = [{"conflict_org_ids": {i % 300 + 1000}},
                  {"conflict_person_names": {f"李{i % 97}"}},
                  {"conflict_case_ids": {i % 50}}][i % 3]
        experts.append(expert(i, employer_org_id=i % 400 + 500, open_consultations=i % 4,
                              specialties={("civil_law", "labor_law", "psychology")[i % 3]},
                              recent_load=i % 9, rating_avg=50 + i % 50, rating_count=i % 6,
                              **kw))
    c = case(handling_org_id=1100, cooperating_org_ids={520}, petitioner_names={"李5"},
             required_specialties={"civil_law", "labor_law"})
    screen(experts, c, TODAY)  # warm-up
    started = time.perf_counter()
    candidates, exclusions = screen(experts, c, TODAY)
    elapsed = time.perf_counter() - started
    assert len(candidates) + len(exclusions) == 10_000
    assert candidates and {x.reason for x in exclusions} >= {
        "declared_conflict", "same_employer", "over_capacity", "specialty_mismatch"}
    # Typically 10–25 ms on a slow 2-core VM; the bound only catches accidental O(n²).
    assert elapsed < 0.5


# ------------------------------------------------------------------ property-based test

NAMES = ["张三", "李四", "王五", "欧阳明"]
SPECS = ["civil_law", "labor_law", "psychology", "criminal_law"]
ORGS = [1, 2, 3, 4, 5, 6, 7, 8]
BASE = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


# Spellings a declaration may use for the same person: spaces, full-width spaces.
NAME_VARIANTS = [v for n in NAMES for v in (n, f" {n} ", "\u3000".join(n))]


UNAVAILABILITY = st.tuples(st.integers(0, 60), st.integers(1, 8)).map(
    lambda t: (BASE + timedelta(hours=t[0]), BASE + timedelta(hours=t[0] + t[1])))
MAYBE_ORG = st.one_of(st.none(), st.sampled_from(ORGS))
# Built once: constructing strategies inside @composite per example is slow.
EXPERT_FIELDS = st.fixed_dictionaries({
    "status": st.sampled_from(["active"] * 6 + ["suspended", "retired"]),
    "term_end": st.one_of(st.none(), st.dates(date(2026, 11, 1), date(2027, 6, 1))),
    "specialties": st.frozensets(st.sampled_from(SPECS), max_size=3),
    "employer_org_id": MAYBE_ORG,
    "open_consultations": st.integers(0, 4),
    "max_open_consultations": st.integers(1, 4),
    "conflict_org_ids": st.frozensets(st.sampled_from(ORGS), max_size=2),
    "conflict_person_names": st.frozensets(st.sampled_from(NAME_VARIANTS), max_size=2),
    "conflict_case_ids": st.frozensets(st.integers(1, 4), max_size=2),
    "unavailability": st.lists(UNAVAILABILITY, max_size=2).map(tuple),
    "recent_load": st.integers(0, 12),
    "rating_avg": st.one_of(st.none(), st.integers(0, 100).map(float)),
    "rating_count": st.integers(0, 6),
})
CASE_FIELDS = st.fixed_dictionaries({
    "case_id": st.integers(1, 4),
    "handling_org_id": st.sampled_from(ORGS),
    "lead_org_id": MAYBE_ORG,
    "cooperating_org_ids": st.frozensets(st.sampled_from(ORGS), max_size=2),
    "org_parents": st.fixed_dictionaries(dict.fromkeys(ORGS, MAYBE_ORG)),
    "petitioner_names": st.frozensets(st.sampled_from(NAMES), max_size=2),
    "required_specialties": st.frozensets(st.sampled_from(SPECS), max_size=2),
})
WINDOW = st.one_of(st.none(), st.tuples(st.integers(0, 60), st.integers(1, 4)))
POLICY = st.builds(DrawPolicy, rating_floor=st.sampled_from([0.0, 50.0, 60.0, 80.0]),
                   min_ratings=st.integers(0, 4))


@st.composite
def scenarios(draw):
    rows = draw(st.lists(EXPERT_FIELDS, min_size=1, max_size=15))
    experts = [ExpertRecord(eid, **row) for eid, row in enumerate(rows, start=1)]
    fields = draw(CASE_FIELDS)
    window = draw(WINDOW)
    if window is not None:
        fields["meeting_start"] = BASE + timedelta(hours=window[0])
        fields["meeting_end"] = fields["meeting_start"] + timedelta(hours=window[1])
    prior = draw(st.frozensets(st.integers(1, len(experts)), max_size=3))
    return experts, CaseContext(prior_expert_ids=prior, **fields), draw(POLICY)


def reference_reasons(e: ExpertRecord, c: CaseContext, policy: DrawPolicy) -> list[str]:
    """Every applicable reason, computed naively and independently of the module."""
    def ancestors(org):
        seen = []
        while org is not None and org not in seen:
            seen.append(org)
            org = c.org_parents.get(org)
        return seen

    case_orgs = {o for o in (c.handling_org_id, c.lead_org_id, *c.cooperating_org_ids)
                 if o is not None}
    with_ancestors = {a for o in case_orgs for a in ancestors(o)}
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    petitioners = {squeeze(p) for p in c.petitioner_names}
    term_ref = TODAY if c.meeting_start is None else max(TODAY, c.meeting_start.date())
    out = []
    if e.status != "active":
        out.append("inactive")
    if e.term_end is not None and e.term_end < term_ref:
        out.append("term_expired")
    if c.required_specialties and not (e.specialties & c.required_specialties):
        out.append("specialty_mismatch")
    if e.employer_org_id in with_ancestors:
        out.append("same_employer")
    if (e.conflict_org_ids & with_ancestors or c.case_id in e.conflict_case_ids
            or {squeeze(n) for n in e.conflict_person_names} & petitioners):
        out.append("declared_conflict")
    if e.id in c.prior_expert_ids:
        out.append("prior_involvement")
    if (e.rating_avg is not None and e.rating_count >= policy.min_ratings
            and e.rating_avg < policy.rating_floor):
        out.append("low_rating")
    if e.open_consultations >= e.max_open_consultations:
        out.append("over_capacity")
    if c.meeting_start is not None and any(
            s < c.meeting_end and c.meeting_start < t for s, t in e.unavailability):
        out.append("unavailable")
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.text("0123456789abcdef", min_size=8, max_size=8))
def test_screen_matches_reference_and_nobody_ineligible_is_drawn(scenario, seed):
    experts, c, policy = scenario
    candidates, exclusions = screen(experts, c, TODAY, policy)
    by_id = {e.id: e for e in experts}
    excluded = {x.expert_id: x.reason for x in exclusions}
    assert len(candidates) + len(exclusions) == len(experts)
    for e in experts:
        reasons = reference_reasons(e, c, policy)
        if reasons:
            assert excluded.get(e.id) == reasons[0], (e, reasons)
        else:
            assert e.id not in excluded
    # Whatever the draw does, only screened candidates can sit on the panel or the reserves.
    if len(candidates) >= 2:
        panel = draw_panel(candidates, c.required_specialties, 1, 1, seed, policy)
        for eid in panel.member_ids + panel.reserve_ids:
            assert not reference_reasons(by_id[eid], c, policy)
