"""``manifest.json``: what a backup holds and the SHA-256 of every file, checked before a restore."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT = "xinfang-backup/1"
READ = 1024 * 1024


class BackupInvalid(Exception):
    """The backup directory is incomplete, altered or not a backup; the message says why."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(READ):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def write(root: Path, info: dict) -> dict:
    """Hash every file under ``root`` and write the manifest last."""
    files = {rel: {"size": (root / rel).stat().st_size, "sha256": sha256_file(root / rel)} for rel in _files(root)}
    manifest = {"format": FORMAT, **info, "files": files}
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def verify(root: Path) -> dict:
    """The manifest of the backup at ``root`` once every file matches it; BackupInvalid otherwise."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupInvalid(f"{root} 中没有 {MANIFEST}：不是完整的备份") from None
    except (OSError, ValueError) as exc:
        raise BackupInvalid(f"{MANIFEST} 无法读取：{exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupInvalid(f"{MANIFEST} 不是本平台的备份清单（格式 {FORMAT}）")
    listed = manifest["files"]
    present = set(_files(root))
    problems = [f"缺少文件 {rel}" for rel in sorted(set(listed) - present)]
    problems += [f"清单之外的文件 {rel}" for rel in sorted(present - set(listed))]
    for rel in sorted(set(listed) & present):
        entry = listed[rel]
        path = root / rel
        if not isinstance(entry, dict) or path.stat().st_size != entry.get("size") or sha256_file(path) != entry.get("sha256"):
            problems.append(f"文件 {rel} 与清单中的 SHA-256 不符")
    if problems:
        shown = "；".join(problems[:10]) + (f"；等共 {len(problems)} 处" if len(problems) > 10 else "")
        raise BackupInvalid(f"备份校验失败，拒绝恢复：{shown}")
    return manifest
