"""Snapshot of a staffing office's expert pool as framework-free ExpertRecords for screening.

A handful of set-based queries (no per-expert round trips) so a 10,000-expert pool loads in
milliseconds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, and_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY

from app import clock
from app.cases.models import Case
from app.consultations.models import Consultation, ExpertRating, PanelMember
from app.experts.models import ConflictDeclaration, Expert, ExpertSpecialty, Unavailability
from app.extensions import db
from app.meetings.models import Meeting
from app.orgs.models import Organization
from expert_pool import regions
from expert_pool.model import Candidate, CaseContext, DrawPolicy, Exclusion, ExpertRecord, make_exclusion, make_record
from expert_pool.recusal import screen
from expert_pool.timeutil import SHANGHAI

FINISHED = ("closed", "withdrawn")


def pool_clause(tier: str, office: Organization):
    prefix = regions.jurisdiction_prefix(office.tier, office.region_code)
    clause = Expert.tier == tier
    return clause & Expert.region_code.startswith(prefix) if prefix else clause


def screen_pool(c: Consultation, window: tuple[datetime, datetime] | None, today: date,
                policy: DrawPolicy) -> tuple[list[Candidate], list[Exclusion]]:
    """Screen the staffing office's pool for consultation ``c``: (candidates, exclusions).

    Status, term and specialty fit (the first three reasons of REASON_PRECEDENCE) are decided
    from two light queries over the pool; declarations, workload, ratings and availability are
    loaded only for the experts who pass them, then ``expert_pool.recusal.screen`` decides.
    A candidate's recorded specialties are its *required* ones: all the draw looks at."""
    required = list(c.required_specialties or ())
    term_ref = max(today, window[0].astimezone(SHANGHAI).date()) if window else today
    pool = pool_clause(c.tier, c.office)
    conn = db.session.connection()
    pre: list[Exclusion] = []
    field: list[tuple] = []
    # Status and term are compared in SQL: no per-row date conversion for the whole pool. The
    # experts who pass carry term_end None onwards (their term covers the meeting).
    expired = and_(Expert.term_end.is_not(None), Expert.term_end < term_ref)
    rows = conn.execute(
        select(Expert.id, Expert.status == "active", expired, Expert.employer_organization_id, Expert.max_open_consultations)
        .where(pool).order_by(Expert.id)
    ).all()
    # Holders of the required specialties straight from the specialty index, kept if in the pool
    # (cheaper than joining every pool member to its specialties).
    in_pool = {row[0] for row in rows}
    held: dict[int, set[str]] = defaultdict(set)
    for eid, code in conn.execute(
        select(ExpertSpecialty.expert_id, ExpertSpecialty.specialty).where(ExpertSpecialty.specialty.in_(required))
    ).all():
        if eid in in_pool:
            held[eid].add(code)
    for eid, active, is_expired, employer, max_open in rows:
        if not active:
            pre.append(make_exclusion(eid, "inactive"))
        elif is_expired:
            pre.append(make_exclusion(eid, "term_expired"))
        elif required and eid not in held:
            pre.append(make_exclusion(eid, "specialty_mismatch"))
        else:
            field.append((eid, "active", None, employer, max_open))
    records = load_records(field, held, window, exclude_consultation_id=c.id)
    candidates, exclusions = screen(records, case_context(c, window), today, policy)
    return candidates, sorted(pre + exclusions, key=lambda e: e.expert_id)


