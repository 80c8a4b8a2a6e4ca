"""Benchmark: hostile roster uploads (issue 8, defect 1), each imported in a fresh process.

Run: ``.venv/bin/python bench/upload_bombs.py`` (about a minute). Builds each bomb
(tests/security/bombs.py, at the issue's sizes) in a process of its own, then for each starts a
new Python process that creates the app and runs ``roster.import_roster`` as an administrator on
it, and prints the time
taken, the outcome (HTTP status and error code) and the process's peak resident memory
(``ru_maxrss``) next to the figure issue 8 measured before the fix, as a ratio (peak / before).
A row "nothing" (the same process importing nothing) shows what the interpreter, Flask and
openpyxl take by themselves; a real 20,000-row roster (read only) shows a legitimate peak.
(This parent process stays small and builds nothing: Linux carries a parent's peak RSS over into
a child's ru_maxrss.)
"""

from __future__ import annotations

import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GiB = 1024 ** 3
MiB = 1024 ** 2


def real_roster(rows: int) -> bytes:
    from openpyxl import Workbook

    from tests.security.bombs import HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("专家名册")
    ws.append(HEADERS)
    for i in range(rows):
        ws.append([f"专家{i}", "市", "320100", f"南京大学法学院{i}", "教授", "行政法与行政诉讼、信访政策", f"136{i:08d}",
                   f"r{i}@example.cn", "在库", "2028-12-31", 3])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# (label, file name, builder in tests/security/bombs.py (or this module) and its arguments, peak
# before the fix in bytes or None). Files are built in a process of their own, see main().
CASES = [
    ("nothing (interpreter + app)", "", None, (), None),
    ("1.7 KB dimension A1:XFD1048576", "bomb.xlsx", "dimension_bomb", (), 4.9 * GiB),
    ("300,000 rows", "rows.xlsx", "many_rows", (300_000,), 1.7 * GiB),
    ("5 million cells in one row", "wide.xlsx", "wide_row", (5_000_000,), 1.7 * GiB),
    ("zip part inflating to 512 MiB", "zip.xlsx", "inflating_member", (512,), None),
    ("zip part of 200 MiB claiming 1 KiB", "lie.xlsx", "lying_member", (200,), None),
    ("styles.xml of 1 million formats", "styles.xlsx", "styles_bomb", (1_000_000,), None),
    ("shared string of 1 million runs", "rich.xlsx", "rich_text_bomb", (1_000_000,), None),
    ("CSV line of 9.9 million commas", "line.csv", "csv_long_line", (9_900_000,), None),
    ("CSV of 3 million rows", "rows.csv", "csv_many_rows", (3_000_000,), None),
    ("real roster, 20,000 rows (read only)", "real.xlsx", "real_roster", (20_000,), None),
]


def run_one(path: str, filename: str) -> None:
    """In the child: import the file, print JSON with the outcome, the time and the peak RSS."""
    from types import SimpleNamespace

    from app import create_app
    from app.errors import AppError
    from app.experts import roster

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": tempfile.mkdtemp()})
    admin = SimpleNamespace(id=1, username="bench", role="admin", organization_id=None, is_authenticated=True)
    with app.app_context(), open(path, "rb") as f:
        started = time.perf_counter()
        try:
            if not filename:
                outcome = "—"
            elif filename.startswith("real"):
                outcome = f"read {len(roster.read_table(filename, f))} rows"
            else:
                roster.import_roster(admin, filename, f)
                outcome = "accepted (!)"
        except AppError as err:
            outcome = f"{err.status} {err.code}"
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    print(json.dumps({"outcome": outcome, "seconds": elapsed, "peak": peak}))


def build_one(index: int, path: str) -> None:
    """In a builder process: write case ``index``'s file."""
    from tests.security import bombs

    _, _, builder, args, _ = CASES[index]
    data = b"" if builder is None else getattr(bombs, builder, None) or globals()[builder]
    Path(path).write_bytes(data(*args) if callable(data) else data)


def _child(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def main() -> None:
    print(f"upload bombs — {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"{'file':38} {'size':>9} {'outcome':>18} {'time':>7} {'peak RSS':>9} {'before':>8} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for index, (label, filename, _, _, before) in enumerate(CASES):
            path = Path(tmp) / (filename or "empty")
            built = _child("--build", str(index), str(path))
            out = built if built.returncode else _child("--one", str(path), filename)
            if out.returncode:
                print(f"{label:38} child failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            size = path.stat().st_size
            shown_before = f"{before / GiB:.1f} GiB" if before else "—"
            ratio = f"{r['peak'] / before:.3f}" if before else "—"
            print(f"{label:38} {size / 1024:>7.0f} K {r['outcome']:>18} {r['seconds']:>6.2f}s {r['peak'] / MiB:>6.0f} MiB"
                  f" {shown_before:>8} {ratio:>7}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        run_one(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "--build":
        build_one(int(sys.argv[2]), sys.argv[3])
    else:
        main()
