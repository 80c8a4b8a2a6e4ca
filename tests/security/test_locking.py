"""Issue 8, defect 2: lost and doubled updates under several worker processes.

Before the fix, row locks were taken only on PostgreSQL: 20 parallel panel draws on SQLite gave
two initial draws (two chairs) or a 500, an accept and a decline of one invitation both
succeeded, and a withdrawn request was accepted afterwards. Every case here runs the requests
from separate processes (see ``parallel.py``) on the suite's database — SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.consultations.models import Consultation, PanelDraw, PanelMember
from app.extensions import db
from tests.conftest import Factory
from tests.security.parallel import run_parallel, run_parallel_calls


def _requested(client, api, world, n: int, accept: bool = True) -> int:
    agency, officer = api(world.agency_user), api(world.officer_nj)
    body = {"questions": "征收补偿标准是否合法？", "required_specialties": ["administrative_law"], "panel_size": 3}
    case = Factory().case(world.agency, title=f"并发测试信访事项{n}")
    r = client.post(f"/api/v1/cases/{case.id}/consultations", json=body, headers=agency)
    assert r.status_code == 201, r.get_json()
    cid = r.get_json()["id"]
    if accept:
        assert client.post(f"/api/v1/consultations/{cid}/accept", headers=officer).status_code == 200
    return cid


def _statuses(results) -> Counter:
    assert all(status != -1 for _, status, _ in results), [body for _, status, body in results if status == -1]
    return Counter(status for _, status, _ in results)


def test_parallel_draws_make_one_panel(app, client, api, world, pool):
    cid = _requested(client, api, world, 1)
    officer = api(world.officer_nj)
    results = run_parallel(app, [("POST", f"/api/v1/consultations/{cid}/panel", officer, {"reserves": 2})] * 20)
    assert _statuses(results) == Counter({201: 1, 409: 19})
    db.session.expire_all()
    draws = db.session.execute(select(PanelDraw).where(PanelDraw.consultation_id == cid)).scalars().all()
    assert [d.kind for d in draws] == ["initial"]
    roles = Counter(m.role for m in db.session.execute(
        select(PanelMember).where(PanelMember.consultation_id == cid)).scalars())
    assert roles == Counter({"chair": 1, "member": 2, "reserve": 2})
    verify = client.get(f"/api/v1/consultations/{cid}/panel/verify", headers=officer).get_json()
    assert verify["reproducible"] is True and verify["draw_count"] == 1


def test_verify_reports_a_second_initial_draw(app, client, api, world, pool):
    """What the race used to leave behind must not pass verification."""
    cid = _requested(client, api, world, 2)
    officer = api(world.officer_nj)
    assert client.post(f"/api/v1/consultations/{cid}/panel", json={"reserves": 2}, headers=officer).status_code == 201
    first = db.session.execute(select(PanelDraw).where(PanelDraw.consultation_id == cid)).scalar_one()
    db.session.add(PanelDraw(consultation_id=cid, kind="initial", seed=first.seed, tier=first.tier,
                             parameters=first.parameters, candidates=first.candidates, result=first.result,
                             excluded=first.excluded, escalated=first.escalated, office_id=first.office_id,
                             created_by_id=first.created_by_id))
    db.session.commit()
    verify = client.get(f"/api/v1/consultations/{cid}/panel/verify", headers=officer).get_json()
    assert verify["reproducible"] is False and verify["draw_count"] == 2
    assert any("重复的初次抽取" in m for m in verify["mismatches"])


def test_accept_and_decline_of_one_invitation(app, client, api, world, pool):
    cid = _requested(client, api, world, 3)
    officer = api(world.officer_nj)
    panel = client.post(f"/api/v1/consultations/{cid}/panel", json={"reserves": 2}, headers=officer).get_json()
    chair = next(m["expert_id"] for m in panel["members"] if m["role"] == "chair")
    url = f"/api/v1/consultations/{cid}/invitations/{chair}"
    requests = [("POST", url, officer, {"response": "accept"}),
                ("POST", url, officer, {"response": "decline", "reason": "出差"})] * 4
    results = run_parallel(app, requests)
    assert _statuses(results) == Counter({200: 1, 409: 7})
    winner = next(i for i, status, _ in results if status == 200)
    db.session.expire_all()
    member = db.session.execute(select(PanelMember).where(
        PanelMember.consultation_id == cid, PanelMember.expert_id == chair)).scalars().one()
    assert member.status == ("accepted" if winner % 2 == 0 else "declined")
    # a decline promotes exactly one reserve into the chair's seat; an accept promotes none
    invited_chairs = db.session.execute(select(func.count()).where(
        PanelMember.consultation_id == cid, PanelMember.role == "chair")).scalar_one()
    assert invited_chairs == (1 if winner % 2 == 0 else 2)


def test_withdraw_and_accept_race(app, client, api, world, pool):
    """Accepting and then withdrawing is a valid order; accepting a withdrawn request is not."""
    agency, officer = api(world.agency_user), api(world.officer_nj)
    for n in range(3):
        cid = _requested(client, api, world, 10 + n, accept=False)
        requests = [("POST", f"/api/v1/consultations/{cid}/withdraw", agency, {"reason": "已自行化解"}),
                    ("POST", f"/api/v1/consultations/{cid}/accept", officer, None)] * 3
        results = run_parallel(app, requests)
        _statuses(results)
        withdrawn = [i for i, status, _ in results if status == 200 and i % 2 == 0]
        accepted = [i for i, status, _ in results if status == 200 and i % 2 == 1]
        assert len(withdrawn) <= 1 and len(accepted) <= 1 and withdrawn + accepted
        assert all(status in (200, 409) for _, status, _ in results)
        db.session.expire_all()
        assert db.session.get(Consultation, cid).status == ("withdrawn" if withdrawn else "accepted")
        actions = [e.action for e in db.session.execute(select(AuditEntry).where(
            AuditEntry.object_type == "consultation", AuditEntry.object_id == cid).order_by(AuditEntry.id)).scalars()]
        if "withdraw" in actions:
            assert "accept" not in actions[actions.index("withdraw"):]


def test_parallel_imports_of_one_roster(app, client, api, world):
    """20 parallel identical imports gave one 500 (the same 层级 + 手机 inserted twice): one import
    creates the experts, every other one finds them unchanged."""
    from app.experts.models import Expert
    from tests.api.helpers import csv_bytes, roster_row

    roster = csv_bytes([roster_row(i) for i in range(30)])
    officer = api(world.officer_nj)
    results = run_parallel(app, [("UPLOAD", "/api/v1/experts/import", officer, (roster, "名册.csv"))] * 10)
    assert _statuses(results) == Counter({200: 10})
    assert sorted(body["created"] for _, _, body in results) == [0] * 9 + [30]
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Expert).where(Expert.phone.like("136%"))).scalar_one() == 30


def _audit_then_lock():
    import time

    from app.audit import services as audit
    from app.locking import lock_name

    audit.record("update", "expert", 1, "先记审计再加锁")
    time.sleep(0.3)  # let the other side take its lock first
    lock_name("meeting_calendar")
    db.session.commit()


def _lock_then_audit():
    import time

    from app.audit import services as audit
    from app.locking import lock_name

    lock_name("meeting_calendar")
    time.sleep(0.3)
    audit.record("update", "expert", 2, "先加锁再记审计")
    db.session.commit()


def test_recording_an_audit_entry_holds_no_lock(app, runner):
    """The audit chain is locked only at commit, as the last lock a transaction takes: a use case
    that records an entry and then takes another lock cannot deadlock with one that takes that
    lock and then records (on PostgreSQL the chain lock used to be held from the first record)."""
    from app.audit.models import AuditEntry

    results = run_parallel_calls(app, [_audit_then_lock, _lock_then_audit] * 2)
    assert [r for _, r in results] == ["ok"] * 4, results
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 4
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
