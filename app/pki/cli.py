"""``flask pki init | status | rotate | import-office`` — the deployment's signing keys.

Each command is one transaction with its audit entries (CLI commands commit themselves).
The key passphrase comes from ``PKI_PASSPHRASE``; a PKCS#12 password from the variable named
by ``--password-env`` (never on the command line, where ``ps`` would show it).
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup

from app.errors import AppError
from app.extensions import db
from app.pki import crypto, services, store

pki_cli = AppGroup("pki", help="签章证书：根证书、各信访部门的签名证书与轮换")


def _run(action):
    try:
        result = action()
        db.session.commit()
        return result
    except AppError as err:
        db.session.rollback()
        details = "；".join(f"{v}" for v in err.details.values()) if err.details else ""
        raise click.ClickException(f"{err.message} {details}".strip()) from None
    except crypto.PkiError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from None


@pki_cli.command("init")
@click.option("--common-name", default=services.ROOT_NAME, show_default=True, help="根证书的名称（CN）")
def init_command(common_name: str) -> None:
    """Create the root certificate (once) and a signing certificate for every petition office."""
    report = _run(lambda: services.init(common_name))
    click.echo(("已创建根证书" if report.root_created else "根证书已存在") + f"：SHA-256 {report.root_fingerprint}")
    click.echo(f"根证书文件：{store.pki_dir() / store.ROOT_CERT}（分发给需要验证签名的单位）")
    for cert in report.created:
        click.echo(f"  签发签章证书：{cert.organization.name}（序列号 {cert.serial}）")
    click.echo(f"新签发 {len(report.created)} 张单位签章证书")


@pki_cli.command("status")
def status_command() -> None:
    """The root and every office certificate (active and retired)."""
    root = store.root_cert()
    if root is None:
        click.echo("根证书：未初始化（flask pki init）")
    else:
        click.echo(f"根证书：{crypto.common_name(root)}，有效期至 {root.not_valid_after_utc:%Y-%m-%d}，"
                   f"SHA-256 {crypto.fingerprint(root)}")
    for cert in services.certificates():
        click.echo(f"  {cert.organization.name}\t{cert.status_label}\t{cert.source_label}\t序列号 {cert.serial[:16]}\t"
                   f"有效期至 {cert.not_after:%Y-%m-%d}")


@pki_cli.command("rotate")
@click.option("--office-id", type=int, required=True, help="信访部门（单位 id）")
def rotate_command(office_id: int) -> None:
    """A new key and certificate for one office; opinions signed before stay verifiable."""
    cert = _run(lambda: services.rotate(services.get_office(office_id)))
    click.echo(f"已轮换 {cert.organization.name} 的签章证书：新序列号 {cert.serial}")


@pki_cli.command("import-office")
@click.option("--office-id", type=int, required=True, help="信访部门（单位 id）")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="PKCS#12（.p12/.pfx）文件：私钥、签名证书及其证书链")
@click.option("--password-env", default="PKCS12_PASSWORD", show_default=True,
              help="存放 PKCS#12 口令的环境变量名")
def import_office_command(office_id: int, path: Path, password_env: str) -> None:
    """Use a certificate issued by a real certificate authority for one office."""
    password = os.environ.get(password_env) or None
    cert = _run(lambda: services.import_office(services.get_office(office_id), path.read_bytes(), password))
    click.echo(f"已为 {cert.organization.name} 导入签章证书：{cert.subject}（序列号 {cert.serial}）")