def load_records(rows: list[tuple], specialties: dict[int, set[str]], window: tuple[datetime, datetime] | None = None,
                 exclude_consultation_id: int | None = None) -> list[ExpertRecord]:
    """Screening records for the experts in ``rows`` (id, status, term_end, employer org,
    max open consultations) with the given ``specialties``: declarations, workload, ratings
    and availability come from a fixed number of set-based queries."""
    if not rows:
        return []
    conn = db.session.connection()
    ids_query = _ids_table(conn.dialect.name, [row[0] for row in rows])
    conflict_orgs: dict[int, set[int]] = defaultdict(set)
    conflict_people: dict[int, set[str]] = defaultdict(set)
    conflict_cases: dict[int, set[int]] = defaultdict(set)
    for eid, org_id, person, case_id in conn.execute(
        select(ConflictDeclaration.expert_id, ConflictDeclaration.organization_id, ConflictDeclaration.person_name,
               ConflictDeclaration.case_id).where(ConflictDeclaration.expert_id.in_(ids_query))
    ).all():
        if org_id:
            conflict_orgs[eid].add(org_id)
        if person:
            conflict_people[eid].add(person)
        if case_id:
            conflict_cases[eid].add(case_id)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    if window is not None:
        start, end = window
        for eid, s, e in db.session.execute(
            select(Unavailability.expert_id, Unavailability.start, Unavailability.end)
            .where(Unavailability.start < end, Unavailability.end > start)
        ):
            busy[eid].append((s, e))
        for eid, s, e in _meeting_busy(start, end, exclude_consultation_id):
            busy[eid].append((s, e))
    member_of = (select(PanelMember.expert_id, func.count()).join(Consultation, Consultation.id == PanelMember.consultation_id)
                 .where(PanelMember.is_seated, PanelMember.expert_id.in_(ids_query)))
    open_counts = dict(conn.execute(member_of.where(Consultation.status.not_in(FINISHED)).group_by(PanelMember.expert_id)).all())
    since = clock.now() - timedelta(days=365)
    recent = dict(conn.execute(member_of.where(Consultation.created_at >= since).group_by(PanelMember.expert_id)).all())
    ratings = {eid: (float(avg), n) for eid, avg, n in conn.execute(
        select(ExpertRating.expert_id, func.avg(ExpertRating.score), func.count())
        .where(ExpertRating.expert_id.in_(ids_query)).group_by(ExpertRating.expert_id)
    )}
    no_rating = (None, 0)
    empty: frozenset = frozenset()

    def frozen(groups: dict, eid: int) -> frozenset:
        found = groups.get(eid)
        return frozenset(found) if found else empty

    return [
        make_record(eid, status, term_end, frozen(specialties, eid), employer, open_counts.get(eid, 0), max_open,
                    frozen(conflict_orgs, eid), frozen(conflict_people, eid), frozen(conflict_cases, eid),
                    tuple(busy.get(eid, ())), recent.get(eid, 0), *ratings.get(eid, no_rating))
        for eid, status, term_end, employer, max_open in rows
    ]


def _ids_table(dialect: str, ids: list[int]):
    """A SELECT of the given ids bound as ONE parameter (a JSON array on SQLite, an array on
    PostgreSQL): thousands of ids without thousands of placeholders to render per query."""
    if dialect == "postgresql":
        return select(func.unnest(bindparam("ids", ids, type_=ARRAY(Integer))))
    return select(literal_column("value")).select_from(func.json_each(bindparam("ids", json.dumps(ids))))


def _meeting_busy(start: datetime, end: datetime, exclude_consultation_id: int | None):
    """(expert_id, start, end) of other scheduled meetings of experts who sit on them."""
    stmt = (
        select(PanelMember.expert_id, Meeting.start, Meeting.end)
        .join(Meeting, Meeting.consultation_id == PanelMember.consultation_id)
        .where(Meeting.status == "scheduled", Meeting.start < end, Meeting.end > start,
               PanelMember.is_seated)
    )
    if exclude_consultation_id is not None:
        stmt = stmt.where(Meeting.consultation_id != exclude_consultation_id)
    return db.session.execute(stmt).all()


def case_context(consultation: Consultation, window: tuple[datetime, datetime] | None = None) -> CaseContext:
    case: Case = consultation.case
    parents = dict(db.session.execute(select(Organization.id, Organization.parent_id)).all())
    prior = db.session.execute(
        select(PanelMember.expert_id).join(Consultation, Consultation.id == PanelMember.consultation_id)
        .where(Consultation.case_id == case.id, Consultation.id != consultation.id, PanelMember.is_seated)
    ).scalars().all()
    return CaseContext(
        case_id=case.id,
        handling_org_id=case.handling_org_id,
        lead_org_id=case.lead_org_id,
        cooperating_org_ids=frozenset(o.id for o in case.cooperating_orgs),
        org_parents=parents,
        petitioner_names=frozenset(p.name for p in case.petitioners),
        prior_expert_ids=frozenset(prior),
        required_specialties=frozenset(consultation.required_specialties or ()),
        meeting_start=window[0] if window else None,
        meeting_end=window[1] if window else None,
    )
