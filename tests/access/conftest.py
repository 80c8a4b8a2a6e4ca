"""The access matrix shares one world per module: building it (and signing every role in) for
each of the several hundred cases would dominate the run. Each case gets its own app context
(so its requests share nothing with other cases) but no table cleaning; the module's world is
removed when the module ends. Cases that change data make unique or idempotent changes."""

from __future__ import annotations

import contextlib
import io
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from app import clock
from app.timeutil import SHANGHAI
from app.extensions import db as _db
from tests.conftest import FIXED_NOW, PASSWORD, Factory

ROLES = ("anonymous", "agency", "expert", "officer_other", "officer_same", "admin")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _clean_tables(request, app):
    """Overrides the per-test cleaning of tests/conftest.py: a fresh app context per case only."""
    ctx = app.app_context()
    ctx.push()
    yield
    _db.session.rollback()
    _db.session.remove()
    ctx.pop()


def _truncate() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(scope="module")
def mworld(app, request):
    """The conftest world (国家/江苏/浙江/南京/杭州 offices, a 南京 agency, experts, one user per
    role) plus a second 南京 expert and a spare user, as plain ids; a bearer token and a signed-in
    session cookie per role."""
    from app.auth.services import issue_token

    frozen = contextlib.ExitStack()  # the clock stays at FIXED_NOW until the module's world is removed
    frozen.enter_context(clock.frozen(FIXED_NOW))
    request.addfinalizer(frozen.close)
    with app.app_context():
        _truncate()
        f = Factory()
        national = f.org("国家信访局", tier="national", region_code="000000")
        js = f.org("江苏省信访局", tier="provincial", region_code="320000", parent=national)
        zj = f.org("浙江省信访局", tier="provincial", region_code="330000", parent=national)
        nj = f.org("南京市信访局", tier="municipal", region_code="320100", parent=js)
        hz = f.org("杭州市信访局", tier="municipal", region_code="330100", parent=zj)
        agency = f.org("南京市住房保障和房产局", kind="handling_agency", tier="municipal", region_code="320100")
        sz = f.org("苏州市信访局", tier="municipal", region_code="320500", parent=js)
        agency_b = f.org("南京市人力资源和社会保障局", kind="handling_agency", tier="municipal", region_code="320100")
        e_nj = f.expert("王建国", tier="municipal", region_code="320100", max_open_consultations=9)
        e_nj2 = f.expert("孙丽", tier="municipal", region_code="320100", specialties=("labor_law",))
        e_hz = f.expert("李秀英", tier="municipal", region_code="330100", specialties=("civil_law",))
        e_js = f.expert("陈志强", tier="provincial", region_code="320000", specialties=("labor_law",))
        users = {
            "admin": f.user("admin", username="m_admin"),
            "officer_same": f.user("officer", nj, username="m_officer_nj"),
            "officer_other": f.user("officer", hz, username="m_officer_hz"),
            "officer_js": f.user("officer", js, username="m_officer_js"),
            "agency": f.user("agency", agency, username="m_agency_nj"),
            "expert": f.user("expert", expert=e_nj, username="m_expert_nj"),
            "spare": f.user("officer", nj, username="m_spare_nj"),
            "agency_b": f.user("agency", agency_b, username="m_agency_b"),
            "officer_sz": f.user("officer", sz, username="m_officer_sz"),
        }
        tokens = {}
        for role, user in users.items():
            tokens[role], _ = issue_token(user)
        _db.session.commit()
        w = SimpleNamespace(
            national=national.id, js=js.id, zj=zj.id, nj=nj.id, hz=hz.id, sz=sz.id, agency=agency.id,
            agency_b=agency_b.id,
            e_nj=e_nj.id, e_nj2=e_nj2.id, e_hz=e_hz.id, e_js=e_js.id,
            user_ids={role: u.id for role, u in users.items()},
            usernames={role: u.username for role, u in users.items()},
            tokens=tokens, cookies={},
        )
        _build_workflow(w, f, users)
        _db.session.remove()
    # A fresh app context per sign-in: requests reuse a pushed context (and its cached user).
    client = app.test_client()
    for role, username in w.usernames.items():
        with app.app_context():
            resp = client.post("/login", data={"username": username, "password": PASSWORD})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        w.cookies[role] = client.get_cookie("session").value
        client.delete_cookie("session")
    yield w
    with app.app_context():
        _db.session.remove()
        _truncate()


