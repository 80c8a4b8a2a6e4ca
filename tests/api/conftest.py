"""API-test fixtures. Password hashing is made cheap here (one PBKDF2 round instead of scrypt):
every test builds users, and the cost of the real hash would dominate the suite's runtime.
The hash still goes through werkzeug, so checking and the stored format are unchanged."""

from __future__ import annotations

from functools import partial

import pytest
from werkzeug.security import generate_password_hash


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    from app.auth import models

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(models, "generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1000"))
        yield
