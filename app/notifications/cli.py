"""``flask outbox …``: deliver the e-mail outbox and inspect it.

Production runs one (or more — rows are claimed safely) long-lived worker::

    flask outbox deliver --loop --interval 15

``--once`` (the default) delivers what is due and exits, e.g. from cron or a systemd timer.
"""

from __future__ import annotations

import signal
import time

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.notifications import outbox
from app.notifications.models import OutboxEmail
from app.timeutil import local

outbox_cli = AppGroup("outbox", help="邮件发件箱：投递与查看。")


def _print(report: outbox.DeliveryReport) -> None:
    click.echo(f"已发送 {report.sent}，待重试 {report.retrying}，失败 {report.failed}"
               + (f"，恢复中断 {report.recovered}" if report.recovered else ""))
    for error in report.errors[:5]:
        click.echo(f"  错误：{error}", err=True)


@outbox_cli.command("deliver")
@click.option("--once", "mode", flag_value="once", default=True, help="投递到期邮件后退出（默认）。")
@click.option("--loop", "mode", flag_value="loop", help="持续运行，每隔 --interval 秒检查一次。")
@click.option("--interval", default=15, show_default=True, type=click.IntRange(1, 3600), help="轮询间隔（秒）。")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100000), help="每轮最多投递的邮件数。")
def deliver(mode: str, interval: int, limit: int) -> None:
    """投递到期的邮件（SMTP 设置见 SMTP_HOST 等配置）。"""
    if mode == "once":
        report = outbox.deliver_due(limit=limit)
        _print(report)
        return
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"邮件投递进程已启动，每 {interval} 秒检查一次（Ctrl+C 或 SIGTERM 结束）")
    while not stopping:
        try:
            report = outbox.deliver_due(limit=limit)
        except (SQLAlchemyError, OSError) as exc:  # keep the worker alive through a database hiccup
            db.session.rollback()
            click.echo(f"投递出错：{exc}", err=True)
        else:
            if report.attempted or report.recovered:
                _print(report)
        db.session.remove()
        for _ in range(interval * 10):
            if stopping:
                break
            time.sleep(0.1)
    click.echo("邮件投递进程已结束")


@outbox_cli.command("status")
def status() -> None:
    """各状态邮件数，以及最近的失败原因。"""
    counts = outbox.status_counts()
    labels = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "已失败"}
    for key, label in labels.items():
        click.echo(f"{label}：{counts.get(key, 0)}")
    oldest = db.session.execute(
        select(OutboxEmail.created_at).where(OutboxEmail.status == "pending").order_by(OutboxEmail.created_at).limit(1)
    ).scalar()
    if oldest:
        click.echo(f"最早待发送：{local(oldest):%Y-%m-%d %H:%M}")
    failed = db.session.execute(
        select(OutboxEmail).where(OutboxEmail.status.in_(("failed", "pending")), OutboxEmail.last_error.is_not(None))
        .order_by(OutboxEmail.id.desc()).limit(5)
    ).scalars()
    for row in failed:
        click.echo(f"  #{row.id} {row.to_address} 尝试 {row.attempts} 次：{row.last_error}")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
def retry(ids: tuple[int, ...]) -> None:
    """将已失败的邮件（全部或指定编号）重新放回待发送。"""
    click.echo(f"已重新排队 {outbox.retry_failed(list(ids))} 封邮件")
