"""Bootstrapping commands: `flask --app app users create …` and `flask --app app seed demo`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.auth.accounts import create_user
from app.errors import AppError
from app.extensions import db
from app.seed.demo import DEMO_LOGINS, LAST_RUN, seed_demo

users_cli = AppGroup("users", help="用户管理 / user accounts")
seed_cli = AppGroup("seed", help="示例数据 / demo data")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "officer", "agency", "expert"]))
@click.option("--display-name", default="")
@click.option("--organization-id", type=int, default=None)
@click.option("--expert-id", type=int, default=None)
def create_user_command(username, password, role, display_name, organization_id, expert_id) -> None:
    """Create a user without prompting."""
    try:
        user = create_user(None, {"username": username, "password": password, "role": role,
                                  "display_name": display_name, "organization_id": organization_id,
                                  "expert_id": expert_id})
        db.session.commit()
    except AppError as err:
        db.session.rollback()
        details = "；".join(f"{k}: {v}" for k, v in err.details.items()) if err.details else ""
        raise click.ClickException(f"{err.message} {details}".strip()) from None
    click.echo(f"created user {user.username} (id={user.id}, role={user.role})")


@seed_cli.command("demo")
@click.option("--experts", "expert_count", default=240, show_default=True, help="number of demo experts")
@click.option("--quiet", is_flag=True)
def seed_demo_command(expert_count: int, quiet: bool) -> None:
    """Load realistic, fictional demo data (idempotent: does nothing if it is already there)."""
    logins = seed_demo(expert_count=expert_count)
    if logins is None:
        click.echo("demo data already present; nothing to do")
    elif not quiet:
        counts = ", ".join(f"{k}={v}" for k, v in LAST_RUN.items() if k != "seconds")
        click.echo(f"demo data loaded in {LAST_RUN.get('seconds', 0):.1f} s: {counts}")


@seed_cli.command("logins")
def seed_logins_command() -> None:
    """Print the demo sign-ins (what `make run` shows)."""
    click.echo("Demo sign-ins (演示账号):")
    for username, password, role, note in DEMO_LOGINS:
        click.echo(f"  {username:<18} {password:<16} {role:<8} {note}")
