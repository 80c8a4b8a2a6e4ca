"""Benchmark of the opinion PDF: the naive WeasyPrint baseline against ours, side by side.

Run: ``.venv/bin/python bench/pdf.py`` (about a minute; ``--quick`` skips the slow
fontTools baseline). Renders the realistic five-page sample opinion
(:mod:`tests.documents.sample`, a fictional 征地拆迁 case) and prints:

* baseline — the same HTML, fonts named as installed (Noto Serif/Sans CJK SC, AR PL UKai),
  ``HTML(string=...).write_pdf()`` with default options; WeasyPrint subsets the 65k-glyph
  system fonts itself, with HarfBuzz when libharfbuzz-subset is installed, else with
  fontTools. Both are timed: the default here, and the fontTools path (one run, it is slow).
* ours, cold — ``render_pdf(doc, engine="grid")`` (the default engine: the grid typesetter
  of :mod:`app.documents.gridpdf`) from scratch each time: no cached PDF, new font cuts
  from the prepared core fonts; p50 over 20 runs, interleaved with the baseline runs so both
  see the same machine load. Also without prepared fonts.
* ours with the WeasyPrint engine — ``render_pdf(doc, engine="weasyprint")``: the same
  prepared fonts, laid out and written by WeasyPrint (the previous default), for comparison.
* serving a stored PDF — what a download of an issued opinion costs (read the bytes).

* issuing — what ``issue`` does with the PDF: render, lay out the seal and QR positions
  (:mod:`app.documents.marks`), sign (PAdES, seal image, QR and code; :mod:`app.pki.signing`),
  with a throw-away key; target p50 ≤ 150 ms (issue 12).

Wall-clock and CPU time are both shown: on a shared 2-core machine other processes inflate
wall-clock; CPU time is the renderer's own work. Targets: ours p50 ≤ 0.5 s, ≥ 10× faster.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import weasyprint
import weasyprint.pdf.fonts as weasy_fonts

from app.documents import fonts
from app.documents.fonts import FontPlan
from app.documents.pdf import render_pdf
from app.documents.preview import render_view
from tests.documents.sample import sample_opinion
from tests.verify.conftest import seal_png
from app.documents.marks import issue_marks
from app.pki import crypto
from app.pki.appearance import VerificationMark, outline_font
from app.pki.seal import prepare
from app.pki.signing import SigningMaterial, sign_opinion
from app.documents.structure import build_view

TARGET_S = 0.5
TARGET_ISSUE_S = 0.150
TARGET_RATIO = 10.0
NAIVE_FAMILIES = {
    "fangsong": ["Noto Serif CJK SC", "serif"],
    "songti": ["Noto Serif CJK SC", "serif"],
    "xiaobiaosong": ["Noto Serif CJK SC", "serif"],
    "heiti": ["Noto Sans CJK SC", "sans-serif"],
    "kaiti": ["AR PL UKai CN", "serif"],
}


def naive_html(doc) -> str:
    """Our template, but with the system fonts named as installed and no prepared fonts."""
    html = render_view(build_view(doc), plan=FontPlan(families=NAIVE_FAMILIES), print_media=True)
    return html.replace("</style>", ".gw-doc .doc-title { font-weight: bold; }</style>", 1)  # 小标宋 ≈ bold serif


def timed(function) -> tuple[float, float, bytes]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def issue_pdf(doc, prepared: Path, material: SigningMaterial, seal, mark: VerificationMark) -> bytes:
    """Issue-time work on the PDF: render, find the marks' places, sign with seal and QR."""
    pdf = render_pdf(doc, fonts=prepared, engine="grid")
    return sign_opinion(pdf, material, marks=issue_marks(doc, fonts=prepared), seal=seal, mark=mark,
                        font=outline_font(mark.chars, str(prepared)), name=doc.issuing_body, reason="印发",
                        location=doc.issuing_body, contact=mark.url)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def row(name: str, walls: list[float], cpus: list[float], size: int, note: str = "") -> None:
    p50, cpu50 = statistics.median(walls), statistics.median(cpus)
    spread = f"min {min(walls):6.3f}  max {max(walls):6.3f}" if len(walls) > 1 else " " * 25
    print(f"  {name:<52} {len(walls):>3}  {p50:7.3f} s  {cpu50:7.3f} s   {spread}  {size / 1024:6.0f} KiB  {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of ours (default 20)")
    parser.add_argument(
        "--baseline-runs", type=int, default=3, help="runs of the default baseline and of the WeasyPrint engine (default 3)"
    )
    parser.add_argument("--quick", action="store_true", help="skip the fontTools baseline (about 30 s)")
    args = parser.parse_args()

    doc = sample_opinion()
    html = naive_html(doc)
    original_subsetter = weasy_fonts.harfbuzz_subset
    harfbuzz_subset = bool(original_subsetter)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("Opinion PDF benchmark (bench/pdf.py)")
    print(f"  machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}, load avg {load:.2f}")
    own = "HarfBuzz (libharfbuzz-subset)" if harfbuzz_subset else "fontTools"
    print(f"  WeasyPrint {weasyprint.__version__}; its own subsetter here: {own}")

    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "fonts"
        build_wall, _, manifest = timed(lambda: fonts.build(prepared))
        again_wall, _, _ = timed(lambda: fonts.build(prepared))
        size = sum((prepared / name).stat().st_size for name in manifest["cores"].values())
        cores = len(manifest["cores"])
        print(f"  fonts prepared once: {cores} core fonts, {size / 1e6:.1f} MB, {build_wall:.2f} s (again: {again_wall:.3f} s)")
        for role, chain in manifest["chains"].items():
            first = chain[0] if chain else {"family": "-", "style": ""}
            print(f"    {fonts.ROLES[role].label:<4} {first['family']} {first['style']}")

        first_wall, _, first_pdf = timed(lambda: render_pdf(doc, fonts=prepared, engine="grid"))
        pages = len(weasyprint.HTML(string=html).render().pages)
        ours_pages = first_pdf.count(b"/Type /Page ")
        print(f"  document: {ours_pages} pages ({pages} in the baseline's fonts)")
        print(f"  first render in this process: {first_wall:.3f} s (imports, first font cuts)")
        print()
        print(f"  {'':<52} {'n':>3}  {'p50 wall':>9}  {'p50 CPU':>9}")

        ours_w, ours_c, base_w, base_c, weasy_w, weasy_c = [], [], [], [], [], []
        base_pdf = ours_pdf = weasy_pdf = b""
        for i in range(args.runs):
            if i % max(1, args.runs // args.baseline_runs) == 0 and len(base_w) < args.baseline_runs:
                wall, cpu, base_pdf = timed(lambda: weasyprint.HTML(string=html).write_pdf())
                base_w.append(wall)
                base_c.append(cpu)
                wall, cpu, weasy_pdf = timed(lambda: render_pdf(doc, fonts=prepared, engine="weasyprint"))
                weasy_w.append(wall)
                weasy_c.append(cpu)
            wall, cpu, ours_pdf = timed(lambda: render_pdf(doc, fonts=prepared, engine="grid"))
            ours_w.append(wall)
            ours_c.append(cpu)
        subsetter = "HarfBuzz" if harfbuzz_subset else "fontTools"
        row(f"baseline: WeasyPrint defaults ({subsetter} subsets)", base_w, base_c, len(base_pdf))

        ft_w = ft_c = None
        if not args.quick:
            weasy_fonts.harfbuzz_subset = None  # WeasyPrint's path without libharfbuzz-subset
            try:
                wall, cpu, ft_pdf = timed(lambda: weasyprint.HTML(string=html).write_pdf())
                ft_w, ft_c = [wall], [cpu]
                row("baseline: WeasyPrint defaults (fontTools subsets)", ft_w, ft_c, len(ft_pdf), "(architecture.md)")
                wall, cpu, _ = timed(lambda: render_pdf(doc, fonts=prepared, engine="weasyprint"))
                row("ours, WeasyPrint engine without HarfBuzz subset", [wall], [cpu], len(weasy_pdf))
            finally:
                weasy_fonts.harfbuzz_subset = original_subsetter

        row("ours, WeasyPrint engine, cold (prepared fonts)", weasy_w, weasy_c, len(weasy_pdf), "(previous default)")
        row("ours, grid engine, cold (prepared fonts)", ours_w, ours_c, len(ours_pdf))
        unprepared = Path(tmp) / "none"
        un_w, un_c = [], []
        for _ in range(3):
            wall, cpu, un_pdf = timed(lambda: render_pdf(doc, fonts=unprepared, engine="grid"))
            un_w.append(wall)
            un_c.append(cpu)
        row("ours, cold, fonts not prepared", un_w, un_c, len(un_pdf), "(cuts from the system fonts)")

        root_key = crypto.new_key()
        root = crypto.make_root(root_key, "bench root")
        key = crypto.new_key()
        material = SigningMaterial(key, crypto.make_office_cert(root_key, root, key, doc.issuing_body, 1), (root,))
        mark = VerificationMark("http://127.0.0.1:5000/verify/ABCD2345", "ABCD-2345", "扫码或访问 127.0.0.1:5000/verify 核验")
        seal = prepare(seal_png())
        issue_pdf(doc, prepared, material, seal, mark)  # the first signature builds pyHanko's signer
        is_w, is_c = [], []
        for _ in range(args.runs):
            wall, cpu, signed_pdf = timed(lambda: issue_pdf(doc, prepared, material, seal, mark))
            is_w.append(wall)
            is_c.append(cpu)
        row("issuing: render + marks + sign (seal, QR, PAdES)", is_w, is_c, len(signed_pdf))

        stored = Path(tmp) / "issued.pdf"
        stored.write_bytes(ours_pdf)
        serve = [timed(stored.read_bytes)[0] for _ in range(20)]
        row("serving an issued opinion (stored PDF)", serve, serve, len(ours_pdf))

    ours = statistics.median(ours_w)
    ours_cpu = statistics.median(ours_c)
    print()
    print(f"  ours p50: {ours:.3f} s wall, {ours_cpu:.3f} s CPU — target ≤ {TARGET_S} s: {'met' if ours <= TARGET_S else 'NOT met'}")
    issue_p50 = statistics.median(is_w)
    print(f"  issue-time render + sign p50: {issue_p50 * 1000:.0f} ms wall, {statistics.median(is_c) * 1000:.0f} ms CPU"
          f" — target ≤ {TARGET_ISSUE_S * 1000:.0f} ms: {'met' if issue_p50 <= TARGET_ISSUE_S else 'NOT met'}")
    ratio = statistics.median(base_w) / ours
    ratio_cpu = statistics.median(base_c) / ours_cpu
    print(
        f"  speed-up vs baseline ({subsetter}): {ratio:.1f}× wall, {ratio_cpu:.1f}× CPU"
        f" — target ≥ {TARGET_RATIO:.0f}×: {'met' if ratio >= TARGET_RATIO else 'NOT met'}"
    )
    if ft_w:
        print(
            f"  speed-up vs baseline (fontTools): {ft_w[0] / ours:.1f}× wall, {ft_c[0] / ours_cpu:.1f}× CPU"
            f" — target ≥ {TARGET_RATIO:.0f}×: {'met' if ft_w[0] / ours >= TARGET_RATIO else 'NOT met'}"
        )
    print(
        f"  grid engine vs WeasyPrint engine: {statistics.median(weasy_w) / ours:.1f}× wall,"
        f" {statistics.median(weasy_c) / ours_cpu:.1f}× CPU"
    )
    if first_pdf != ours_pdf:
        print("  note: renders differ between runs")
    else:
        print("  output deterministic: every grid render gave the same bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
