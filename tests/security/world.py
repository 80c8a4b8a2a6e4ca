"""The security suite's world: the access matrix's module world (tests/access/conftest.py —
国家/江苏/浙江/南京/杭州 offices, 南京 agencies, experts, one user per role with a bearer token and
a signed-in session cookie, and 南京's workflow objects) plus objects of another jurisdiction:
a 杭州 case with a petitioner and an attachment, its consultation staffed by 杭州 (李秀英 the
accepted chair), a held meeting, a draft opinion with a comment, and a declared conflict and an
unavailability of 李秀英. None of them is visible to the 南京 agency, the 南京 expert or the
南京 officer.

A test module imports the fixtures it needs from here (``from tests.security.world import …``):
the module-scoped world and the access matrix's per-case app context (no table cleaning between
cases; the world is removed when the module ends)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from app.extensions import db as _db
from tests.access.conftest import PNG, ROLES, _clean_tables, mworld
from tests.conftest import Factory

__all__ = ["PNG", "ROLES", "_clean_tables", "api_headers", "mworld", "sworld", "ui_cookie"]


@pytest.fixture(scope="module")
def sworld(app, mworld):
    """``mworld`` plus the 杭州 objects (attributes ``hz_*``)."""
    from app import clock
    from app.auth.models import User
    from app.cases import attachments
    from app.cases.models import Case, Petitioner
    from app.experts.models import ConflictDeclaration, Unavailability
    from app.meetings import services as ms
    from app.opinions import services as ops
    from app.timeutil import SHANGHAI
    from tests.access.conftest import seated_consultation

    w = mworld
    with app.app_context():
        f = Factory()
        hz_agency = f.org("杭州市住房保障和房产管理局", kind="handling_agency", tier="municipal", region_code="330100")
        officer = _db.session.get(User, w.user_ids["officer_other"])
        admin = _db.session.get(User, w.user_ids["admin"])
        case = Case(case_number="330100-2026-90001", title="杭州某小区拆迁信访事项", summary="信访人对拆迁安置有异议。",
                    claims="要求重新安置", category="land_expropriation", region_code="330100", handling_org_id=hz_agency.id,
                    first_petition_date=date(2025, 4, 1), repeat_visits=2, cross_flags=[], responsible_leader="钱某",
                    is_backlog=True, status="consulting", version=1)
        case.petitioners = [Petitioner(name="周海燕", id_number="", phone="13900000009", address="")]
        _db.session.add(case)
        _db.session.commit()
        att = attachments.add_attachment(admin, case, io.BytesIO(PNG), "杭州现场.png", "现场")
        c = seated_consultation(w, case, [(w.e_hz, "chair", "accepted")], office_id=w.hz)
        meeting = ms.schedule(officer, c, {"start": "2026-10-13T09:30:00+08:00", "duration_minutes": 120,
                                           "mode": "onsite", "location": "杭州市信访局会议室"})
        with clock.frozen(datetime(2026, 10, 13, 11, 45, tzinfo=SHANGHAI)):  # minutes once the meeting was held
            ms.record_minutes(officer, meeting, {"text": "专家组讨论了拆迁安置问题。", "attendee_expert_ids": [w.e_hz]})
        draft = ops.create_draft(officer, c, {})
        comment = ops.add_comment(officer, draft, {"section": "general", "text": "请补充安置协议。"})
        conflict = ConflictDeclaration(expert_id=w.e_hz, person_name="钱某", reason="同事")
        unav = Unavailability(expert_id=w.e_hz, start=datetime(2026, 12, 10, 9, tzinfo=SHANGHAI),
                              end=datetime(2026, 12, 10, 12, tzinfo=SHANGHAI), reason="出差")
        from app.supervision.models import ExtensionRequest, SupervisionNotice

        extension = ExtensionRequest(case_id=case.id, days=10, reason="杭州延期", status="pending")
        notice = SupervisionNotice(case_id=case.id, office_id=w.hz, agency_id=hz_agency.id, number="〔2026〕杭州信督1号",
                                   number_year=2026, number_seq=1, requirements="请办理", due_on=date(2026, 12, 31),
                                   status="open")
        _db.session.add_all([conflict, unav, extension, notice])
        _db.session.commit()
        w.hz_extension, w.hz_notice = extension.id, notice.id
        w.hz_agency, w.hz_case, w.hz_attachment, w.hz_cons = hz_agency.id, case.id, att.id, c.id
        w.hz_meeting, w.hz_draft, w.hz_comment = meeting.id, draft.id, comment.id
        w.hz_conflict, w.hz_unavailability = conflict.id, unav.id
        w.hz_cons_status = c.status
        _db.session.remove()
    return w


def api_headers(w, role: str) -> dict:
    return {} if role == "anonymous" else {"Authorization": f"Bearer {w.tokens[role]}"}


def ui_cookie(client, w, role: str) -> None:
    """Sign the client in as ``role`` (its session cookie), or out for anonymous."""
    if role == "anonymous":
        client.delete_cookie("session")
    else:
        client.set_cookie("session", w.cookies[role])
