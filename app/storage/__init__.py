"""Where stored files live, chosen by the setting ``STORAGE_BACKEND``:

- ``local`` (default): this server's directories (``<INSTANCE_DIR>/files``, ``<PKI_DIR>``) —
  one server, or several sharing one network volume;
- ``database``: rows of the ``stored_chunks`` table, so every app server behind one database
  sees the same attachments and signing keys (:mod:`app.storage.database` says why not large
  objects).

Callers use :func:`storage` and the keys of :mod:`app.storage.base`; nothing else knows where
bytes are kept.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.storage.base import CHUNK, Storage, file_key, pki_key
from app.storage.database import DatabaseStorage
from app.storage.local import LocalStorage

BACKENDS = ("local", "database")

__all__ = ["BACKENDS", "CHUNK", "Storage", "check_config", "file_key", "files_dir", "pki_dir", "pki_key", "storage"]


def files_dir() -> Path:
    """The local directory of attachments (also where uploads wait while they are received)."""
    return Path(current_app.config["INSTANCE_DIR"]) / "files"


def pki_dir() -> Path:
    configured = current_app.config.get("PKI_DIR")
    return Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "pki"


def check_config(config) -> None:
    """Refuse to start with an unknown backend (rather than fail at the first upload)."""
    name = config.get("STORAGE_BACKEND") or "local"
    if name not in BACKENDS:
        raise RuntimeError(f"STORAGE_BACKEND={name!r}: expected one of {', '.join(BACKENDS)}")


def storage() -> Storage:
    """The backend of the current app's configuration."""
    name = current_app.config.get("STORAGE_BACKEND") or "local"
    if name == "database":
        return DatabaseStorage()
    if name == "local":
        return LocalStorage(files_dir(), pki_dir())
    raise RuntimeError(f"STORAGE_BACKEND={name!r}: expected one of {', '.join(BACKENDS)}")
