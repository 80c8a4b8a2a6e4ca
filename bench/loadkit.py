"""A served instance for the load bench and the fault tests: a scratch database (SQLite file or a
PostgreSQL database of its own), migrated and seeded with the project's own commands
(`db upgrade`, `pki init`, `seed demo`, `search rebuild`), served by gunicorn on loopback.

Used by bench/load.py and tests/load, tests/faults. Everything it makes it removes again.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN = os.environ.get("LOAD_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "Xinfang2026"  # the published demo credential (app/seed/demo.py)

# One process runs the project's own set-up commands (saves ~2 s of imports per command).
_PREPARE = """
import sys
from app import create_app
app = create_app()
runner = app.test_cli_runner()
for args in (["db", "upgrade"], ["pki", "init"], ["seed", "demo", "--quiet"], ["search", "rebuild"]):
    result = runner.invoke(args=args, catch_exceptions=False)
    if result.exit_code:
        sys.exit(f"{' '.join(args)} failed: {result.output}")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_execute(sql: str, url: str = PG_ADMIN) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


class Instance:
    """``with Instance("postgresql", workers=4) as inst:`` → ``inst.base_url`` serves the demo."""

    def __init__(self, db: str = "sqlite", workers: int = 2, timeout: int = 60, extra_env: dict | None = None,
                 pg_admin: str | None = None):
        self.db, self.workers, self.timeout = db, workers, timeout
        self.pg_admin = pg_admin or PG_ADMIN
        self.dir = Path(tempfile.mkdtemp(prefix=f"xf-load-{db}-"))
        self.dbname = f"xf_load_{os.getpid()}_{int(time.time() * 1000) % 100000}"
        if db == "postgresql":
            self.url = self.pg_admin.rsplit("/", 1)[0] + "/" + self.dbname
        else:
            self.url = f"sqlite:///{self.dir / 'platform.db'}"
        self.env = {**os.environ, "DATABASE_URL": self.url, "INSTANCE_DIR": str(self.dir / "instance"),
                    "SECRET_KEY": "load-bench-secret", "FLASK_APP": "app", "SMTP_PORT": "1",
                    "PUBLIC_BASE_URL": "http://127.0.0.1", **(extra_env or {})}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None

    # ------------------------------------------------------------------ life cycle
    def __enter__(self) -> Instance:
        try:
            t0 = time.monotonic()
            self.prepare()
            t1 = time.monotonic()
            self.start()
            self.timings = {"prepare_s": round(t1 - t0, 1), "start_s": round(time.monotonic() - t1, 1)}
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def prepare(self) -> None:
        if self.db == "postgresql":
            pg_execute(f'CREATE DATABASE "{self.dbname}"', self.pg_admin)
        (self.dir / "instance").mkdir(parents=True)
        subprocess.run([PYTHON, "-c", _PREPARE], cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=300)

    def start(self) -> None:
        log = open(self.dir / "gunicorn.log", "ab")  # noqa: SIM115 (kept open while the server runs)
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", str(self.timeout), "--graceful-timeout", "5", "--no-control-socket", "app:create_app()"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log)
        self.wait_ready()

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.server is not None and self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + "/login", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer: {self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children (its workers)."""
        assert self.server is not None
        path = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def log_tail(self, chars: int = 3000) -> str:
        path = self.dir / "gunicorn.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def flask(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        """Run ``flask --app app ARGS`` against this instance."""
        return subprocess.run([PYTHON, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def engine(self):
        from sqlalchemy import create_engine

        url = self.url.replace("postgresql://", "postgresql+psycopg://", 1)
        return create_engine(url)

    def close(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.db == "postgresql":
            try:
                pg_execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)', self.pg_admin)
            except Exception as err:
                print(f"could not drop {self.dbname}: {err}", file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)
