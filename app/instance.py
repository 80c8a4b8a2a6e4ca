"""Secrets the app keeps as files in its ``INSTANCE_DIR`` (the session key ``secret_key``, the
audit key ``audit_key``): created when first needed by an app — never when a module is imported,
so importing the code or running the tests writes nothing into the repository."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def read_or_create_secret(path: Path) -> str:
    """The secret stored in ``path``; a new random one (mode 0600) if the file does not exist.
    Raises OSError when it can neither be read nor created."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    create_secret_file(path)
    return path.read_text().strip()


def create_secret_file(path: Path) -> None:
    """Write a new secret without a window where another process could read half of it: write a
    private temporary file, then link it into place (fails quietly if someone else was first,
    whose secret then holds)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another worker was first: use theirs
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
