"""Supervision fixtures: the conftest world with e-mail addresses, a responsible leader account,
and helpers to make cases and consultations with chosen dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app import clock
from app.extensions import db as _db
from app.timeutil import SHANGHAI


def at(d: date, hour: int = 9) -> datetime:
    """``d`` at ``hour`` o'clock in Shanghai, as the aware UTC time the clock takes."""
    return datetime.combine(d, time(hour), SHANGHAI).astimezone(UTC)


@pytest.fixture
def sup(world, factory):
    """The world's users get e-mail addresses; 张某 is the agency's responsible leader."""
    for i, user in enumerate([world.officer_nj, world.officer_js, world.officer_hz, world.agency_user,
                              world.officer_nat]):
        user.email = f"u{i}@example.cn"
    _db.session.commit()
    world.leader = factory.user("agency", world.agency, username="leader_zhang", display_name="张某",
                                email="leader@example.cn")
    return world


@pytest.fixture
def frozen_at():
    """frozen_at(date) moves the business clock to 09:00 Shanghai of that date."""
    stack = []

    def move(d: date):
        if stack:
            stack.pop().__exit__(None, None, None)
        cm = clock.frozen(at(d))
        cm.__enter__()
        stack.append(cm)

    yield move
    while stack:
        stack.pop().__exit__(None, None, None)


def new_case(factory, world, accepted_on: date | None = None, due: date | None = None, created: date | None = None,
             **kw):
    case = factory.case(world.agency, accepted_on=accepted_on, due_date=due, **kw)
    if created is not None:
        case.created_at = at(created)
        _db.session.commit()
    return case


SEED_TODAY = date(2026, 9, 29)


@pytest.fixture
def seeded(app, db, factory):
    """The figures' dataset (tests/supervision/dataset.py) as of 29 Sep 2026, and a user per viewer."""
    from app.orgs.models import Organization
    from tests.supervision import dataset

    with clock.frozen(at(SEED_TODAY)):
        o = dataset.seed(300, 150, rng_seed=11, today=SEED_TODAY)

        def org(i):
            return db.session.get(Organization, i)

        users = {
            "officer_nj": factory.user("officer", org(o.nj)), "officer_js": factory.user("officer", org(o.js)),
            "agency": factory.user("agency", org(o.agency)), "officer_hz": factory.user("officer", org(o.hz)),
            "admin": factory.user("admin"),
        }
        yield o, users
