"""Secrets the app keeps in the database (the session key, :func:`shared_secret`) or as files in
its ``INSTANCE_DIR`` (an old install's ``secret_key``, the audit key ``audit_key``): created when
first needed by an app — never when a module is imported, so importing the code or running the
tests writes nothing into the repository."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.extensions import db
from app.storage.models import AppSecret


def read_or_create_secret(path: Path) -> str:
    """The secret stored in ``path``; a new random one (mode 0600) if the file does not exist.
    Raises OSError when it can neither be read nor created."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    create_secret_file(path)
    return path.read_text().strip()


def create_secret_file(path: Path) -> None:
    """Write a new secret without a window where another process could read half of it: write a
    private temporary file, then link it into place (fails quietly if someone else was first,
    whose secret then holds)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another worker was first: use theirs
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def shared_secret(name: str, legacy_file: Path) -> str | None:
    """The deployment's secret ``name`` from the database (table ``app_secrets``), so that every
    app server behind the database signs with the same key. The first server to ask creates it —
    from ``legacy_file`` when an older install kept it there (its sessions stay valid), else at
    random; a server that loses the race reads the winner's. None while the table does not exist
    yet (``flask db upgrade`` itself starts the app); a database that cannot be reached raises."""
    if not inspect(db.engine).has_table(AppSecret.__tablename__):
        return None
    query = select(AppSecret.value).where(AppSecret.name == name)
    try:
        value = db.session.execute(query).scalar()
        if value:
            return value
        try:
            candidate = legacy_file.read_text().strip()
        except OSError:
            candidate = ""
        db.session.add(AppSecret(name=name, value=candidate or secrets.token_hex(32)))
        db.session.commit()
    except IntegrityError:  # another server was first: use its secret
        db.session.rollback()
    try:
        return db.session.execute(query).scalar_one()
    finally:
        db.session.remove()


def session_key(app) -> str | None:
    """The app's session key when the environment gives none: the database's (or, before the
    schema exists, the file's). None while the database cannot be reached: the app then starts
    anyway and :class:`DeferredKeySessionInterface` reads the key at the first request that can —
    a server restarted during a database outage must not come up with a key of its own."""
    legacy = Path(app.config["INSTANCE_DIR"]) / "secret_key"
    try:
        with app.app_context():
            key = shared_secret("secret_key", legacy)
    except SQLAlchemyError as exc:
        app.logger.warning("session key not read: database unavailable (%s); retried at the next request", exc)
        return None
    return key or read_or_create_secret(legacy)


class DeferredKeySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the key fetched when first needed (see session_key).
    Until the database answers, requests have no session (signed out)."""

    def get_signing_serializer(self, app):
        if not app.config.get("SECRET_KEY"):
            key = session_key(app)
            if not key:
                return None
            app.config["SECRET_KEY"] = key
        return super().get_signing_serializer(app)
