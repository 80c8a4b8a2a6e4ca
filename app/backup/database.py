"""The database part of a backup: SQLite's online backup API, or ``pg_dump``/``pg_restore``.

SQLite's backup API copies the database page by page as one consistent state, while the app
keeps serving (WAL mode: readers and the writer carry on). ``pg_dump`` reads everything in one
repeatable-read snapshot; its major version must be at least the server's, or it refuses —
checked first, with a clear message, rather than read from pg_dump's error.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class DatabaseToolError(Exception):
    """A dump or restore tool is missing or failed; the message says what to do."""


def dialect(engine: Engine) -> str:
    return engine.dialect.name


def libpq_url(engine: Engine) -> str:
    """The engine's URL as pg_dump/pg_restore understand it (no ``+psycopg`` driver part)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def tables(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()


def revision(engine: Engine) -> str | None:
    if "alembic_version" not in tables(engine):
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise DatabaseToolError("内存中的 SQLite 数据库无法备份或恢复")
    return Path(database)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseToolError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client，主版本不低于服务器）")
    return path


def _major(version: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    return int(match.group(1)) if match else 0


def check_pg_tools(engine: Engine) -> str:
    """pg_dump's version line; DatabaseToolError if it is older than the server."""
    line = subprocess.run([_tool("pg_dump"), "--version"], capture_output=True, text=True,  # noqa: S603 (our argv)
                          check=True).stdout.strip()
    with engine.connect() as conn:
        server = conn.execute(text("SHOW server_version")).scalar()
    if _major(line.partition(")")[2] or line) < _major(server):
        raise DatabaseToolError(f"{line} 比数据库服务器（{server}）旧：请安装主版本不低于服务器的 PostgreSQL 客户端")
    return line


def dump(engine: Engine, out: Path) -> str:
    """Write the database into ``out``; returns the file name."""
    if dialect(engine) == "sqlite":
        src = sqlite3.connect(_sqlite_path(engine))
        dst = sqlite3.connect(out / SQLITE_FILE)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        return SQLITE_FILE
    if dialect(engine) == "postgresql":
        check_pg_tools(engine)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(out / PG_FILE),
              "--dbname", libpq_url(engine)], "pg_dump")
        return PG_FILE
    raise DatabaseToolError(f"不支持备份 {dialect(engine)} 数据库")


def restore(engine: Engine, backup_dir: Path, name: str) -> None:
    """Load the dump ``name`` into the (empty) database of ``engine``."""
    engine.dispose()
    if name == SQLITE_FILE:
        src = sqlite3.connect(backup_dir / SQLITE_FILE)
        dst = sqlite3.connect(_sqlite_path(engine))
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    check_pg_tools(engine)
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--dbname", libpq_url(engine), str(backup_dir / PG_FILE)], "pg_restore")


def _run(args: list[str], name: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True)  # noqa: S603 (argv we built, no shell)
    if result.returncode != 0:
        raise DatabaseToolError(f"{name} 失败（退出码 {result.returncode}）：{result.stderr.strip()[:800]}")
