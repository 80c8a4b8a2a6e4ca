"""The opinion document (法律审查意见书) as plain data, independent of the database.

Services build an :class:`OpinionDocument` from the consultation, the case and the opinion
version; the renderers (:mod:`app.documents.pdf`, :mod:`app.documents.docx`,
:mod:`app.documents.preview`) only ever see this.

Body texts are plain strings: one paragraph per line. A line may start with a sub-heading
number (``（一）``, ``1.``, ``（1）``), which the renderers set in the font GB/T 9704 gives
that level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

DOCUMENT_NUMBER_RE = re.compile(r"^〔(\d{4})〕(\S*[^\d第\s])([1-9]\d*)号$")


@dataclass(frozen=True)
class Signer:
    """One expert of the panel, as printed in the signature block."""

    name: str
    title: str = ""  # 职称/职务, e.g. 教授、律师、退休法官
    employer: str = ""  # 工作单位
    role: str = ""  # e.g. 组长 / 成员; printed before the name when given


@dataclass(frozen=True)
class ConsultationSummary:
    """二、会商情况: when and how the panel met, who sat, what it read.

    Every field is optional; ``text`` is free text printed after the composed sentences
    (or alone, when the service only has a free-text summary).
    """

    meeting_time: datetime | date | str | None = None
    mode: str = ""  # label, e.g. 现场会商 / 视频会商
    location: str = ""
    members: list[Signer] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True)
class OpinionDocument:
    """Everything printed on one 法律审查意见书."""

    title: str  # 关于×××信访事项的法律审查意见书
    addressee: str  # 主送: the handling agency (the full-width colon is added)
    basic_facts: str  # 办理经过
    claims: str  # 信访人诉求
    consultation_summary: ConsultationSummary | str
    findings: str  # 查明事实与争议焦点
    analysis: str  # 法律分析
    conclusion: str  # label, e.g. 诉求部分合理
    recommendations: list[str]  # labels
    legal_basis: list[str]  # e.g. 《信访工作条例》第三十三条
    issuing_body: str  # 发文机关署名
    date: date | None  # 成文日期
    number: str | None = None  # 发文字号 〔2026〕苏信专审12号; None for drafts
    review_opinion: str = ""  # free text printed after the conclusion and recommendations
    dissent: str = ""  # 少数意见
    signers: list[Signer] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)  # 抄送
    printing_office: str = ""  # 印发机关
    print_date: date | None = None  # 印发日期
    is_draft: bool = False
    issuer_mark: str = ""  # 发文机关标志 (信函格式), printed in red above the red separator when set
    issued_at: datetime | None = None  # the moment of issue (the DOCX's created/modified time)

    @property
    def date_text(self) -> str:
        return format_date(self.date) if self.date else ""

    @property
    def print_date_text(self) -> str:
        return format_date(self.print_date) if self.print_date else ""


def format_date(value: date | datetime) -> str:
    """GB/T 9704 成文日期: Arabic numerals, full year, no leading zeros (2026年11月8日)."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_document_number(year: int, prefix: str, sequence: int) -> str:
    """发文字号: ``〔2026〕苏信专审12号`` (full year in 〔〕, no 第, no leading zeros)."""
    if sequence < 1:
        raise ValueError("发文字号的顺序号必须是正整数")
    return f"〔{year}〕{prefix}{sequence}号"


def parse_document_number(number: str) -> tuple[int, str, int]:
    """Inverse of :func:`format_document_number`; raises ValueError on a malformed number."""
    match = DOCUMENT_NUMBER_RE.match(number)
    if not match:
        raise ValueError(f"发文字号格式不正确：{number}")
    return int(match[1]), match[2], int(match[3])
