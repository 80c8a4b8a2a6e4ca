"""The audit key: kept outside the database, so that reading or writing the database is not
enough to forge the audit chain or its checkpoints.

``AUDIT_KEY`` (environment) if set, else a random key created once in ``<INSTANCE_DIR>/audit_key``
with mode 0600, the way the session secret is kept. The key must never change: entries and
checkpoints signed with a lost key can no longer be verified.
"""

from __future__ import annotations

import stat
from pathlib import Path

from flask import current_app

from app.instance import create_secret_file

KEY_FILE = "audit_key"


class AuditKeyUnavailable(RuntimeError):
    """No key configured and none can be created: nothing may be audited, so nothing may change."""


def key_path() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / KEY_FILE


def audit_key() -> bytes:
    """The key for this app, read (or created) once per process and configuration."""
    configured = current_app.config.get("AUDIT_KEY")
    source = ("env", configured) if configured else ("file", str(key_path()))
    cache = current_app.extensions.setdefault("audit_key", {})
    if source not in cache:
        cache[source] = configured.encode() if configured else _read_or_create(key_path())
    return cache[source]


def _read_or_create(path: Path) -> bytes:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        create_secret_file(path)
        return _read(path)
    except OSError as exc:
        raise AuditKeyUnavailable(f"audit key {path} cannot be created ({exc}); set AUDIT_KEY") from exc


def _read(path: Path) -> bytes:
    key = path.read_text().strip()
    if not key:
        raise AuditKeyUnavailable(f"audit key file {path} is empty")
    return key.encode()


def key_file_warning() -> str | None:
    """A warning if the key file can be read by others than its owner."""
    if current_app.config.get("AUDIT_KEY"):
        return None
    try:
        mode = key_path().stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"审计密钥文件 {key_path()} 权限过宽（{oct(mode & 0o777)}），应为 0600"
    return None
