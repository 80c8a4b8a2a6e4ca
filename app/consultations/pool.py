"""Snapshot of a staffing office's expert pool as framework-free ExpertRecords for screening.

A handful of set-based queries (no per-expert round trips) so a 10,000-expert pool loads in
milliseconds.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.cases.models import Case
from app.consultations.models import Consultation, ExpertRating, PanelMember
from app.db_types import utcnow
from app.experts.models import ConflictDeclaration, Expert, ExpertSpecialty, Unavailability
from app.extensions import db
from app.meetings.models import Meeting
from app.orgs.models import Organization
from expert_pool import regions
from expert_pool.model import CaseContext, ExpertRecord

ACTIVE_MEMBER = ("invited", "accepted")
FINISHED = ("closed", "withdrawn")


def pool_clause(tier: str, office: Organization):
    prefix = regions.jurisdiction_prefix(office.tier, office.region_code)
    clause = Expert.tier == tier
    return clause & Expert.region_code.startswith(prefix) if prefix else clause


def load_pool(tier: str, office: Organization, window: tuple[datetime, datetime] | None = None,
              exclude_consultation_id: int | None = None) -> list[ExpertRecord]:
    pool = pool_clause(tier, office)
    rows = db.session.execute(
        select(Expert.id, Expert.status, Expert.term_end, Expert.employer_organization_id, Expert.max_open_consultations)
        .where(pool).order_by(Expert.id)
    ).all()
    specialties: dict[int, set[str]] = defaultdict(set)
    for eid, code in db.session.execute(
        select(ExpertSpecialty.expert_id, ExpertSpecialty.specialty).join(Expert, Expert.id == ExpertSpecialty.expert_id).where(pool)
    ):
        specialties[eid].add(code)
    conflict_orgs: dict[int, set[int]] = defaultdict(set)
    conflict_people: dict[int, set[str]] = defaultdict(set)
    conflict_cases: dict[int, set[int]] = defaultdict(set)
    for eid, org_id, person, case_id in db.session.execute(
        select(ConflictDeclaration.expert_id, ConflictDeclaration.organization_id, ConflictDeclaration.person_name,
               ConflictDeclaration.case_id).join(Expert, Expert.id == ConflictDeclaration.expert_id).where(pool)
    ):
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
    open_counts = dict(db.session.execute(
        select(PanelMember.expert_id, func.count()).join(Consultation, Consultation.id == PanelMember.consultation_id)
        .where(PanelMember.status.in_(ACTIVE_MEMBER), Consultation.status.not_in(FINISHED))
        .group_by(PanelMember.expert_id)
    ).all())
    since = utcnow() - timedelta(days=365)
    recent = dict(db.session.execute(
        select(PanelMember.expert_id, func.count()).join(Consultation, Consultation.id == PanelMember.consultation_id)
        .where(PanelMember.status.in_(ACTIVE_MEMBER), Consultation.created_at >= since)
        .group_by(PanelMember.expert_id)
    ).all())
    ratings = {eid: (float(avg), n) for eid, avg, n in db.session.execute(
        select(ExpertRating.expert_id, func.avg(ExpertRating.score), func.count()).group_by(ExpertRating.expert_id)
    )}
    return [
        ExpertRecord(
            id=eid, status=status, term_end=term_end, specialties=frozenset(specialties.get(eid, ())),
            employer_org_id=employer, open_consultations=open_counts.get(eid, 0), max_open_consultations=max_open,
            conflict_org_ids=frozenset(conflict_orgs.get(eid, ())), conflict_person_names=frozenset(conflict_people.get(eid, ())),
            conflict_case_ids=frozenset(conflict_cases.get(eid, ())), unavailability=tuple(busy.get(eid, ())),
            recent_load=recent.get(eid, 0), rating_avg=ratings.get(eid, (None, 0))[0], rating_count=ratings.get(eid, (None, 0))[1],
        )
        for eid, status, term_end, employer, max_open in rows
    ]


def _meeting_busy(start: datetime, end: datetime, exclude_consultation_id: int | None):
    """(expert_id, start, end) of other scheduled meetings of experts who sit on them."""
    stmt = (
        select(PanelMember.expert_id, Meeting.start, Meeting.end)
        .join(Meeting, Meeting.consultation_id == PanelMember.consultation_id)
        .where(Meeting.status == "scheduled", Meeting.start < end, Meeting.end > start,
               PanelMember.status.in_(ACTIVE_MEMBER))
    )
    if exclude_consultation_id is not None:
        stmt = stmt.where(Meeting.consultation_id != exclude_consultation_id)
    return db.session.execute(stmt).all()


def case_context(consultation: Consultation, window: tuple[datetime, datetime] | None = None) -> CaseContext:
    case: Case = consultation.case
    parents = dict(db.session.execute(select(Organization.id, Organization.parent_id)).all())
    prior = db.session.execute(
        select(PanelMember.expert_id).join(Consultation, Consultation.id == PanelMember.consultation_id)
        .where(Consultation.case_id == case.id, Consultation.id != consultation.id, PanelMember.status.in_(ACTIVE_MEMBER))
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
