"""``flask backup --to DIR`` and ``flask restore --from DIR`` (see :mod:`app.backup`)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.backup.copy import BackupRefused, make_backup
from app.backup.database import DatabaseToolError
from app.backup.restore import RestoreRefused, restore_backup


@click.command("backup")
@click.option("--to", "target", required=True, type=click.Path(path_type=Path),
              help="新的备份目录（不存在或为空）")
@with_appcontext
def backup_command(target: Path) -> None:
    """在线备份：数据库、全部存储文件、签章密钥材料与审计检查点，附 SHA-256 清单。"""
    try:
        report = make_backup(target)
    except (BackupRefused, DatabaseToolError, OSError) as exc:
        raise click.ClickException(f"备份失败：{exc}") from None
    click.echo(f"备份完成：{report.path}（数据库 {report.database_file}，附件文件 {report.files} 个，"
               f"密钥材料 {report.pki} 个，共 {report.size / 1024 / 1024:.1f} MB）")


@click.command("restore")
@click.option("--from", "source", required=True, type=click.Path(path_type=Path), help="备份目录")
@with_appcontext
def restore_command(source: Path) -> None:
    """将备份恢复到空数据库（先校验清单，拒绝被改动的备份和非空数据库）。"""
    try:
        report = restore_backup(source)
    except (RestoreRefused, DatabaseToolError, OSError) as exc:
        raise click.ClickException(f"恢复失败：{exc}") from None
    click.echo(f"恢复完成：数据库版本 {report.revision}，附件文件 {report.files} 个，密钥材料 {report.pki} 个")
