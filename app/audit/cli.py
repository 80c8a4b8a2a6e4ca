from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit.verification import VerifyResult, verify

audit_cli = AppGroup("audit", help="审计日志 / audit log")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check the keyed hash chain against the signed checkpoints, then anchor its head with a
    new checkpoint; exit 1 naming the first altered or removed entry or the failing checkpoint."""
    result = verify(anchor=True)
    for warning in result.warnings:
        click.echo(f"WARNING: {warning}", err=True)
    if not result.ok:
        click.echo(f"FAILED at {result.location}: {result.problem}", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {result.checked} audit entries, hash chain intact. {_summary(result)}")


def _summary(result: VerifyResult) -> str:
    parts = [f"keyed: {result.keyed}, legacy unkeyed: {result.legacy};",
             f"matched {result.checkpoints} checkpoint(s);"]
    if result.anchored:
        parts.append(f"new checkpoint at id={result.anchored.last_id}.")
    else:
        parts.append("no new checkpoint written.")
    return " ".join(parts)
