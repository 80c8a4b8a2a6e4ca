"""Fonts for the opinion: which font prints each role, prepared once, subset per document.

Roles follow GB/T 9704-2012: 仿宋 (body), 小标宋 (title), 黑体 (``一、``), 楷体 (``（一）``),
宋体 (page numbers). Each role uses the official font when fontconfig finds it installed
and an open fallback otherwise (Noto Serif CJK SC, Noto Sans CJK SC, AR PL UKai).

Why: WeasyPrint spends nearly all of its time on big CJK fonts (65k glyphs) — shaping with
them, copying them and, above all, subsetting them when it writes the PDF (seconds with
fontTools). So:

1. ``python -m app.documents.fonts build [--dir DIR]`` prepares, once, a *core* font per
   source: the source cut down to the GBK repertoire plus punctuation (~22k glyphs, no
   hinting or layout tables), in ``instance/fonts/`` (or ``$DOCUMENT_FONTS_DIR``), with a
   ``manifest.json`` naming the sources. It is idempotent and takes about a second.
2. For every document, :func:`plan_fonts` cuts from those cores (with HarfBuzz, a few
   milliseconds) one tiny font per role holding exactly the characters the document
   prints in that role. Characters outside the core (𠮷 and other CJK Extension B
   characters) are cut from the full source fonts, then from the other roles' fonts, so
   nothing turns into a box. The tiny fonts are handed to WeasyPrint in memory and embedded
   whole (no subsetting left to do).

Without prepared fonts the same happens from the full system fonts (about 0.1 s slower);
without the ``uharfbuzz`` package (a requirement), WeasyPrint gets the installed fonts by
name and subsets them itself: every character still prints, but slowly and without the
em-box metrics, so lines of mixed fonts no longer keep the exact 22-line grid.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .layout import EM_BOX_ASCENT, EM_BOX_DESCENT

try:  # HarfBuzz's subsetter: milliseconds where fontTools takes seconds.
    import uharfbuzz as hb
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    hb = None

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
FONTS_DIR_ENV = "DOCUMENT_FONTS_DIR"
RESOURCE_SCHEME = "gwfont"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FONTS_DIR = REPO_ROOT / "instance" / "fonts"


@dataclass(frozen=True)
class RoleSpec:
    role: str
    label: str
    official: tuple[str, ...]  # fontconfig family names, most preferred first
    fallbacks: tuple[tuple[str, str], ...]  # (family, style) of open fonts
    generic: str


_SERIF = ("Noto Serif CJK SC", "Regular")
_SERIF_BOLD = ("Noto Serif CJK SC", "Bold")
_SANS = ("Noto Sans CJK SC", "Regular")
_KAI = ("AR PL UKai CN", "Book")
_MING = ("AR PL UMing CN", "Light")

# Last resort for characters the role fonts lack (CJK Extension B–F in rare names), used only
# when installed: Debian's fonts-hanazono (HanaMinA/B) and fonts-babelstone-han.
RARE_FALLBACKS = (("HanaMinA", None), ("HanaMinB", None), ("BabelStone Han", None))

ROLES: dict[str, RoleSpec] = {
    spec.role: spec
    for spec in (
        RoleSpec(
            "fangsong",
            "仿宋",
            ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong"),
            (_SERIF, _MING, _SANS),
            "serif",
        ),
        RoleSpec(
            "xiaobiaosong",
            "小标宋",
            ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05"),
            (_SERIF_BOLD, _SERIF, _SANS),
            "serif",
        ),
        RoleSpec(
            "heiti",
            "黑体",
            ("黑体", "SimHei", "方正黑体_GBK", "方正黑体简体"),
            (_SANS, ("Noto Sans CJK SC", "Bold"), _SERIF),
            "sans-serif",
        ),
        RoleSpec(
            "kaiti",
            "楷体",
            ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti"),
            (_KAI, _SERIF),
            "serif",
        ),
        RoleSpec(
            "songti",
            "宋体",
            ("宋体", "SimSun", "NSimSun", "新宋体"),
            (_SERIF, _MING),
            "serif",
        ),
    )
}


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class FontSource:
    """One installed font face (a file and, for collections, the face index)."""

    file: str
    index: int
    family: str
    style: str
    official: bool = False

    @property
    def key(self) -> str:
        stat = os.stat(self.file)
        raw = f"{self.file}\0{self.index}\0{stat.st_size}\0{int(stat.st_mtime)}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "index": self.index,
            "family": self.family,
            "style": self.style,
            "official": self.official,
        }


def _installed_faces() -> list[tuple[str, int, list[str], list[str]]]:
    """(file, index, family names, style names) of every font fontconfig knows."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    fmt = "%{file}\t%{index}\t%{family}\t%{style}\n"
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments, no user input
            [fc_list, "--format", fmt], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0]:
            continue
        try:
            index = int(parts[1] or 0)
        except ValueError:
            continue
        faces.append(
            (
                parts[0],
                index,
                [name.strip() for name in parts[2].split(",")],
                [name.strip() for name in parts[3].split(",")],
            )
        )
    faces.sort()  # deterministic choice among duplicates
    return faces