# --------------------------------------------------------------------------- the workflow objects

CONSULTATION_BODY = {"questions": "征收补偿标准是否合法？应如何处理？", "required_specialties": ["administrative_law"],
                     "panel_size": 3, "urgency": "normal"}


def new_case(w, title: str, handling_org_id: int | None = None, status: str = "registered", cross_flags=()):
    """A 南京 case (of the 南京 agency unless told) with a petitioner, straight into the database."""
    from app.cases.models import Case, Petitioner

    n = _next()
    case = Case(case_number=f"320100-2026-7{n:04d}", title=title, summary="信访人对征收补偿标准有异议，多次到市信访局走访。",
                claims="要求提高补偿标准", category="land_expropriation", region_code="320100",
                handling_org_id=handling_org_id or w.agency, first_petition_date=date(2025, 3, 1), repeat_visits=3,
                cross_flags=list(cross_flags), responsible_leader="张某", is_backlog=True, status=status, version=1)
    case.petitioners = [Petitioner(name="刘德明", id_number="", phone="13900000001", address="")]
    _db.session.add(case)
    _db.session.commit()
    return case


def seated_consultation(w, case, members: list[tuple[int, str, str]], status: str = "panel_drawn", office_id=None):
    """A consultation on ``case`` staffed by 南京 (unless told) whose panel is ``members``:
    (expert_id, role, status) rows — for panels whose exact make-up a check depends on."""
    from app.consultations.models import Consultation, PanelMember

    c = Consultation(case=case, questions="征收补偿标准是否合法？", required_specialties=["administrative_law"], panel_size=3,
                     status=status, tier="municipal", office_id=office_id or w.nj, requesting_org_id=case.handling_org_id)
    c.members = [PanelMember(expert_id=e, role=role, status=st, rank=(i + 1 if role == "reserve" else None))
                 for i, (e, role, st) in enumerate(members)]
    _db.session.add(c)
    _db.session.commit()
    return c


_counter = iter(range(1, 10**6))


def _next() -> int:
    return next(_counter)


def _draw_with_chair(c, officer, chair_id: int):
    """The real draw (app.consultations.panel.draw), with a seed chosen so that ``chair_id`` is
    the chair: the draw is a deterministic function of seed and screened candidates, so the seed
    is found by recomputing it offline, then used for the recorded draw."""
    from unittest import mock

    from app.consultations import panel
    from app.consultations.pool import screen_pool
    from expert_pool import draw as drawing

    policy = panel.policy_from_config()
    candidates, _ = screen_pool(c, None, clock.today(), policy)
    for i in range(1000):
        seed = f"access-matrix-{i:04d}"
        result = drawing.draw_panel(candidates, c.required_specialties, c.panel_size, 2, seed, policy)
        if result.members[0].expert_id == chair_id:
            break
    else:  # pragma: no cover
        raise AssertionError("no seed makes the expert the chair")
    with mock.patch.object(drawing, "new_seed", lambda: seed):
        panel.draw(officer, c, {"reserves": 2})
    return seed


