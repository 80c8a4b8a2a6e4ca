"""Whole instances for the operations tests: a fresh database (a SQLite file, or a PostgreSQL
database of its own when TEST_DATABASE_URL names a server — a backup dumps a whole database) and a
fresh INSTANCE_DIR, migrated to head, each with its own app."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db


def on_postgresql() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def _admin_url() -> str:
    return "postgresql+psycopg://" + os.environ["TEST_DATABASE_URL"].split("://", 1)[1]


@dataclass
class Instance:
    name: str
    directory: Path
    url: str
    settings: dict = field(default_factory=dict)
    _app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            self._app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": self.url, "INSTANCE_DIR": str(self.directory),
                                               **self.settings})
        return self._app

    def migrate(self) -> None:
        from flask_migrate import upgrade

        with self.app.app_context():
            upgrade()

    def env(self) -> dict[str, str]:
        """The environment for a ``flask`` process of this instance."""
        url = make_url(self.url).render_as_string(hide_password=False)
        return {**os.environ, "DATABASE_URL": url, "INSTANCE_DIR": str(self.directory), "APP_ENV": "development"}

    def dispose(self) -> None:
        if self._app is not None:
            with self._app.app_context():
                db.session.remove()
                db.engine.dispose()


class Instances:
    """Makes instances and removes their databases and directories afterwards."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="xf-ops-"))
        self.made: list[Instance] = []
        self.databases: list[str] = []

    def new(self, name: str, **settings) -> Instance:
        directory = self.root / name
        directory.mkdir()
        if on_postgresql():
            database = f"xf_ops_{name}_{os.getpid()}_{secrets.token_hex(3)}"
            admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
            admin.dispose()
            self.databases.append(database)
            url = make_url(_admin_url()).set(database=database).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{directory / 'platform.db'}"
        instance = Instance(name, directory, url, settings)
        self.made.append(instance)
        return instance

    def close(self) -> None:
        for instance in self.made:
            instance.dispose()
        if self.databases:
            admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for database in self.databases:
                    with contextlib.suppress(Exception):
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(self.root, ignore_errors=True)
