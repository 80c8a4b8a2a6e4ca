"""The interface every storage backend offers, and the names of what is stored.

Keys are ``files/<sha256>`` (attachments, content-addressed: the same bytes are stored once) and
``pki/<relative path>`` (the signing keys, encrypted, and certificates). Objects are written once
and never changed; a delete removes the whole object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

CHUNK = 1024 * 1024  # what one read, one write, one database row holds at most
_SHA = re.compile(r"^[0-9a-f]{64}$")
_PKI = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$")


def file_key(sha256: str) -> str:
    if not _SHA.match(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return f"files/{sha256}"


def pki_key(relative: str) -> str:
    if not _PKI.match(relative) or ".." in relative:
        raise ValueError(f"invalid key path: {relative!r}")
    return f"pki/{relative}"


class Storage(Protocol):
    name: str

    def put_file(self, key: str, path: Path) -> bool:
        """Store the file at ``path`` (read in chunks) under ``key``; False if ``key`` was there."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under a new ``key``; FileExistsError if it exists already."""

    def exists(self, key: str) -> bool: ...

    def chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes in pieces of at most CHUNK; FileNotFoundError (at once) if missing."""

    def read_bytes(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None:
        """Remove the object (nothing if it is not there)."""

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key starting with ``prefix`` (``files/``, ``pki/``), sorted."""

    def local_path(self, key: str) -> Path | None:
        """The object's file, if this backend keeps one (lets downloads use sendfile)."""