def _find(faces, family: str, style: str | None) -> FontSource | None:
    family_l = family.lower()
    style_l = style.lower() if style else None
    for file, index, families, styles in faces:
        if family_l not in (name.lower() for name in families):
            continue
        if style_l is None or style_l in (name.lower() for name in styles):
            return FontSource(file, index, family, styles[0] if styles else "")
    return None


def resolve_sources() -> dict[str, list[FontSource]]:
    """For each role, the installed fonts to draw from, in order of preference: the first
    installed official font, then the open fallbacks, then the other roles' fonts as a
    last resort for rare characters (e.g. AR PL UKai has no 𠮷; Noto Serif has), then
    :data:`RARE_FALLBACKS` where installed."""
    faces = _installed_faces()
    chains: dict[str, list[FontSource]] = {}
    for spec in ROLES.values():
        chain: list[FontSource] = []
        for family in spec.official:
            found = _find(faces, family, None)
            if found:
                chain.append(FontSource(found.file, found.index, found.family, found.style, True))
                break
        for family, style in spec.fallbacks:
            found = _find(faces, family, style) or _find(faces, family, None)
            if found and all((found.file, found.index) != (s.file, s.index) for s in chain):
                chain.append(found)
        chains[spec.role] = chain
    everything = [source for chain in chains.values() for source in chain]
    everything += [found for family, style in RARE_FALLBACKS if (found := _find(faces, family, style))]
    for chain in chains.values():
        for source in everything:
            if all((source.file, source.index) != (s.file, s.index) for s in chain):
                chain.append(source)
    return chains


# --------------------------------------------------------------------------- subsetting

