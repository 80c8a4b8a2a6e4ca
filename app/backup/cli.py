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
@click.option("--with-secrets", is_flag=True,
              help="同时备份实例目录中的审计密钥和开发环境签章口令文件（未由环境变量提供时；备份须同等保管）")
@with_appcontext
def backup_command(target: Path, with_secrets: bool) -> None:
    """在线备份：数据库、全部存储文件、签章密钥材料与审计检查点，附 SHA-256 清单。"""
    try:
        report = make_backup(target, with_secrets)
    except (BackupRefused, DatabaseToolError, OSError) as exc:
        raise click.ClickException(f"备份失败：{exc}") from None
    click.echo(f"备份完成：{report.path}（数据库 {report.database_file}，附件文件 {report.files} 个，"
               f"密钥材料 {report.pki} 个，共 {report.size / 1024 / 1024:.1f} MB）")
    if report.secrets:
        click.echo(f"备份中含密钥文件：{'、'.join(report.secrets)}（请像服务器本身一样保管该备份）")
    else:
        click.echo("备份中不含审计密钥和签章口令：恢复时须提供相同的 AUDIT_KEY 与 PKI_PASSPHRASE（或 --with-secrets）")


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
    if report.audited:
        click.echo("已记入审计日志；请运行 flask audit verify 核对审计日志")
    else:
        click.echo("警告：本实例没有审计密钥（AUDIT_KEY 或 --with-secrets 备份的密钥文件），恢复未记入审计日志，"
                   "审计日志也无法核验：请设置与原实例相同的 AUDIT_KEY", err=True)
