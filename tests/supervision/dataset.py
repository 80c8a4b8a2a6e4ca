"""A seeded supervision dataset, bulk-inserted (for the figure tests and bench/dashboard.py):
cases across 南京 (two agencies), 苏州 and 杭州 with every status, backlog flag, category and a
spread of due dates; consultations in every stage with panels; issued opinions (one superseded
by a correction) with feedback; escalations; ratings; open supervision notices.

``seed(n_cases, n_consultations, rng_seed)`` returns the organisation ids it made."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import insert, select

from app.cases.models import Case
from app.consultations.models import Consultation, Escalation, ExpertRating, PanelMember
from app.experts.models import Expert
from app.extensions import db
from app.opinions.models import Opinion, OpinionFeedback
from app.orgs.models import Organization
from app.supervision.models import SupervisionNotice

CATS = ("land_expropriation", "housing", "labor_social_security", "urban_construction", "environment")
CASE_STATUS = ("registered", "consulting", "opinion_issued", "closed")
CONS_STATUS = ("submitted", "returned", "accepted", "panel_drawn", "scheduled", "deliberated", "opinion_issued", "closed",
               "withdrawn")
REGIONS = ("320102", "320104", "320105", "320506", "320508", "330106")  # 南京 ×3, 苏州 ×2, 杭州


def _org(name, kind, tier, region, parent=None) -> int:
    org = Organization(name=name, kind=kind, tier=tier, region_code=region, parent_id=parent)
    db.session.add(org)
    db.session.flush()
    return org.id


def orgs() -> SimpleNamespace:
    found = {o.name: o.id for o in db.session.execute(select(Organization)).scalars()}

    def get(name, *args):
        return found.get(name) or _org(name, *args)

    o = SimpleNamespace()
    o.national = get("国家信访局", "petition_office", "national", "000000")
    o.js = get("江苏省信访局", "petition_office", "provincial", "320000", o.national)
    o.zj = get("浙江省信访局", "petition_office", "provincial", "330000", o.national)
    o.nj = get("南京市信访局", "petition_office", "municipal", "320100", o.js)
    o.sz = get("苏州市信访局", "petition_office", "municipal", "320500", o.js)
    o.hz = get("杭州市信访局", "petition_office", "municipal", "330100", o.zj)
    o.agency = get("南京市住房保障和房产局", "handling_agency", "municipal", "320100")
    o.agency_b = get("南京市人力资源和社会保障局", "handling_agency", "municipal", "320100")
    o.sz_agency = get("苏州市住房和城乡建设局", "handling_agency", "municipal", "320500")
    o.hz_agency = get("杭州市住房保障和房产管理局", "handling_agency", "municipal", "330100")
    return o


def _agency(o, region: str, rng) -> int:
    if region.startswith("3201"):
        return rng.choice((o.agency, o.agency_b))
    return o.sz_agency if region.startswith("3205") else o.hz_agency


def _office(o, region: str) -> int:
    return o.nj if region.startswith("3201") else (o.sz if region.startswith("3205") else o.hz)


def _utc(d: date, hour: int = 2) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def seed(n_cases: int = 300, n_consultations: int = 120, rng_seed: int = 7, today: date = date(2026, 9, 29),
         batch: int = 5000) -> SimpleNamespace:
    rng = random.Random(rng_seed)
    o = orgs()
    experts = []
    for i in range(12):
        e = Expert(name=f"统计专家{i}", tier="municipal", region_code=rng.choice(("320100", "320500", "330100")),
                   employer="某大学法学院", title="教授", phone=f"137{i:08d}", email=f"s{i}@example.cn", status="active",
                   term_end=date(2028, 12, 31), max_open_consultations=9)
        e.specialties = ["administrative_law"]
        db.session.add(e)
        experts.append(e)
    db.session.flush()
    expert_ids = [e.id for e in experts]
    first = db.session.execute(select(Case.id).order_by(Case.id.desc()).limit(1)).scalar() or 0
    rows = []
    for i in range(n_cases):
        region = rng.choice(REGIONS)
        created = today - timedelta(days=rng.randint(0, 200))
        accepted = created + timedelta(days=rng.randint(0, 20)) if rng.random() < 0.8 else None
        if accepted and accepted > today:
            accepted = None
        extension = rng.choice((0, 0, 0, 10, 30)) if accepted else 0
        due = accepted + timedelta(days=60 + extension) if accepted else None
        rows.append({"case_number": f"B{region}-{first + i:07d}", "title": f"统计事项{first + i}", "summary": "摘要",
                     "claims": "诉求", "category": rng.choice(CATS), "region_code": region,
                     "handling_org_id": _agency(o, region, rng), "repeat_letters": 0, "repeat_visits": 0,
                     "repeat_online": 0, "cross_flags": [], "responsible_leader": "张某",
                     "is_backlog": rng.random() < 0.6, "status": rng.choice(CASE_STATUS), "accepted_on": accepted,
                     "due_date": due, "extension_days": extension, "created_at": _utc(created), "updated_at": _utc(created), "version": 1})
        if len(rows) >= batch:
            db.session.execute(insert(Case.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Case.__table__), rows)
    cases = db.session.execute(select(Case.id, Case.region_code, Case.created_at, Case.handling_org_id)
                               .where(Case.id > first).order_by(Case.id)).all()
    first_cons = db.session.execute(select(Consultation.id).order_by(Consultation.id.desc()).limit(1)).scalar() or 0
    crow = []
    for _ in range(n_consultations):
        cid, region, created, agency = rng.choice(cases)
        start = created.date() + timedelta(days=rng.randint(0, 10)) if created.tzinfo else created.date()
        start = min(start, today)
        crow.append({"case_id": cid, "questions": "问题", "required_specialties": [], "panel_size": 3, "urgency": "normal",
                     "status": rng.choice(CONS_STATUS), "tier": "municipal", "office_id": _office(o, region),
                     "requesting_org_id": agency, "escalated": False, "created_at": _utc(start, rng.randint(0, 12)),
                     "updated_at": _utc(start), "version": 1})
        if len(crow) >= batch:
            db.session.execute(insert(Consultation.__table__), crow)
            crow = []
    if crow:
        db.session.execute(insert(Consultation.__table__), crow)
    cons = db.session.execute(select(Consultation.id, Consultation.case_id, Consultation.status, Consultation.created_at,
                                     Consultation.office_id).where(Consultation.id > first_cons)
                              .order_by(Consultation.id)).all()
    members, opinions, escalations, ratings = [], [], [], []
    for con_id, case_id, status, created, office in cons:
        for j, e in enumerate(rng.sample(expert_ids, 3)):
            members.append({"consultation_id": con_id, "expert_id": e, "role": "chair" if j == 0 else "member",
                            "status": rng.choice(("invited", "accepted", "accepted", "declined"))})
            if status in ("opinion_issued", "closed") and rng.random() < 0.5:
                ratings.append({"consultation_id": con_id, "expert_id": e, "score": rng.randint(55, 100), "comment": ""})
        if rng.random() < 0.15:
            escalations.append({"consultation_id": con_id, "from_office_id": office, "to_office_id": o.js,
                                "from_tier": "municipal", "to_tier": rng.choice(("provincial", "provincial", "national")),
                                "reason": "跨地区", "created_at": created})
        if status in ("opinion_issued", "closed"):
            issued = created + timedelta(days=rng.randint(5, 60), hours=rng.randint(0, 20))
            opinions.append({"consultation_id": con_id, "case_id": case_id, "status": "issued", "version": 1,
                             "title": f"关于统计事项{case_id}的法律审查意见书", "addressee": "", "basic_facts": "", "claims": "",
                             "consultation_summary": "", "findings": "", "analysis": "", "recommendations": [],
                             "legal_basis": [], "dissent": "", "cc": "", "number": f"〔2026〕统{con_id}号",
                             "issued_at": issued, "issuing_office_id": office, "created_at": created,
                             "updated_at": issued})
    if members:
        db.session.execute(insert(PanelMember.__table__), members)
    if ratings:
        db.session.execute(insert(ExpertRating.__table__), ratings)
    if escalations:
        db.session.execute(insert(Escalation.__table__), escalations)
    if opinions:
        db.session.execute(insert(Opinion.__table__), opinions)
    ops = db.session.execute(select(Opinion.id, Opinion.consultation_id, Opinion.case_id, Opinion.issued_at,
                                    Opinion.issuing_office_id).where(Opinion.number.like("〔2026〕统%"))
                             .order_by(Opinion.id)).all()
    feedback = []
    for op_id, _, _, issued, _ in ops:
        for _ in range(rng.choice((0, 1, 1, 2))):  # a second report supersedes the first
            feedback.append({"opinion_id": op_id, "adopted": rng.random() < 0.7,
                             "outcome": rng.choice(("resolved", "in_progress", "not_resolved")), "note": "落实情况说明",
                             "created_at": issued + timedelta(days=rng.randint(1, 30))})
    if feedback:
        db.session.execute(insert(OpinionFeedback.__table__), feedback)
    if len(ops) > 2:  # a correction supersedes an earlier opinion of the same consultation
        op_id, con_id, case_id, issued, office = ops[0]
        db.session.execute(insert(Opinion.__table__), [{
            "consultation_id": con_id, "case_id": case_id, "status": "issued", "version": 1, "title": "更正",
            "addressee": "", "basic_facts": "", "claims": "", "consultation_summary": "", "findings": "", "analysis": "",
            "recommendations": [], "legal_basis": [], "dissent": "", "cc": "", "number": f"〔2026〕统更{con_id}号",
            "issued_at": issued + timedelta(days=3), "issuing_office_id": office, "supersedes_id": op_id,
            "created_at": issued, "updated_at": issued}])
    notices = []
    for n, (cid, region, created, agency) in enumerate(rng.sample(cases, min(20, len(cases)))):
        notices.append({"case_id": cid, "office_id": _office(o, region), "agency_id": agency,
                        "number": f"〔2026〕统督{first + n}号", "number_year": 2026, "number_seq": first + n,
                        "requirements": "请办理", "due_on": today + timedelta(days=rng.randint(-20, 20)),
                        "status": rng.choice(("open", "open", "replied")), "issued_at": created})
    db.session.execute(insert(SupervisionNotice.__table__), notices)
    db.session.commit()
    return o
