"""The security suite (issue 8). Fixtures shared by its files live in ``tests/security/world.py``
and are imported by the files that use them, so that this conftest changes nothing for the
suite's other files (which keep the per-test table cleaning of ``tests/conftest.py``)."""