def _build_workflow(w, f: Factory, users: dict) -> None:
    """南京's workflow objects, built through the real services where the outcome is fixed:

    - ``case``: the 南京 agency's case; ``cons`` its consultation (requested by the agency,
      accepted and drawn by 南京 from a pool of exactly 3 + 2 eligible experts, 王建国 the chair
      and accepted), a meeting scheduled and held (minutes recorded → ``deliberated``), an
      opinion draft ``draft`` (pre-filled, incomplete) with a comment; an attachment.
    - ``case_done``/``cons_done``: a complete opinion ``issued`` (signed by 王建国, issued).
    - ``case_closed``: a closed case of the agency.
    - ``case_b``/``cons_b``: another 南京 agency's case and consultation (王建国 not on it).
    - ``case_esc``/``cons_esc``: a 三跨 case whose consultation 南京 escalated to 江苏.
    - 江苏 provincial experts for draws after an escalation.
    """
    from app.auth.models import User
    from app.cases import attachments
    from app.consultations import panel
    from app.consultations import services as cs
    from app.db_types import utcnow
    from app.meetings import services as ms
    from app.opinions import issuing
    from app.opinions import services as ops
    from tests.api.test_opinions import full_body

    def user(role):
        return _db.session.get(User, w.user_ids[role])

    agency, officer, expert = user("agency"), user("officer_same"), user("expert")
    pool = [f.expert(f"矩阵专家{i}", tier="municipal", region_code="320100", max_open_consultations=50) for i in range(4)]
    w.pool = [e.id for e in pool]
    w.js_pool = [f.expert(f"江苏专家{i}", tier="provincial", region_code="320000", max_open_consultations=50).id
                 for i in range(6)]

    case = new_case(w, "某小区征收补偿信访事项")
    att = attachments.add_attachment(agency, case, io.BytesIO(PNG), "现场照片.png", "现场")
    c = cs.create(agency, case, dict(CONSULTATION_BODY))
    cs.accept(officer, c)
    _db.session.commit()
    w.seed = _draw_with_chair(c, officer, w.e_nj)
    panel.respond(expert, c, w.e_nj, {"response": "accept"})
    meeting = ms.schedule(officer, c, {"start": "2026-10-12T09:30:00+08:00", "duration_minutes": 120, "mode": "onsite",
                                       "location": "南京市信访局三楼会议室"})
    with clock.frozen(datetime(2026, 10, 12, 11, 45, tzinfo=SHANGHAI)):  # minutes once the meeting was held
        ms.record_minutes(officer, meeting, {"text": "专家组就征收补偿标准进行了讨论。", "attendee_expert_ids": [w.e_nj]})
    draft = ops.create_draft(officer, c, {})
    comment = ops.add_comment(officer, draft, {"section": "general", "text": "请补充查明的事实。"})
    _db.session.commit()
    w.case, w.attachment, w.cons, w.meeting, w.draft, w.comment = case.id, att.id, c.id, meeting.id, draft.id, comment.id
    w.other_members = sorted(m.expert_id for m in c.members if m.expert_id != w.e_nj and m.role == "member")

    done = new_case(w, "某企业改制职工安置信访事项", status="consulting")
    cd = seated_consultation(w, done, [(w.e_nj, "chair", "accepted")])
    held = ms.schedule(officer, cd, {"start": "2026-08-28T09:30:00+08:00", "duration_minutes": 120, "mode": "onsite",
                                     "location": "南京市信访局三楼会议室", "held": True})  # recorded afterwards
    ms.record_minutes(officer, held, {"text": "专家组就职工安置方案进行了讨论。", "attendee_expert_ids": [w.e_nj]})
    opinion = ops.create_draft(officer, cd, full_body())
    ops.sign(expert, opinion, token_issued_at=utcnow())
    issuing.issue(officer, opinion)
    _db.session.commit()
    w.case_done, w.cons_done, w.issued = done.id, cd.id, opinion.id

    w.case_closed = new_case(w, "某已办结信访事项", status="closed").id

    case_b = new_case(w, "某劳动争议信访事项", handling_org_id=w.agency_b)
    cb = seated_consultation(w, case_b, [(w.pool[0], "chair", "accepted"), (w.pool[1], "member", "invited"),
                                         (w.pool[2], "member", "invited"), (w.e_nj, "reserve", "reserve")])
    w.case_b, w.cons_b = case_b.id, cb.id

    case_esc = new_case(w, "某跨地区拆迁安置信访事项", cross_flags=["cross_region"])
    ce = cs.create(agency, case_esc, dict(CONSULTATION_BODY))
    cs.escalate(officer, ce, {"reason": "跨地区，需省级专家库援助"})
    _db.session.commit()
    w.case_esc, w.cons_esc = case_esc.id, ce.id