_UNPRINTED = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, format characters, line separators
_DROP_TABLES = ("GSUB", "GPOS", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG", "LTSH", "PCLT")


def _core_codepoints() -> set[int]:
    """GBK (GB2312 and the 21k-character GBK set, so 堃 and 昇 are in) + ASCII, Latin-1,
    general punctuation, number forms, CJK symbols and full-width forms."""
    points: set[int] = set()
    for hi in range(0x81, 0xFF):
        for lo in range(0x40, 0xFF):
            try:
                char = bytes((hi, lo)).decode("gbk")
            except UnicodeDecodeError:
                continue
            if len(char) == 1:
                points.add(ord(char))
    for start, end in (
        (0x20, 0x7F),
        (0xA0, 0x180),
        (0x2000, 0x2070),
        (0x2100, 0x2190),
        (0x2460, 0x2500),
        (0x3000, 0x3040),
        (0xFE10, 0xFE20),
        (0xFE30, 0xFE50),
        (0xFF00, 0xFFF0),
    ):
        points.update(range(start, end))
    return points


def _subset(face, codepoints: set[int]) -> bytes:
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(codepoints)
    subset_input.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE
    drop = subset_input.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROP_TABLES:
        drop.add(int.from_bytes(tag.encode(), "big"))
    return hb.subset(face, subset_input).blob.data


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def set_em_box_metrics(font: bytes) -> bytes:
    """Set a font's vertical metrics (hhea, OS/2 typo and win) to the ideographic em box
    (ascent 0.88 em, descent 0.12 em, no line gap), keeping the font's own em box where its
    OS/2 typo metrics already describe one. Every role then puts its characters at the same
    height in a grid line, whatever font prints it. Patches the bytes and checksums
    directly (microseconds; no font parsing)."""
    data = bytearray(font)
    (num_tables,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(num_tables):
        entry = 12 + 16 * i
        tag, _, offset, length = struct.unpack_from(">4sIII", data, entry)
        tables[tag] = (entry, offset, length)
    if not all(tag in tables for tag in (b"head", b"hhea")):
        return font
    head = tables[b"head"][1]
    (upem,) = struct.unpack_from(">H", data, head + 18)
    ascent, descent = round(upem * EM_BOX_ASCENT), round(upem * EM_BOX_DESCENT)
    os2 = tables.get(b"OS/2")
    if os2 and os2[2] >= 78:
        typo_asc, typo_desc = struct.unpack_from(">hh", data, os2[1] + 68)
        if typo_asc > 0 and typo_asc - typo_desc == upem:
            ascent, descent = typo_asc, -typo_desc
    hhea = tables[b"hhea"][1]
    struct.pack_into(">hhh", data, hhea + 4, ascent, -descent, 0)
    changed = [b"hhea"]
    if os2 and os2[2] >= 78:
        (fs_selection,) = struct.unpack_from(">H", data, os2[1] + 62)
        struct.pack_into(">H", data, os2[1] + 62, fs_selection | 0x80)  # USE_TYPO_METRICS
        struct.pack_into(">hhhHH", data, os2[1] + 68, ascent, -descent, 0, ascent, descent)
        changed.append(b"OS/2")
    for tag in changed:
        entry, offset, length = tables[tag]
        struct.pack_into(">I", data, entry + 4, _checksum(bytes(data[offset : offset + length])))
    struct.pack_into(">I", data, head + 8, 0)
    struct.pack_into(">I", data, head + 8, (0xB1B0AFBA - _checksum(bytes(data))) & 0xFFFFFFFF)
    return bytes(data)


# --------------------------------------------------------------------------- build


def fonts_dir(directory: str | os.PathLike | None = None) -> Path:
    if directory:
        return Path(directory)
    return Path(os.environ.get(FONTS_DIR_ENV) or DEFAULT_FONTS_DIR)


def build(directory: str | os.PathLike | None = None, *, force: bool = False) -> dict:
    """Prepare the core fonts in ``directory``; returns the manifest. Idempotent: does
    nothing when the manifest already matches the installed fonts."""
    if hb is None:
        raise RuntimeError("需要安装 uharfbuzz 才能预处理字体（pip install uharfbuzz）")
    target = fonts_dir(directory)
    chains = resolve_sources()
    wanted = {role: [dict(source.to_json(), key=source.key) for source in chain] for role, chain in chains.items()}
    current = _read_manifest(target)
    if (
        not force
        and current
        and current.get("chains") == wanted
        and all((target / core).is_file() for core in current.get("cores", {}).values())
    ):
        return current
    target.mkdir(parents=True, exist_ok=True)
    core_points = _core_codepoints()
    cores: dict[str, str] = {}
    for chain in chains.values():
        if not chain:
            continue
        source = chain[0]
        if source.key in cores:
            continue
        face = hb.Face(hb.Blob.from_file_path(source.file), source.index)
        data = _subset(face, core_points & set(face.unicodes))
        name = f"core-{source.key}.{'otf' if data[:4] == b'OTTO' else 'ttf'}"
        tmp = target / f".{name}.{os.getpid()}.tmp"  # unique: parallel builds (xdist) are safe
        tmp.write_bytes(data)
        tmp.replace(target / name)
        cores[source.key] = name
    manifest = {"version": MANIFEST_VERSION, "chains": wanted, "cores": cores}
    tmp = target / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(target / MANIFEST)
    for stale in target.glob("core-*.*tf"):
        if stale.name not in cores.values():
            stale.unlink()
    return manifest


def _read_manifest(directory: Path) -> dict | None:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
        return None
    return manifest


@lru_cache(maxsize=1)
def _resolved_chains() -> dict[str, list[dict]]:
    """fontconfig resolution when no fonts are prepared (runs fc-list once per process)."""
    return {role: [source.to_json() for source in chain] for role, chain in resolve_sources().items()}


# --------------------------------------------------------------------------- per document


@dataclass
class FontFace:
    family: str  # CSS family name, unique within the document
    role: str
    data: bytes

    @property
    def url(self) -> str:
        return f"{RESOURCE_SCHEME}:{self.family}"


@dataclass
class FontPlan:
    """The fonts one document is printed with."""

    faces: list[FontFace] = field(default_factory=list)
    families: dict[str, list[str]] = field(default_factory=dict)  # role → CSS families
    complete: bool = False  # every character is in ``faces`` (no system fallback needed)
    missing: set[str] = field(default_factory=set)  # characters no installed font has

    @property
    def resources(self) -> dict[str, bytes]:
        return {face.url: face.data for face in self.faces}

    def font_face_css(self) -> str:
        return "\n".join(f'@font-face {{ font-family: "{face.family}"; src: url("{face.url}"); }}' for face in self.faces)

    def font_family(self, role: str) -> str:
        return ", ".join(name if name in ("serif", "sans-serif") else f'"{name}"' for name in self.families[role])


@dataclass(frozen=True)
class RoleFont:
    """Which font prints one role, for the administrators' font report."""

    role: str
    label: str  # 仿宋 …
    official_names: tuple[str, ...]  # what an office installs for the exact official look
    family: str  # the font used now ("" when none is installed)
    style: str
    official: bool  # an official font is installed and used
    prepared: bool  # read from the prepared fonts' manifest (else fontconfig now)


def font_report(directory: str | os.PathLike | None = None) -> list[RoleFont]:
    """For each role, the font that prints it: the official one when installed, else which
    open fallback. Read from the prepared fonts' manifest (what documents use), else from
    fontconfig."""
    manifest = _read_manifest(fonts_dir(directory))
    chains = manifest.get("chains") if manifest else None
    prepared = isinstance(chains, dict)
    if not prepared:
        chains = _resolved_chains()
    out = []
    for spec in ROLES.values():
        chain = chains.get(spec.role) or []
        first = chain[0] if chain else {}
        out.append(RoleFont(spec.role, spec.label, spec.official, first.get("family", ""), first.get("style", ""),
                            bool(first.get("official")), prepared))
    return out


def system_families(role: str) -> list[str]:
    """Font names for viewers that use installed fonts (web preview, DOCX)."""
    spec = ROLES[role]
    names = list(spec.official)
    for family, _ in spec.fallbacks:
        if family not in names:
            names.append(family)
    return [*names, spec.generic]


def plan_fonts(chars_by_role: dict[str, set[str]], directory: str | os.PathLike | None = None) -> FontPlan:
    """Cut, for each role, fonts holding exactly the characters it prints."""
    plan = FontPlan(families={role: system_families(role) for role in ROLES})
    if hb is None:
        return plan
    target = fonts_dir(directory)
    manifest = _read_manifest(target)
    chains = manifest["chains"] if manifest else _resolved_chains()
    cores = manifest.get("cores", {}) if manifest else {}
    faces: dict[tuple[str, int], object] = {}  # HarfBuzz faces opened for this document

    def open_face(path: str, index: int):
        if (path, index) not in faces:
            faces[(path, index)] = hb.Face(hb.Blob.from_file_path(path), index)
        return faces[(path, index)]

    complete = True
    for role, wanted in chars_by_role.items():
        chain = chains.get(role) or []
        todo = {ord(char) for char in wanted if unicodedata.category(char) not in _UNPRINTED}
        names: list[str] = []
        candidates = []
        if chain and chain[0].get("key") in cores:
            candidates.append((str(target / cores[chain[0]["key"]]), 0))
        candidates.extend((source["file"], source["index"]) for source in chain)
        for path, index in candidates:
            if not todo:
                break
            try:
                face = open_face(path, index)
                data = _subset(face, todo)
            except (OSError, hb.HarfBuzzError):  # a vanished or unreadable font: next one
                continue
            got = set(hb.Face(hb.Blob(data)).unicodes) & todo
            if not got:
                continue
            family = f"GW-{role}-{len(names)}"
            plan.faces.append(FontFace(family, role, set_em_box_metrics(data)))
            names.append(family)
            todo -= got
        if todo:
            complete = False
            plan.missing.update(chr(point) for point in todo)
        plan.families[role] = names + plan.families[role]
    plan.complete = complete and bool(plan.faces)
    return plan


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.documents.fonts", description="Prepare the opinion fonts.")
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="prepare the core fonts (idempotent)")
    build_cmd.add_argument("--dir", help=f"output directory (default ${FONTS_DIR_ENV} or {DEFAULT_FONTS_DIR})")
    build_cmd.add_argument("--force", action="store_true", help="rebuild even if up to date")
    sub.add_parser("show", help="print which installed font prints each role")
    args = parser.parse_args(argv)
    if args.command == "show":
        for role, chain in resolve_sources().items():
            label = ROLES[role].label
            names = "; ".join(f"{s.family} {s.style} ({s.file}#{s.index})" for s in chain)
            print(f"{label} {role}: {names or '（未找到字体）'}")
        return 0
    started = time.perf_counter()
    try:
        manifest = build(args.dir, force=args.force)
    except RuntimeError as error:
        # Not fatal (make setup goes on): documents still render, from the system fonts.
        print(f"{error}；意见书将直接使用系统字体渲染（较慢）", file=sys.stderr)
        return 0
    target = fonts_dir(args.dir)
    size = sum((target / name).stat().st_size for name in manifest["cores"].values())
    print(f"fonts ready in {target} ({len(manifest['cores'])} core fonts, {size / 1e6:.1f} MB) in {time.perf_counter() - started:.2f} s")
    for role, chain in manifest["chains"].items():
        first = chain[0] if chain else None
        print(
            f"  {ROLES[role].label}: {first['family'] + ' ' + first['style'] if first else '-'}"
            + (" (official)" if first and first["official"] else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
