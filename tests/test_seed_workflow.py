"""Demo workflow (`flask seed demo`, issue 3 item 9): cases and consultations in every state,
produced by the real services — so the draws verify, the opinions carry numbers and stored
files, the audit chain holds — and every demo sign-in finds real work waiting."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app import clock
from app.audit.models import AuditEntry
from app.audit.services import verify
from app.auth.models import User
from app.cases import idcard
from app.cases.models import Case, Petitioner
from app.cases.deadlines import is_overdue
from app.cases.timeline import entries as timeline_entries
from app.consultations import panel
from app.consultations.models import CONSULTATION_STATUSES, Consultation, ExpertRating, PanelDraw, PanelMember
from app.extensions import db
from app.meetings.models import Meeting
from app.notifications.models import Notification
from app.opinions.models import Opinion, OpinionFeedback, OpinionFile, OpinionSignature
from app.seed.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from app.timeutil import SHANGHAI
from expert_pool import workdays

NUMBER_RE = re.compile(r"^〔(\d{4})〕\S+信专审[1-9]\d*号$")


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def test_every_state_is_present_and_genuine(app):
    assert seed_demo() == DEMO_LOGINS
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=5)  # the business clock was put back

    consultations = db.session.execute(select(Consultation)).scalars().all()
    statuses = Counter(c.status for c in consultations)
    assert set(statuses) == set(CONSULTATION_STATUSES), statuses
    assert len(consultations) >= 20
    cases = db.session.execute(select(Case)).scalars().all()
    assert len(cases) >= 24
    assert {c.status for c in cases} == {"registered", "consulting", "opinion_issued", "closed"}
    assert {c.region_code[:4] for c in cases} == {"3201", "3205", "3301", "3302"}
    assert len({c.category for c in cases}) >= 8
    assert any(c.cross_flags for c in cases) and any(c.responsible_leader for c in cases)
    assert any(c.repeat_letters and c.repeat_visits and c.repeat_online for c in cases)
    overdue = [c for c in cases if is_overdue(c)]
    assert 3 <= len(overdue) < len(cases) // 2
    # Petitioners' numbers pass the platform's own checks.
    petitioners = db.session.execute(select(Petitioner)).scalars().all()
    assert all(idcard.is_valid_id_number(p.id_number) for p in petitioners)
    assert all(idcard.is_valid_phone(p.phone) for p in petitioners)
    assert len({p.id_number for p in petitioners}) == len(petitioners)

    # Returned with a reason; escalated to the provincial and to the national pool.
    assert all(c.return_reason for c in consultations if c.status == "returned")
    escalated = [c for c in consultations if c.escalated]
    assert {c.tier for c in escalated} >= {"provincial", "national"}
    assert any(c.status == "panel_drawn" and c.tier == "provincial" for c in escalated)

    # Every draw is a recorded, verifiable draw; a decline promoted a reserve.
    drawn = [c for c in consultations if c.draws]
    assert drawn and all(panel.verify(c)["reproducible"] for c in drawn)
    members = db.session.execute(select(PanelMember)).scalars().all()
    assert any(m.status == "declined" and m.decline_reason for m in members)
    assert any(m.status == "accepted" for m in members) and any(m.status == "invited" for m in members)
    actions = Counter(db.session.execute(select(AuditEntry.action)).scalars())
    assert actions["reserve_promoted"] >= 1 and actions["resubmit"] >= 1 and actions["escalate"] >= 3

    # Meetings: the scheduled ones on future working days, the held ones in the past with minutes.
    now = datetime.now(SHANGHAI)
    for m in db.session.execute(select(Meeting)).scalars():
        start = m.start.astimezone(SHANGHAI)
        assert workdays.is_working_day(start.date())
        if m.status == "scheduled":
            assert start > now and m.consultation.status == "scheduled"
        else:
            assert m.status == "held" and start < now and m.minutes and m.attendance

    # Closed consultations have feedback and ratings; the audit chain is intact.
    for c in consultations:
        if c.status == "closed":
            opinion = c.current_opinion
            assert db.session.execute(select(OpinionFeedback).where(OpinionFeedback.opinion_id == opinion.id)).first()
            rated = db.session.execute(select(ExpertRating.expert_id).where(ExpertRating.consultation_id == c.id)).scalars()
            assert set(rated) == {m.expert_id for m in c.members if m.status == "accepted"}
    # The timelines name who took each step; the officers drew every panel.
    closed = db.session.execute(select(Consultation).where(Consultation.status == "closed")).scalars().first()
    actors = {e.actor_name for e in timeline_entries(closed.case)}
    users = db.session.execute(select(User)).scalars().all()
    clerks = {u.username for u in users if u.role == "agency" and u.organization_id == closed.case.handling_org_id}
    officers = {u.username for u in users if u.role == "officer" and u.organization_id == closed.office_id}
    panel_ids = {m.expert_id for m in closed.members if m.status == "accepted"}
    signers = {u.username for u in users if u.expert_id in panel_ids}
    assert actors & clerks and actors & officers and signers <= actors, actors
    assert "" not in actors  # every step of the workflow names who took it
    officer_ids = {user(u).id for u in ("nj_officer", "hz_officer", "sz_officer", "nb_officer", "js_officer", "zj_officer")}
    assert db.session.execute(select(func.count()).select_from(PanelDraw)
                              .where(PanelDraw.created_by_id.in_(officer_ids))).scalar_one() == count(PanelDraw)
    result = verify()
    assert result.ok and result.checked == count(AuditEntry)


def test_issued_opinions_have_numbers_and_stored_files(app):
    seed_demo()
    issued = db.session.execute(select(Opinion).where(Opinion.status == "issued")).scalars().all()
    assert 2 <= len(issued) <= 3
    numbers = [o.number for o in issued]
    assert len(set(numbers)) == len(numbers)
    for opinion in issued:
        assert NUMBER_RE.match(opinion.number), opinion.number
        assert opinion.consultation.status in ("opinion_issued", "closed")
        files = {f.kind: f for f in db.session.execute(select(OpinionFile).where(OpinionFile.opinion_id == opinion.id)).scalars()}
        assert set(files) == {"content", "pdf", "docx"}
        assert files["pdf"].data.startswith(b"%PDF") and files["docx"].data.startswith(b"PK")
        assert hashlib.sha256(files["pdf"].data).hexdigest() == opinion.pdf_sha256 == files["pdf"].sha256
        assert opinion.number.encode() in files["content"].data
        signed = {s.expert_id for s in opinion.signatures}
        assert signed == {m.expert_id for m in opinion.consultation.members if m.status == "accepted" and m.role != "reserve"}
        assert opinion.analysis.count("《") >= 2 and len(opinion.legal_basis) >= 3
    assert any(o.dissents for o in issued)


def test_each_demo_sign_in_finds_work(app, client):
    seed_demo()
    expert = user("expert_nj").expert
    seats = {m.consultation.status: m for m in db.session.execute(
        select(PanelMember).where(PanelMember.expert_id == expert.id, PanelMember.role.in_(("chair", "member")))).scalars()}
    # An invitation to answer …
    assert seats["panel_drawn"].status == "invited"
    # … and a draft that the rest of the panel signed, waiting for the demo expert's signature.
    sitting = seats["deliberated"]
    assert sitting.status == "accepted"
    draft = sitting.consultation.current_opinion
    assert draft.status == "draft"
    signed = {s.expert_id for s in db.session.execute(
        select(OpinionSignature).where(OpinionSignature.opinion_id == draft.id)).scalars()}
    assert expert.id not in signed and len(signed) == sum(
        1 for m in sitting.consultation.members if m.status == "accepted") - 1
    assert count(Notification) > 0

    def api_get(username: str, path: str):
        token = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert token.status_code == 201, username
        resp = client.get(path, headers={"Authorization": f"Bearer {token.get_json()['token']}"})
        assert resp.status_code == 200, (username, path)
        return resp.get_json()

    def statuses(username: str, path: str) -> set[str]:
        return {row["status"] for row in api_get(username, path)["items"]}

    assert {"submitted", "accepted", "panel_drawn", "scheduled", "deliberated"} <= statuses(
        "nj_officer", "/api/v1/consultations?queue=true&per_page=100")
    assert len(statuses("nj_agency", "/api/v1/cases?per_page=100")) >= 3
    assert len(statuses("nj_agency", "/api/v1/consultations?per_page=100")) >= 4
    assert len(statuses("hz_agency", "/api/v1/cases?per_page=100")) >= 2
    assert {"panel_drawn", "deliberated"} <= statuses("expert_nj", "/api/v1/consultations?per_page=100")
    for officer in ("gj_officer", "js_officer", "sz_officer", "zj_officer", "hz_officer", "nb_officer"):
        assert statuses(officer, "/api/v1/consultations?queue=true&per_page=100"), officer
    everything = api_get("admin", "/api/v1/consultations?per_page=100")
    assert everything["total"] == count(Consultation)
    assert api_get("expert_nj", f"/api/v1/opinions/{draft.id}")["status"] == "draft"


def test_seeding_twice_changes_nothing_and_the_chain_verifies(app, runner):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "consultations=" in result.output and "opinions_issued=" in result.output
    models = (Case, Consultation, PanelMember, Meeting, Opinion, OpinionFile, User, AuditEntry, Notification)
    before = {m: count(m) for m in models}
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "already present" in again.output
    assert {m: count(m) for m in models} == before
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
