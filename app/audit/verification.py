"""Verifying the audit log (``flask audit verify`` and the admin page's button): what it proves.

Two things are kept outside the database: the **audit key** (``AUDIT_KEY``, else
``<INSTANCE_DIR>/audit_key``, mode 0600) and the **checkpoints** (``checkpoints.jsonl`` in
``AUDIT_CHECKPOINT_DIR``, default ``<INSTANCE_DIR>/audit``), each a signed record of the chain's
head — entry count, last id, last hash, time — written every ``AUDIT_CHECKPOINT_EVERY`` entries
(default 100), when the keyed chain starts, and by every verify run that found the chain intact.

Verify walks the chain in id order and then checks every checkpoint against it. It fails, naming
the first altered or removed entry, or the checkpoint that no longer matches, when:

- an entry's fields were changed (its HMAC no longer matches), or an entry was removed from the
  middle (the next entry's link no longer matches);
- an entry was changed and the chain after it recomputed without the key — with the old unkeyed
  formula (an unkeyed entry after a keyed one is refused) or with any other key;
- the newest entries were removed: the table now ends before a checkpoint's last id, or the entry
  at that id has another hash, or the count up to it differs;
- a checkpoint line was edited or forged (its signature does not match the key).

What it cannot prove:

- Whoever holds both the database and the key can rewrite everything, checkpoints included, unless
  the checkpoint directory is on a volume they cannot rewrite (write-once storage, another host's
  mount, separate permissions). Keep the key away from database administrators and backups of the
  database, and the checkpoints away from both.
- Removing the newest entries after the last checkpoint is detected only up to the checkpoint
  interval: at most ``AUDIT_CHECKPOINT_EVERY`` entries (fewer if a verify run wrote a newer
  checkpoint) can disappear unnoticed. Run ``flask audit verify`` often (e.g. hourly from cron):
  each run anchors the head it has just proved.
- Deleting lines from the checkpoint file, or the whole file, cannot be detected from the database;
  what remains is checked. That is why the directory should be append-only for the application.
- Entries written before the chain was keyed (plain SHA-256, "legacy") are protected only by the
  keyed entries and checkpoints that follow them: the first keyed entry links to the last legacy
  hash, and a checkpoint is written when the keyed chain starts. Until that first checkpoint
  exists, a forger could rewrite the legacy part and recompute it.
- Losing the key makes every keyed entry and checkpoint unverifiable; changing it looks exactly
  like tampering. The key is not rotated.
- It says nothing about changes that were never audited, nor about the truth of a summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from app.audit import checkpoints
from app.audit.chain import GENESIS, scheme_of, values_of
from app.audit.keys import audit_key, key_file_warning
from app.audit.models import AuditEntry
from app.extensions import db


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str = ""
    keyed: int = 0
    legacy: int = 0
    checkpoints: int = 0
    anchored: checkpoints.Checkpoint | None = None  # the checkpoint this run wrote
    warnings: list[str] = field(default_factory=list)

    @property
    def location(self) -> str:
        return f"audit entry id={self.bad_id}" if self.bad_id is not None else "checkpoint file"


@dataclass
class _Walk:
    """What one pass over the chain found: the first broken entry, and the facts at the ids
    checkpoints name (position in the chain and hash)."""

    checked: int = 0
    keyed: int = 0
    legacy: int = 0
    last_id: int | None = None
    bad_id: int | None = None
    problem: str = ""
    at_ids: dict[int, tuple[int, str]] = field(default_factory=dict)


def _walk(key: bytes, wanted_ids: set[int]) -> _Walk:
    walk = _Walk()
    prev = GENESIS
    # populate_existing: check what the database holds now, not entries cached in this session
    # (a caller that loaded entries earlier would otherwise be shown its own stale copies).
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(populate_existing=True, yield_per=2000)
    for entry in db.session.execute(stmt).scalars():
        walk.checked += 1
        problem = _entry_problem(entry, prev, key, walk)
        if problem:
            walk.bad_id, walk.problem = entry.id, problem
            return walk
        if entry.id in wanted_ids:
            walk.at_ids[entry.id] = (walk.checked, entry.hash)
        prev, walk.last_id = entry.hash, entry.id
    return walk


def _entry_problem(entry: AuditEntry, prev: str, key: bytes, walk: _Walk) -> str:
    if entry.prev_hash != prev:
        return "前一条记录被删除或改动（链接哈希不符）"
    scheme = scheme_of(values_of(entry), entry.hash, key)
    if scheme == "keyed":
        walk.keyed += 1
    elif scheme == "legacy" and not walk.keyed:
        walk.legacy += 1  # written before the chain was keyed
    elif scheme == "legacy":
        return "记录在密钥链开始之后按旧的无密钥算法重新计算（被改动后重算哈希）"
    else:
        return "记录内容被改动（哈希不符）"
    return ""


def _checkpoint_problem(walk: _Walk, line: int, cp: checkpoints.Checkpoint) -> tuple[int, str] | None:
    """(entry id to name, problem) if the chain no longer agrees with this checkpoint."""
    found = walk.at_ids.get(cp.last_id)
    if walk.last_id is None or cp.last_id > walk.last_id:
        end = f"表中最后一条为 id={walk.last_id}" if walk.last_id is not None else "审计表已为空"
        return cp.last_id, f"最新的审计记录被删除：{end}，但{cp.describe(line)}"
    if found is None:
        return cp.last_id, f"该记录已被删除，{cp.describe(line)}记录过它"
    position, stored_hash = found
    if stored_hash != cp.last_hash:
        return cp.last_id, f"该记录的哈希与{cp.describe(line)}不符（链被重算）"
    if position != cp.count:
        return cp.last_id, f"截至该记录现有 {position} 条，与{cp.describe(line)}不符"
    return None


def verify(anchor: bool = True) -> VerifyResult:
    """Walk the chain, check it against every checkpoint, and — if all is well and ``anchor`` —
    write a checkpoint of the head just proved. Reports the first problem found."""
    key = audit_key()
    directory = checkpoints.checkpoint_dir()
    # Checkpoints first, then the walk: a line is written only after its entries committed, so
    # every entry a line read now names is visible to the walk that follows (no false alarms
    # while workers keep appending).
    marks, bad_lines, unreadable = [], [], None
    try:
        if directory is not None:
            marks, bad_lines = checkpoints.read_checkpoints(directory, key)
    except OSError as exc:
        unreadable = f"检查点文件无法读取（{exc}）：无法发现最新记录被删除"
    walk = _walk(key, {cp.last_id for _, cp in marks})
    result = VerifyResult(False, walk.checked, keyed=walk.keyed, legacy=walk.legacy, checkpoints=len(marks))
    if walk.bad_id is not None:
        result.bad_id, result.problem = walk.bad_id, walk.problem
        return result
    if bad_lines:
        first = bad_lines[0]
        result.problem = f"检查点文件 {directory / checkpoints.CHECKPOINT_FILE} 第 {first.line} 行{first.why}：检查点被改动或伪造"
        return result
    for line, cp in sorted(marks, key=lambda mark: mark[1].last_id):
        found = _checkpoint_problem(walk, line, cp)
        if found:
            result.bad_id, result.problem = found
            return result
    result.ok = True
    result.warnings = [w for w in [unreadable, key_file_warning()] if w] + _warnings(walk, marks, directory)
    if anchor and directory is not None:
        _anchor(result, directory, key)
    return result


def _warnings(walk: _Walk, marks: list, directory) -> list[str]:
    """What an intact chain still leaves unproven here."""
    if directory is None:
        return ["检查点已关闭：无法发现最新记录被删除"]
    warnings = []
    if walk.legacy:
        warnings.append(f"{walk.legacy} 条早期记录使用旧的无密钥哈希，仅由其后的密钥记录和检查点保护")
    if walk.keyed and not marks:
        # one is written when the keyed chain starts: the directory was unwritable, moved or emptied
        warnings.append(f"{directory} 中没有检查点，但已有密钥记录：检查点目录不可写、已更换或文件被删除")
    every = current_app.config.get("AUDIT_CHECKPOINT_EVERY") or 0
    newest = max((cp.last_id for _, cp in marks), default=None)
    behind = walk.checked - (walk.at_ids[newest][0] if newest is not None else 0)
    if walk.checked and every and behind > every:
        warnings.append(f"最近一个检查点之后已有 {behind} 条记录（应每 {every} 条写一次）：检查点目录 {directory} 可能不可写")
    return warnings


def _anchor(result: VerifyResult, directory, key: bytes) -> None:
    """Write a checkpoint of the head this run proved (nothing to anchor in an empty log)."""
    checkpoint = checkpoints.head_checkpoint(db.session, "verify")
    if checkpoint is None or checkpoint.count != result.checked:
        return  # empty, or entries were appended meanwhile: the next run anchors them
    error = checkpoints.append(directory, checkpoints.signed_line(checkpoint, key))
    if error:
        result.warnings.append(f"未能写入检查点：{error}")
    else:
        result.anchored = checkpoint
