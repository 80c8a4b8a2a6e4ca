"""Who holds a seat on a panel: the methods of Consultation and PanelMember, on plain objects
(no database: the rows are built in memory and never added to a session)."""

from __future__ import annotations

from itertools import count
from types import SimpleNamespace

import pytest

import app.models  # noqa: F401  (every mapped class, so the ORM can configure the relationships)
from app.consultations.models import (
    ACCEPTED, CHAIR, DECLINED, IN_LINE, INVITED, MEMBER, RELEASED, RESERVE, Consultation, PanelMember,
)

ROLES = (CHAIR, MEMBER, RESERVE)
STATUSES = (INVITED, ACCEPTED, DECLINED, IN_LINE, RELEASED)


def panel(*rows, size: int = 3) -> Consultation:
    """A consultation whose members are ``(expert_id, role, status[, rank])`` rows, with ids in
    drawing order (as loaded from the database)."""
    ids = count(1)
    members = [PanelMember(id=next(ids), expert_id=r[0], role=r[1], status=r[2], rank=r[3] if len(r) > 3 else None)
               for r in rows]
    return Consultation(panel_size=size, members=members)


def ids(members) -> list[int]:
    return [m.expert_id for m in members]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", STATUSES)
def test_member_predicates_over_every_role_and_status(role, status):
    m = PanelMember(expert_id=1, role=role, status=status)
    seat_role = role in (CHAIR, MEMBER)
    assert m.has_seat_role is seat_role
    assert m.is_seated is (seat_role and status in (INVITED, ACCEPTED))
    assert m.is_accepted is (seat_role and status == ACCEPTED)
    assert m.awaits_answer is (seat_role and status == INVITED)
    assert m.is_in_line is (role == RESERVE and status == IN_LINE)
    assert m.is_chair is (role == CHAIR)
    assert m.role_label == {CHAIR: "组长", MEMBER: "成员", RESERVE: "候补"}[role]


def test_seated_members_are_chair_and_members_invited_or_accepted_in_drawing_order():
    c = panel((1, MEMBER, ACCEPTED), (2, CHAIR, INVITED), (3, MEMBER, DECLINED), (4, RESERVE, IN_LINE, 1),
              (5, RESERVE, RELEASED, 2), (6, MEMBER, INVITED))
    assert ids(c.seated_members()) == [1, 2, 6]
    assert ids(c.seats()) == [1, 2, 3, 6]


def test_accepted_members_put_the_chair_first_even_when_promoted_later():
    c = panel((1, MEMBER, ACCEPTED), (2, MEMBER, INVITED), (3, CHAIR, DECLINED), (4, MEMBER, ACCEPTED),
              (5, CHAIR, ACCEPTED))
    assert ids(c.accepted_members()) == [5, 1, 4]


def test_awaiting_members_are_the_unanswered_invitations_chair_first():
    c = panel((1, MEMBER, INVITED), (2, MEMBER, ACCEPTED), (3, CHAIR, INVITED), (4, RESERVE, IN_LINE, 1))
    assert ids(c.awaiting_members()) == [3, 1]


def test_reserves_are_those_still_in_line_by_rank():
    c = panel((1, CHAIR, INVITED), (2, RESERVE, IN_LINE, 3), (3, RESERVE, IN_LINE, 1), (4, RESERVE, RELEASED, 2),
              (5, MEMBER, INVITED))
    assert ids(c.reserves()) == [3, 2]


def test_chair_is_the_seated_chair_only():
    assert panel((1, MEMBER, INVITED), (2, CHAIR, ACCEPTED)).chair().expert_id == 2
    assert panel((1, MEMBER, INVITED), (2, CHAIR, INVITED)).chair().expert_id == 2
    assert panel((1, MEMBER, INVITED), (2, CHAIR, DECLINED)).chair() is None


@pytest.mark.parametrize("rows, size, vacant", [
    ([(1, CHAIR, ACCEPTED), (2, MEMBER, INVITED), (3, MEMBER, ACCEPTED)], 3, []),
    ([(1, CHAIR, DECLINED), (2, MEMBER, INVITED), (3, MEMBER, ACCEPTED)], 3, [CHAIR]),
    ([(1, CHAIR, ACCEPTED), (2, MEMBER, DECLINED), (3, MEMBER, ACCEPTED)], 3, [MEMBER]),
    ([(1, CHAIR, DECLINED), (2, MEMBER, DECLINED), (3, MEMBER, ACCEPTED), (4, RESERVE, IN_LINE, 1)], 3,
     [CHAIR, MEMBER]),
    ([], 3, [CHAIR, MEMBER, MEMBER]),
    ([(1, CHAIR, ACCEPTED), (2, MEMBER, ACCEPTED)], 2, []),
], ids=["full", "chair-declined", "member-declined", "two-declined-reserve-not-counted", "undrawn", "small"])
def test_vacant_roles(rows, size, vacant):
    assert panel(*rows, size=size).vacant_roles() == vacant


def test_seat_of_finds_the_seat_in_any_status_but_never_a_reserve_place():
    c = panel((1, CHAIR, DECLINED), (2, MEMBER, INVITED), (3, RESERVE, IN_LINE, 1))
    assert c.seat_of(1).status == DECLINED
    assert c.seat_of(2).status == INVITED
    assert c.seat_of(3) is None
    assert c.seat_of(99) is None
    assert c.seat_of(None) is None


def test_seat_of_user_is_for_experts_only():
    c = panel((7, MEMBER, ACCEPTED))
    assert c.seat_of_user(SimpleNamespace(role="expert", expert_id=7)).expert_id == 7
    assert c.seat_of_user(SimpleNamespace(role="officer", expert_id=7)) is None
    assert c.seat_of_user(SimpleNamespace(role="expert", expert_id=None)) is None
    assert c.seat_of_user(SimpleNamespace(role="admin")) is None
    assert c.seat_of_user(None) is None


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", STATUSES)
def test_an_expert_sees_the_consultation_through_a_held_seat_only(role, status):
    c = panel((1, role, status, 1 if role == RESERVE else None))
    assert c.sees_through_seat(1) is (role in (CHAIR, MEMBER) and status in (INVITED, ACCEPTED))
    assert c.sees_through_seat(2) is False
    assert c.sees_through_seat(None) is False


def test_listing_order_puts_the_chair_first_and_declined_seats_last():
    c = panel((1, MEMBER, DECLINED), (2, MEMBER, ACCEPTED), (3, CHAIR, DECLINED), (4, MEMBER, INVITED),
              (5, CHAIR, INVITED))
    assert ids(sorted(c.seats(), key=PanelMember.listing_order)) == [5, 2, 4, 3, 1]
