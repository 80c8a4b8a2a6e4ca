"""How one audit entry's hash is computed from its fields and its predecessor's hash.

Two schemes share the ``hash`` column (both are 64 hex digits, so no schema change):

- **keyed** (every entry written since issue 8): HMAC-SHA256 under the audit key, which lives
  outside the database (app/audit/keys.py). Without the key nobody can compute it.
- **legacy** (entries written before): plain SHA-256 of the same payload. Anyone can recompute
  it, so a legacy entry is only as trustworthy as the keyed entries and checkpoints after it.

An entry's scheme is recognised by which digest matches; once a keyed entry appears, every later
entry must be keyed (app/audit/verification.py), so a forger cannot fall back to the legacy
formula to rewrite the tail of the log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

GENESIS = "0" * 64

HASHED_FIELDS = ("actor_id", "actor_name", "action", "object_type", "object_id", "subject", "summary", "before",
                 "after", "ip")

# Columns a digest needs, for queries that fetch rows rather than ORM objects.
DIGEST_COLUMNS = ("prev_hash", "created_at", *HASHED_FIELDS)


def _payload(values: Mapping) -> bytes:
    """The canonical bytes both schemes hash: the entry's fields and the previous entry's hash."""
    payload = {"prev": values["prev_hash"], "at": values["created_at"].isoformat(),
               **{name: values[name] for name in HASHED_FIELDS}}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()


def legacy_digest(values: Mapping) -> str:
    """The unkeyed SHA-256 the log used before it was keyed (still accepted for old entries)."""
    return hashlib.sha256(_payload(values)).hexdigest()


def keyed_digest(values: Mapping, key: bytes) -> str:
    """HMAC-SHA256 of the entry under the audit key: what new entries are chained with."""
    return hmac.new(key, _payload(values), hashlib.sha256).hexdigest()


def values_of(entry) -> dict:
    """The digest inputs of an ORM entry or a result row (``row._mapping``)."""
    if isinstance(entry, Mapping):
        return {name: entry[name] for name in DIGEST_COLUMNS}
    return {name: getattr(entry, name) for name in DIGEST_COLUMNS}


def scheme_of(values: Mapping, stored_hash: str, key: bytes) -> str | None:
    """'keyed' or 'legacy' for the digest ``stored_hash`` matches, None if it matches neither."""
    if hmac.compare_digest(keyed_digest(values, key), stored_hash):
        return "keyed"
    if hmac.compare_digest(legacy_digest(values), stored_hash):
        return "legacy"
    return None
