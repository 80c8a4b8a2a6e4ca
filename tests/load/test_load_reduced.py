"""The load bench at reduced scale (bench/load.py): gunicorn on loopback with the documented
worker count, 8 simulated users for 15 s running the real mix on the database of this test run
(SQLite, or PostgreSQL under TEST_DATABASE_URL). Asserts outcomes only, never timings: no 5xx,
no lost update among racing draft saves, document numbers 1..n per office and year matching the
counter, and an intact audit chain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _db_and_env() -> tuple[str, dict]:
    env = dict(os.environ)
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        env["LOAD_PG_URL"] = url.rsplit("/", 1)[0] + "/postgres"
        return "postgresql", env
    return "sqlite", env


def test_reduced_load_holds(tmp_path):
    db, env = _db_and_env()
    out = tmp_path / "load.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), "--db", db, "--users", "8",
                           "--duration", "15", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=400)
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["errors_5xx"] == 0, result["errors_5xx_sample"]
    assert result["transport_errors"] == 0, result["transport_errors_sample"]
    assert result["workflow_error_count"] == 0, result["workflow_errors"]
    assert result["opinions_issued"] >= 1 and result["opinions_drafted"] >= result["opinions_issued"]
    assert result["lost_updates"] == []
    assert result["number_problems"] == []
    assert result["numbered_opinions"] >= result["opinions_issued"]
    assert result["audit_verify_ok"], result["audit_verify_output"]
    assert proc.returncode == 0, proc.stdout[-2000:]
