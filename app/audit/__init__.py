"""Append-only, hash-chained audit log: models, the record/verify service and the CLI."""
