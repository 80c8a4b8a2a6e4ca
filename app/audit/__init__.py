"""Append-only, keyed hash chain of who did what: models, writing (service), checkpoints outside
the database, verification (what it proves: see verification.py) and the CLI."""
