from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit.service import verify

audit_cli = AppGroup("audit", help="审计日志 / audit log")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check the hash chain; exit 1 naming the first altered or removed entry."""
    result = verify()
    if result.ok:
        click.echo(f"OK: {result.checked} audit entries, hash chain intact.")
        return
    click.echo(f"FAILED at audit entry id={result.bad_id}: {result.problem}", err=True)
    raise SystemExit(1)
