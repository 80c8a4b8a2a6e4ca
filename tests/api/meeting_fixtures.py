"""Builders for meeting tests: a case, a consultation with a drawn panel whose members have
accounts and e-mail addresses. (The fixed clock is the root conftest's ``freeze_clock``.)"""

from __future__ import annotations

from datetime import date

from app.cases.models import Case, Petitioner
from app.consultations.models import PanelMember
from app.extensions import db

SPECIALTIES = ("administrative_law", "land_property_law")


def make_case(world, number: str = "320100-2026-91001", title: str = "某小区征收补偿信访事项") -> Case:
    case = Case(case_number=number, title=title, summary="信访人对征收补偿标准有异议。", claims="要求提高补偿标准",
                category="land_expropriation", region_code="320100", handling_org_id=world.agency.id,
                first_petition_date=date(2025, 3, 1), cross_flags=[], responsible_leader="张某", is_backlog=True,
                status="registered")
    case.petitioners = [Petitioner(name="刘德明", id_number="", phone="13900000001", address="")]
    db.session.add(case)
    db.session.commit()
    return case


def make_pool(factory, n: int = 12, prefix: str = "会商专家") -> list:
    """``n`` 南京 municipal experts, each with an account (username ``<prefix><i>``)."""
    experts = []
    for i in range(n):
        e = factory.expert(f"{prefix}{i}", specialties=SPECIALTIES)
        factory.user("expert", expert=e, username=f"{prefix}_{i}_{e.id}", email=f"expert{e.id}@example.cn")
        experts.append(e)
    return experts


def drawn_consultation(client, api, world, case, panel_size: int = 3, agency: dict | None = None,
                       officer: dict | None = None) -> dict:
    """Request (agency) and draw a panel (officer); returns the consultation JSON. Pass the
    bearer headers when the test has them already (each new token costs a sign-in)."""
    agency = agency or api(world.agency_user)
    officer = officer or api(world.officer_nj)
    body = {"questions": "征收补偿标准是否合法？应如何处理？", "required_specialties": list(SPECIALTIES),
            "panel_size": panel_size, "urgency": "normal"}
    resp = client.post(f"/api/v1/cases/{case.id}/consultations", json=body, headers=agency)
    assert resp.status_code == 201, resp.get_json()
    c = resp.get_json()
    resp = client.post(f"/api/v1/consultations/{c['id']}/panel", json={"reserves": 2}, headers=officer)
    assert resp.status_code == 201, resp.get_json()
    return client.get(f"/api/v1/consultations/{c['id']}", headers=officer).get_json()


def seated_ids(consultation_id: int) -> list[int]:
    rows = db.session.query(PanelMember).filter(PanelMember.consultation_id == consultation_id,
                                                PanelMember.role.in_(("chair", "member")),
                                                PanelMember.status.in_(("invited", "accepted"))).all()
    return sorted(m.expert_id for m in rows)


def meeting_body(start: str = "2026-10-12T09:30:00+08:00", **overrides) -> dict:
    return {"start": start, "duration_minutes": 120, "mode": "onsite", "location": "南京市信访局三楼会议室"} | overrides
