"""``STORAGE_BACKEND=local``: files in this server's directories, the layout of old installs —
``<INSTANCE_DIR>/files/<sha[:2]>/<sha>`` and ``<PKI_DIR>/<relative>`` (mode 0600).

Deletes while a backup runs: the backup snapshots the database, then copies the files. A file
whose last row was deleted after the snapshot must still reach the backup, so a delete first
moves the file to ``files/trash/`` and unlinks it only if no backup is running (a marker in
``files/backups/``); the backup reads missing files from the trash and empties it at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from app.storage.base import CHUNK

TRASH = "trash"
BACKUPS = "backups"


class LocalStorage:
    name = "local"

    def __init__(self, files_root: Path, pki_root: Path):
        self.files_root = Path(files_root)
        self.pki_root = Path(pki_root)

    def _path(self, key: str) -> Path:
        area, _, rest = key.partition("/")
        if area == "files":
            return self.files_root / rest[:2] / rest
        if area == "pki":
            return self.pki_root / rest
        raise ValueError(f"unknown storage key {key!r}")

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def put_file(self, key: str, path: Path) -> bool:
        """Link an upload from our own ``files/tmp`` into place, copy anything else (a restore
        must not share inodes with the backup it reads)."""
        target = self._path(key)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            if Path(path).resolve().is_relative_to(self.files_root.resolve()):
                os.link(path, tmp)
            else:
                shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return True

    def put_bytes(self, key: str, data: bytes) -> None:
        """A new file readable by its owner only, never half-written, never overwritten."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.link(tmp, target)  # FileExistsError when another process was first
        finally:
            tmp.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def chunks(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return _read_path(path)

    def read_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        path = self._path(key)
        if not key.startswith("files/"):
            path.unlink(missing_ok=True)
            return
        trash = self.files_root / TRASH / path.name
        trash.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, trash)
        except FileNotFoundError:
            return
        if not self.backup_running():
            trash.unlink(missing_ok=True)

    def keys(self, prefix: str) -> Iterator[str]:
        area = prefix.partition("/")[0]
        root = self.files_root if area == "files" else self.pki_root
        if not root.is_dir():
            return iter(())
        found = []
        for path in root.rglob("*"):
            rel = path.relative_to(root).as_posix()
            if not path.is_file() or path.name.startswith(".") or rel.split("/")[0] in (TRASH, BACKUPS, "tmp"):
                continue
            key = f"files/{path.name}" if area == "files" else f"pki/{rel}"
            if key.startswith(prefix):
                found.append(key)
        return iter(sorted(found))

    # ------------------------------------------------------------------ backups

    def backup_running(self) -> bool:
        markers = self.files_root / BACKUPS
        return markers.is_dir() and any(markers.iterdir())

    @contextlib.contextmanager
    def backup_window(self):
        """While the block runs, deleted files wait in the trash (see the module docstring)."""
        marker = self.files_root / BACKUPS / f"{os.getpid()}-{secrets.token_hex(4)}"
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        try:
            yield
        finally:
            marker.unlink(missing_ok=True)
            if not self.backup_running():
                shutil.rmtree(self.files_root / TRASH, ignore_errors=True)

    def trashed_chunks(self, key: str) -> Iterator[bytes] | None:
        """A file deleted since the backup started, if it waits in the trash."""
        path = self.files_root / TRASH / key.partition("/")[2]
        return _read_path(path) if path.is_file() else None


def _read_path(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            yield block
