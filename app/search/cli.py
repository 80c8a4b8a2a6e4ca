"""``flask search rebuild`` (progress bar) and ``flask search check`` (exit 1 when stale)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from app.opinions.models import Opinion
from app.search import service

search_cli = AppGroup("search", help="类案检索索引：重建与核对")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Re-index every issued opinion from the database (searches keep working meanwhile)."""
    total = db.session.scalar(select(func.count()).select_from(Opinion)
                              .where(Opinion.status.in_(service.SEARCHABLE), Opinion.issued_at.is_not(None)))
    with click.progressbar(length=total, label=f"重建索引（{service.backend().name}）") as bar:
        count = service.rebuild(bar.update)
    click.echo(f"已索引 {count} 份意见书")


@search_cli.command("check")
def check_command() -> None:
    """List opinions missing from the index or indexed with stale content; exit 1 if any."""
    report = service.check()
    click.echo(f"索引中 {report.indexed} 份，应有 {report.expected} 份（{service.backend().name}）")
    for label, ids in (("缺失", report.missing), ("过期", report.stale), ("多余", report.extra)):
        if ids:
            shown = ", ".join(map(str, ids[:50])) + (" …" if len(ids) > 50 else "")
            click.echo(f"{label} {len(ids)} 份：{shown}")
    if not report.ok:
        click.echo("索引与数据库不一致：请运行 flask search rebuild", err=True)
        raise SystemExit(1)
    click.echo("索引与数据库一致")
