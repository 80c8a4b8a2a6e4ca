"""Font preparation, per-document font cuts, and the slower paths (fonts not prepared,
no HarfBuzz subsetter) that must still print every character."""

from __future__ import annotations

import io
import json
import struct
from dataclasses import replace

import pdfplumber
import pytest
from fontTools.ttLib import TTFont

from app.documents import fonts
from app.documents.pdf import render_pdf
from tests.documents.sample import sample_opinion
from app.documents.structure import build_view


def test_uharfbuzz_is_installed():
    """The per-document fonts (speed, and the em-box metrics that keep the 22-line grid)
    need HarfBuzz's subsetter from the uharfbuzz wheel."""
    assert fonts.hb is not None, "pip install uharfbuzz (it belongs in requirements.txt)"


def test_build_is_idempotent(fonts_dir):
    manifest = json.loads((fonts_dir / fonts.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["chains"]) == set(fonts.ROLES)
    before = {path.name: path.stat().st_mtime_ns for path in fonts_dir.iterdir()}
    assert fonts.build(fonts_dir) == manifest
    assert {path.name: path.stat().st_mtime_ns for path in fonts_dir.iterdir()} == before


def test_every_role_has_an_installed_font():
    for role, chain in fonts.resolve_sources().items():
        assert chain, f"no font for {role}: install fonts-noto-cjk and fonts-arphic-ukai"


def test_core_fonts_hold_gbk_but_not_extension_b(fonts_dir):
    manifest = json.loads((fonts_dir / fonts.MANIFEST).read_text(encoding="utf-8"))
    body_source = manifest["chains"]["fangsong"][0]
    core = TTFont(fonts_dir / manifest["cores"][body_source["key"]], lazy=True)
    cmap = core.getBestCmap()
    assert all(ord(char) in cmap for char in "堃昇信访〔〕—（）《》：；0123456789")
    assert ord("𠮷") not in cmap
    assert "GSUB" not in core and "GPOS" not in core


def test_plan_cuts_one_small_font_per_role(fonts_dir):
    chars = build_view(sample_opinion()).chars_by_role()
    plan = fonts.plan_fonts(chars, fonts_dir)
    assert plan.complete
    for face in plan.faces:
        font = TTFont(io.BytesIO(face.data))
        covered = {chr(point) for point in font.getBestCmap()}
        assert covered <= chars[face.role] | {" ", "\u3000"}
        assert len(face.data) < 300_000
    assert plan.families["fangsong"][:2] == ["GW-fangsong-0", "GW-fangsong-1"]  # core, then 𠮷
    assert "仿宋_GB2312" in plan.families["fangsong"]


def test_em_box_metrics(fonts_dir):
    plan = fonts.plan_fonts({"kaiti": set("楷体字")}, fonts_dir)
    font = TTFont(io.BytesIO(plan.faces[0].data))
    upem = font["head"].unitsPerEm
    assert font["hhea"].ascent - font["hhea"].descent == upem
    assert font["OS/2"].sTypoAscender - font["OS/2"].sTypoDescender == upem
    assert font["hhea"].lineGap == 0 and font["OS/2"].fsSelection & 0x80
    # Checksums stay valid: the whole-font sum is the magic number.
    data = plan.faces[0].data + b"\0" * (-len(plan.faces[0].data) % 4)
    assert sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF == 0xB1B0AFBA


def _text_and_fonts(pdf: bytes) -> tuple[str, int]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "".join(page.extract_text() for page in document.pages), len(document.pages)


def test_unprepared_fonts_still_print_everything(tmp_path, engine):
    doc = sample_opinion()
    text, pages = _text_and_fonts(render_pdf(doc, fonts=tmp_path / "nothing-here", engine=engine))
    assert pages == 5
    assert all(char in text for char in "堃昇𠮷")


def test_without_harfbuzz_weasyprint_gets_system_fonts(monkeypatch, fonts_dir, engine):
    monkeypatch.setattr(fonts, "hb", None)
    doc = replace(sample_opinion(), findings="查明事实：王堃、李昇、张𠮷。", analysis="分析。", dissent="")
    plan = fonts.plan_fonts(build_view(doc).chars_by_role(), fonts_dir)
    assert not plan.faces and not plan.complete
    text, _ = _text_and_fonts(render_pdf(doc, fonts=fonts_dir, engine=engine))  # grid: falls back to WeasyPrint
    assert all(char in text for char in "堃昇𠮷")


def test_characters_no_font_has_do_not_break_rendering(fonts_dir, engine):
    # A CJK Extension G character and a private-use one (造字) no installed font has.
    doc = replace(sample_opinion(), findings="罕见字\U00030000与造字\ue000。", analysis="分析。")
    plan = fonts.plan_fonts(build_view(doc).chars_by_role(), fonts_dir)
    assert {"\U00030000", "\ue000"} <= plan.missing and not plan.complete
    assert render_pdf(doc, fonts=fonts_dir, engine=engine).startswith(b"%PDF")


@pytest.mark.parametrize("argv", [["build", "--dir"], ["show"]])
def test_command_line(argv, fonts_dir, capsys):
    args = [*argv, str(fonts_dir)] if argv[-1] == "--dir" else argv
    assert fonts.main(args) == 0
    out = capsys.readouterr().out
    assert "仿宋" in out
