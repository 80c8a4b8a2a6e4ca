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
    """These tests run app servers of their own on a database of their own: the suite's shared
    app stays out of them."""
    yield
