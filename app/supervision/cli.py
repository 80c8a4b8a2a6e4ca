"""``flask supervision run [--today YYYY-MM-DD]``: the alerts job (cron-friendly, idempotent,
safe to start on several servers at once — see :mod:`app.supervision.run`).

``flask supervision recompute-deadlines [--dry-run]``: after a change of ``SUPERVISION_RULES``,
the stored handling due dates of open cases under the rules in force (idempotent, same safety —
see :mod:`app.supervision.recompute`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import TypeVar

import click
from flask.cli import AppGroup

from app import clock
from app.extensions import db
from app.supervision import recompute
from app.supervision import run as supervision_run
from app.timeutil import SHANGHAI

T = TypeVar("T")

supervision_cli = AppGroup("supervision", help="督办：期限提醒与超期提级、期限规则变更后重算办理期限。")


def _one_transaction(job: Callable[[], T], keep: bool = True) -> T:
    """Run a job as one transaction: committed when it went through and ``keep``, else rolled back."""
    try:
        result = job()
        if keep:
            db.session.commit()
        else:
            db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    return result


@supervision_cli.command("run")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="按该日期判断（默认今天，Asia/Shanghai）。")
def run_command(today: datetime | None) -> None:
    """Flag due-soon and overdue items and notify once per threshold crossed."""
    if today is not None:
        at = datetime.combine(today.date(), time(9), SHANGHAI).astimezone(UTC)
        with clock.frozen(at):
            report = _one_transaction(supervision_run.run)
    else:
        report = _one_transaction(supervision_run.run)
    for line in report.lines():
        click.echo(line)


@supervision_cli.command("recompute-deadlines")
@click.option("--dry-run", is_flag=True, help="只统计将变更的件数，不保存。")
def recompute_deadlines_command(dry_run: bool) -> None:
    """After SUPERVISION_RULES changed: recompute the stored handling due date of every open case."""
    report = _one_transaction(recompute.recompute, keep=not dry_run)
    for line in report.lines():
        click.echo(line + ("（试运行，未保存）" if dry_run else ""))
