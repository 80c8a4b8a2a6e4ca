from __future__ import annotations

import pytest

from tests.backup.instances import Instances


@pytest.fixture
def instances():
    made = Instances()
    yield made
    made.close()


@pytest.fixture(autouse=True)
def _clean_tables():
    """These tests make whole instances of their own: the suite's shared app (and its context,
    which the CLI would run in) stays out of them."""
    yield
