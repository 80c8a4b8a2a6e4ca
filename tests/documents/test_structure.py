"""From the opinion model to the printed structure (shared by PDF, preview and DOCX)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from app.documents.model import ConsultationSummary, format_date, format_document_number, parse_document_number
from tests.documents.sample import sample_opinion
from app.documents.structure import (
    FANGSONG,
    HEITI,
    KAITI,
    SECTION_HEADINGS,
    build_view,
    document_text,
    split_title,
    text_paras,
)


def test_document_number_format():
    assert format_document_number(2026, "苏信专审", 12) == "〔2026〕苏信专审12号"
    assert parse_document_number("〔2026〕苏信专审12号") == (2026, "苏信专审", 12)
    for bad in ("〔2026〕苏信专审012号", "[2026]苏信专审12号", "〔2026〕苏信专审第12号x", "〔26〕苏信专审12号"):
        with pytest.raises(ValueError, match="发文字号"):
            parse_document_number(bad)
    with pytest.raises(ValueError):
        format_document_number(2026, "苏信专审", 0)


def test_dates_have_no_leading_zeros():
    assert format_date(date(2026, 1, 8)) == "2026年1月8日"


def test_sections_in_order():
    view = build_view(sample_opinion())
    assert [s.heading for s in view.sections] == [*SECTION_HEADINGS, "七、少数意见"]
    no_dissent = build_view(replace(sample_opinion(), dissent=""))
    assert [s.heading for s in no_dissent.sections] == list(SECTION_HEADINGS)


def test_sub_headings_get_their_fonts():
    paras = text_paras("（一）关于补偿标准。经查，标准合法。\n（二）关于安置人口\n一、总体意见：同意。\n1.第一点\n（1）细目\n\n普通段落")
    assert [(p.kind, [(r.text, r.role) for r in p.runs]) for p in paras] == [
        ("body", [("（一）关于补偿标准。", KAITI), ("经查，标准合法。", FANGSONG)]),
        ("h2", [("（二）关于安置人口", KAITI)]),
        ("body", [("一、总体意见：", HEITI), ("同意。", FANGSONG)]),
        ("body", [("1.第一点", FANGSONG)]),
        ("body", [("（1）细目", FANGSONG)]),
        ("body", [("普通段落", FANGSONG)]),
    ]


def test_long_titles_break_before_the_document_type():
    assert split_title("关于王堃反映征地补偿安置问题信访事项的法律审查意见书") == [
        "关于王堃反映征地补偿安置问题信访事项的",
        "法律审查意见书",
    ]
    assert split_title("关于张某信访事项的法律审查意见书") == ["关于张某信访事项的法律审查意见书"]
    assert split_title("第一行\n第二行") == ["第一行", "第二行"]


def test_consultation_summary_is_composed():
    view = build_view(
        replace(
            sample_opinion(),
            consultation_summary=ConsultationSummary(meeting_time=datetime(2026, 12, 8, 9, 0), mode="视频会商", materials=["复核意见书"]),
        )
    )
    text = view.sections[1].paras[0].text
    assert text == "2026年12月8日9时00分，专家组以视频会商方式召开会商会议。专家组审阅了复核意见书等材料。"
    free = build_view(replace(sample_opinion(), consultation_summary="会商纪要第一段。\n第二段。"))
    assert [p.text for p in free.sections[1].paras] == ["会商纪要第一段。", "第二段。"]


def test_review_opinion_lists_conclusion_and_recommendations():
    paras = [p.text for p in build_view(sample_opinion()).sections[4].paras]
    assert paras[0] == "（一）定性意见。专家组经会商认为，本信访事项定性为：诉求部分合理。"
    assert paras[2:6] == ["1.建议责任单位重新处理；", "2.解释说明、思想疏导；", "3.组织调解（人民/行政/司法调解）；", "4.纳入救助帮扶。"]


def test_document_text_is_one_block_per_line():
    text = document_text(sample_opinion())
    lines = text.splitlines()
    assert lines[:3] == ["〔2026〕苏信专审12号", "关于王堃反映征地补偿安置问题信访事项的法律审查意见书", "南京市江宁区人民政府："]
    assert lines[-2:] == ["抄送：南京市信访局，江宁区信访局。", "江苏省信访局办公室　2026年11月28日印发"]
    assert "张𠮷" in text


def test_chars_by_role_cover_everything_printed():
    view = build_view(sample_opinion(draft=True))
    chars = view.chars_by_role()
    printed = set("".join(view.lines()))
    assert printed - {" "} <= set().union(*chars.values())
    assert set("— 0123456789") <= chars["songti"]
    assert set("草稿") <= chars["heiti"]


def test_soft_hyphens_bring_the_hyphen_into_the_fonts():
    view = build_view(replace(sample_opinion(), findings="Petition\u00adsystem。"))
    assert "\u2010" in view.chars_by_role()["fangsong"]
    assert "\u2010" not in build_view(sample_opinion()).chars_by_role()["fangsong"]
