"""Benchmark of ``flask backup`` / ``flask restore`` (issue 13, point 1), against the plain copy
of the same database as baseline: a file copy of the SQLite database, or ``pg_dump``/``pg_restore``
(custom format) on PostgreSQL.

Run: ``.venv/bin/python bench/backup.py [--cases 100000] [--postgresql URL]`` (a few minutes at
100,000 cases). For the demo data (``flask seed demo`` plus a few attachments) and then for the
same instance with ``--cases`` more cases inserted in bulk with one SQL statement, it prints each
figure next to its baseline as a ratio:

* backup: ``make_backup`` (database copy, every stored file with its SHA-256, key material,
  manifest) vs. copying the database alone;
* restore: ``restore_backup`` into a fresh, empty database and instance (manifest check, database,
  files) vs. loading the plain copy alone.

Timings on a shared machine are inflated by the others' load; the ratio is the figure to read.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text

from app.backup import database
from app.backup.copy import make_backup
from app.backup.restore import restore_backup
from app.extensions import db
from app.orgs.models import Organization
from tests.backup.instances import Instances
from tests.backup.populate import populate

SUMMARY = "信访人反映其房屋被列入征收范围后，对评估机构作出的评估价格有异议，认为同地段近期成交价明显高于评估价。" * 2


def bulk_cases(instance, count: int) -> None:
    """``count`` cases of one office in one INSERT … SELECT (recursive CTE / generate_series)."""
    with instance.app.app_context():
        org = db.session.execute(select(Organization.id).where(Organization.kind == "petition_office")).scalars().first()
        columns = ("case_number, title, summary, claims, category, region_code, handling_org_id, first_petition_date, "
                   "repeat_letters, repeat_visits, repeat_online, cross_flags, responsible_leader, is_backlog, status, "
                   "created_at, updated_at, version")
        if db.engine.dialect.name == "sqlite":
            sql = (f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
                   f"INSERT INTO cases ({columns}) SELECT printf('BENCH-%08d', i), '批量生成的信访事项' || i, :summary, "
                   f"'要求依法处理', 'land_expropriation', '320100', :org, '2025-03-01', 0, 0, 0, '[]', '张某', 0, "
                   f"'registered', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1 FROM n")
        else:
            sql = (f"INSERT INTO cases ({columns}) SELECT 'BENCH-' || lpad(i::text, 8, '0'), '批量生成的信访事项' || i, "
                   f":summary, '要求依法处理', 'land_expropriation', '320100', :org, DATE '2025-03-01', 0, 0, 0, '[]', "
                   f"'张某', false, 'registered', TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01', 1 "
                   f"FROM generate_series(1, :count) AS i")
        db.session.execute(text(sql), {"count": count, "summary": SUMMARY, "org": org})
        db.session.commit()
        db.session.remove()


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def baseline_copy(instance, out: Path) -> float:
    """Copy the database alone: the SQLite file (and its WAL), or pg_dump --format=custom."""
    with instance.app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            path = Path(engine.url.database)
            started = time.perf_counter()
            for suffix in ("", "-wal"):
                if Path(f"{path}{suffix}").exists():
                    shutil.copyfile(f"{path}{suffix}", out / f"plain.db{suffix}")
            return time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(["pg_dump", "--format=custom", "--file", str(out / "plain.pgdump"),
                        "--dbname", database.libpq_url(engine)], check=True)
        return time.perf_counter() - started


def baseline_load(instances, out: Path) -> float:
    """Load the plain copy into a new database: a file copy, or pg_restore."""
    fresh = instances.new(f"plain{len(instances.made)}")
    with fresh.app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            started = time.perf_counter()
            shutil.copyfile(out / "plain.db", Path(engine.url.database))
            return time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(["pg_restore", "--no-owner", "--single-transaction", "--dbname",
                        database.libpq_url(engine), str(out / "plain.pgdump")], check=True)
        return time.perf_counter() - started


def measure(instances, source, label: str) -> None:
    work = instances.root / f"work-{label}"
    work.mkdir()
    with source.app.app_context():
        cases = db.session.execute(text("SELECT count(*) FROM cases")).scalar_one()
        db.session.remove()
    base_backup = baseline_copy(source, work)
    with source.app.app_context():
        seconds_backup, report = timed(lambda: make_backup(work / "backup"))
        db.session.remove()
    base_restore = baseline_load(instances, work)
    target = instances.new(f"restored{len(instances.made)}")
    with target.app.app_context():
        seconds_restore, _ = timed(lambda: restore_backup(work / "backup"))
        restored = db.session.execute(text("SELECT count(*) FROM cases")).scalar_one()
        db.session.remove()
    assert restored == cases, (restored, cases)
    size = report.size / 1024 / 1024
    print(f"{label}: {cases} cases, {report.files} stored files, backup {size:.1f} MB")
    print(f"  backup   {seconds_backup:7.2f} s   baseline (plain copy) {base_backup:7.2f} s   "
          f"ratio {seconds_backup / max(base_backup, 1e-6):6.1f}×")
    print(f"  restore  {seconds_restore:7.2f} s   baseline (plain load) {base_restore:7.2f} s   "
          f"ratio {seconds_restore / max(base_restore, 1e-6):6.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases inserted in bulk for the second figure")
    parser.add_argument("--postgresql", metavar="URL", help="a PostgreSQL server (a database is created per instance)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.postgresql:
        os.environ["TEST_DATABASE_URL"] = args.postgresql
    else:
        os.environ.pop("TEST_DATABASE_URL", None)
    instances = Instances()
    try:
        source = instances.new("source", AUDIT_CHECKPOINTS=True)
        source.migrate()
        seconds, _ = timed(lambda: populate(source.app))
        print(f"database: {'PostgreSQL' if args.postgresql else 'SQLite'}; demo data loaded in {seconds:.1f} s "
              "(timings on a shared machine: others' load inflates them)")
        measure(instances, source, "demo")
        seconds, _ = timed(lambda: bulk_cases(source, args.cases))
        print(f"inserted {args.cases} cases in {seconds:.1f} s")
        measure(instances, source, f"demo + {args.cases} cases")
    finally:
        instances.close()


if __name__ == "__main__":
    main()
