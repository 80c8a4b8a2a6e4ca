"""The panel-seat rule in Python (pages: ``sees_through_seat``, ``can_view_*``) and in SQL (lists:
``PanelMember.is_seated``, ``visible_*_clause``) agree on members in every role and status."""

from __future__ import annotations

from datetime import date
from itertools import product
from types import SimpleNamespace

from sqlalchemy import select

from app.cases.models import Case
from app.cases.permissions import can_view_case, visible_cases_clause
from app.consultations.models import (
    ACCEPTED, CHAIR, DECLINED, IN_LINE, INVITED, MEMBER, RELEASED, RESERVE, Consultation, PanelMember,
)
from app.consultations.permissions import can_view_consultation, visible_consultations_clause

COMBINATIONS = list(product((CHAIR, MEMBER, RESERVE), (INVITED, ACCEPTED, DECLINED, IN_LINE, RELEASED)))


def _case(db, agency, n: int) -> Case:
    case = Case(case_number=f"320100-2026-8{n:04d}", title=f"席位规则测试{n}", summary="摘要", claims="诉求",
                category="land_expropriation", region_code="320100", handling_org_id=agency.id,
                first_petition_date=date(2025, 3, 1), repeat_visits=1, cross_flags=[], responsible_leader="张某",
                is_backlog=True, status="registered", version=1)
    db.session.add(case)
    return case


def test_python_and_sql_seat_rules_agree(db, factory):
    office = factory.org("南京市信访局", tier="municipal", region_code="320100")
    agency = factory.org("南京市住房保障和房产局", kind="handling_agency", region_code="320100")
    experts = [factory.expert() for _ in COMBINATIONS] + [factory.expert()]  # the last sits nowhere
    consultations = []
    for n in range(2):
        # Each expert gets one combination on the first consultation and another on the second.
        shifted = COMBINATIONS[n * 7:] + COMBINATIONS[:n * 7]
        c = Consultation(case=_case(db, agency, n), questions="问题", required_specialties=[], panel_size=3,
                         status="panel_drawn", tier="municipal", office_id=office.id,
                         members=[PanelMember(expert_id=e.id, role=role, status=status,
                                              rank=1 if role == RESERVE else None)
                                  for e, (role, status) in zip(experts, shifted, strict=False)])
        db.session.add(c)
        consultations.append(c)
    db.session.commit()

    members = [m for c in consultations for m in c.members]
    for rule in (PanelMember.is_seated, PanelMember.is_accepted, PanelMember.awaits_answer):
        in_sql = set(db.session.execute(select(PanelMember.id).where(rule)).scalars())
        in_python = {m.id for m in members if getattr(m, rule.key)}
        assert in_sql == in_python and in_python, rule.key
    assert {m.id for m in members if m.is_seated} == {
        m.id for m in members if m.role in (CHAIR, MEMBER) and m.status in (INVITED, ACCEPTED)}

    seen_somewhere = 0
    for expert in experts:
        user = SimpleNamespace(role="expert", expert_id=expert.id, organization_id=None)
        listed = set(db.session.execute(select(Consultation.id).where(visible_consultations_clause(user))).scalars())
        assert listed == {c.id for c in consultations if can_view_consultation(user, c)}
        assert listed == {c.id for c in consultations if c.sees_through_seat(expert.id)}
        cases = set(db.session.execute(select(Case.id).where(visible_cases_clause(user))).scalars())
        assert cases == {c.case_id for c in consultations if can_view_case(user, c.case)}
        seen_somewhere += bool(listed)
    assert 0 < seen_somewhere < len(experts)
