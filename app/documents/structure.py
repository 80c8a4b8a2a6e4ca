"""From an :class:`OpinionDocument` to the printed structure: blocks of text runs, each run
tagged with its font role. The HTML (and so the PDF and the web preview) and the DOCX are
rendered from the same :class:`DocumentView`, so they cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from app.validation import FORBIDDEN_TEXT_RE

from .model import ConsultationSummary, OpinionDocument, Signer, format_date

# Font roles (see fonts.ROLES): 仿宋 body, 小标宋 title, 黑体 一、, 楷体 （一）, 宋体 page numbers.
FANGSONG = "fangsong"
XIAOBIAOSONG = "xiaobiaosong"
HEITI = "heiti"
KAITI = "kaiti"
SONGTI = "songti"
ROLES = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI)

SECTION_HEADINGS = (
    "一、基本情况",
    "二、会商情况",
    "三、查明事实与争议焦点",
    "四、法律分析",
    "五、审查意见",
    "六、法律依据",
)
DISSENT_HEADING = "七、少数意见"
PAGE_NUMBER_CHARS = "— 0123456789"
SOFT_HYPHEN = "\u00ad"
HYPHEN = "\u2010"  # what WeasyPrint prints where it breaks a line at a soft hyphen
WATERMARK = "草稿"
TITLE_MAX_CHARS = 20  # 156 mm of 22 pt characters

_CN_NUM = "一二三四五六七八九十百零〇"
H1_RE = re.compile(rf"^[{_CN_NUM}]+、")
H2_RE = re.compile(rf"^（[{_CN_NUM}]+）")
_HEAD_END_RE = re.compile(r"[。：:]")


@dataclass(frozen=True)
class Run:
    text: str
    role: str = FANGSONG


@dataclass
class Para:
    """One paragraph. ``kind`` names its CSS class / DOCX style: ``body`` (indented two
    characters), ``h1`` (一、 黑体), ``h2`` (（一） 楷体), ``plain`` (no indent)."""

    runs: list[Run]
    kind: str = "body"
    # ``signer`` paragraphs: the width in characters of the name column (name, role and the
    # full-width space); the affiliation starts there and its continuation lines hang under it.
    hang: float = 0.0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Section:
    heading: str
    paras: list[Para] = field(default_factory=list)


@dataclass
class DocumentView:
    number: str | None
    title_lines: list[str]
    addressee: str
    sections: list[Section]
    signers_heading: str
    signers: list[Para]
    issuing_body: str
    date_text: str
    cc_text: str
    printing_office: str
    print_date_text: str
    is_draft: bool
    issuer_mark: str = ""

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def has_banji(self) -> bool:
        """Whether the document ends with a 版记 (抄送, 印发机关, 印发日期)."""
        return bool(self.cc_text or self.printing_office or self.print_date_text)

    def iter_runs(self):
        """Every printed run in reading order (without page numbers and watermark)."""
        if self.issuer_mark:
            yield Run(self.issuer_mark, XIAOBIAOSONG)
        if self.number:
            yield Run(self.number)
        for line in self.title_lines:
            yield Run(line, XIAOBIAOSONG)
        yield Run(self.addressee)
        for section in self.sections:
            yield Run(section.heading, HEITI)
            for para in section.paras:
                yield from para.runs
        if self.signers:
            yield Run(self.signers_heading)
            for para in self.signers:
                yield from para.runs
        yield Run(self.issuing_body)
        yield Run(self.date_text)
        if self.cc_text:
            yield Run(self.cc_text)
        if self.printing_office or self.print_date_text:
            yield Run(self.printing_office)
            yield Run(self.print_date_text)

    def chars_by_role(self) -> dict[str, set[str]]:
        """The characters each font role must be able to print (for font subsetting)."""
        chars: dict[str, set[str]] = {role: {" ", "\u3000"} for role in ROLES}
        for run in self.iter_runs():
            chars[run.role].update(run.text)
        for role_chars in chars.values():
            if SOFT_HYPHEN in role_chars:
                role_chars.add(HYPHEN)
        chars[SONGTI].update(PAGE_NUMBER_CHARS)
        if self.is_draft:
            chars[HEITI].update(WATERMARK)
        return chars

    def lines(self) -> list[str]:
        """The document's text, one printed block per line (canonical plain text)."""
        out: list[str] = []
        if self.issuer_mark:
            out.append(self.issuer_mark)
        if self.number:
            out.append(self.number)
        out.append(self.title)
        out.append(self.addressee)
        for section in self.sections:
            out.append(section.heading)
            out.extend(para.text for para in section.paras)
        if self.signers:
            out.append(self.signers_heading)
            out.extend(para.text for para in self.signers)
        out.append(self.issuing_body)
        if self.date_text:
            out.append(self.date_text)
        if self.cc_text:
            out.append(self.cc_text)
        if self.printing_office or self.print_date_text:
            out.append(f"{self.printing_office}　{self.print_date_text}".strip("　"))
        return out


def printable(value):
    """``value`` without the characters no document format can hold (XML 1.0 forbids them; the
    input guard refuses them, but text stored before it must still print), through lists and
    the document's dataclasses."""
    if isinstance(value, str):
        return FORBIDDEN_TEXT_RE.sub("", value)
    if isinstance(value, list):
        return [printable(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: printable(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def build_view(doc: OpinionDocument) -> DocumentView:
    doc = printable(doc)
    sections = [
        Section(SECTION_HEADINGS[0], _basic_situation(doc)),
        Section(SECTION_HEADINGS[1], _consultation(doc.consultation_summary)),
        Section(SECTION_HEADINGS[2], text_paras(doc.findings)),
        Section(SECTION_HEADINGS[3], text_paras(doc.analysis)),
        Section(SECTION_HEADINGS[4], _review_opinion(doc)),
        Section(SECTION_HEADINGS[5], _legal_basis(doc.legal_basis)),
    ]
    if doc.dissent.strip():
        sections.append(Section(DISSENT_HEADING, text_paras(doc.dissent)))
    cc = [name.strip() for name in doc.cc if name.strip()]
    return DocumentView(
        number=doc.number or None,
        title_lines=split_title(doc.title),
        addressee=doc.addressee.rstrip("：:") + "：",
        sections=sections,
        signers_heading="专家组成员：",
        signers=signer_paras(doc.signers),
        issuing_body=doc.issuing_body,
        date_text=doc.date_text,
        cc_text=f"抄送：{'，'.join(cc)}。" if cc else "",
        printing_office=doc.printing_office,
        print_date_text=f"{doc.print_date_text}印发" if doc.print_date else "",
        is_draft=doc.is_draft,
        issuer_mark=doc.issuer_mark.strip(),
    )


def document_text(doc: OpinionDocument) -> str:
    """Plain text of the document as printed (no page numbers), one block per line.

    Use it for the canonical content hash and for search indexing.
    """
    return "\n".join(build_view(doc).lines())


def split_title(title: str) -> list[str]:
    """Title lines: explicit line breaks are kept; a title too long for one line is broken
    before 法律审查意见书 (or the last 的), so that lines break between words."""
    title = title.strip()
    if "\n" in title:
        return [line.strip() for line in title.splitlines() if line.strip()]
    if len(title) <= TITLE_MAX_CHARS:
        return [title]
    for marker in ("的法律审查意见书", "法律审查意见书"):
        cut = title.rfind(marker)
        if cut > 0:
            cut += 1 if marker.startswith("的") else 0
            head, tail = title[:cut], title[cut:]
            if len(head) <= TITLE_MAX_CHARS:
                return [head, tail]
    return [title]


def text_paras(text: str) -> list[Para]:
    """Split body text into paragraphs (one per non-empty line) and give sub-headings
    their fonts: a line starting with ``一、`` is set in 黑体 and ``（一）`` in 楷体, up to
    and including the first 。 or ：when more text follows on the same line, else wholly.
    ``1.`` and ``（1）`` stay in 仿宋 (GB/T 9704 7.3.3)."""
    paras = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        for pattern, role, kind in ((H1_RE, HEITI, "h1"), (H2_RE, KAITI, "h2")):
            if pattern.match(line):
                end = _HEAD_END_RE.search(line)
                if end and end.end() < len(line):
                    paras.append(Para([Run(line[: end.end()], role), Run(line[end.end() :])], "body"))
                else:
                    paras.append(Para([Run(line, role)], kind))
                break
        else:
            paras.append(Para([Run(line)], "body"))
    return paras


def width_in_chars(text: str) -> float:
    """Full-width characters count 1, half-width ones ½ (the grid's measure)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def signer_name(signer: Signer) -> str:
    return f"{signer.name}（{signer.role}）" if signer.role else signer.name


def signer_paras(signers: list[Signer]) -> list[Para]:
    """The signature block: the name column as wide as the widest name (plus a full-width
    space), the affiliations aligned after it, a long one continuing under its own column
    (a hanging indent), never back at the left margin."""
    hang = max((width_in_chars(signer_name(s)) for s in signers), default=0.0) + 1
    out = []
    for s in signers:
        affiliation = "".join(part for part in (s.employer, s.title) if part)
        runs = [Run(signer_name(s))] + ([Run("　" + affiliation)] if affiliation else [])
        out.append(Para(runs, "signer", hang=hang))
    return out


def signer_line(signer: Signer) -> str:
    role = f"（{signer.role}）" if signer.role else ""
    affiliation = "".join(part for part in (signer.employer, signer.title) if part)
    return f"{signer.name}{role}" + (f"　{affiliation}" if affiliation else "")


def _sub_heading(number: str, text: str) -> Para:
    return Para([Run(f"（{number}）{text}", KAITI)], "h2")


def _basic_situation(doc: OpinionDocument) -> list[Para]:
    paras: list[Para] = []
    if doc.claims.strip():
        paras.append(_sub_heading("一", "信访人诉求"))
        paras.extend(text_paras(doc.claims))
    if doc.basic_facts.strip():
        paras.append(_sub_heading("二" if paras else "一", "办理经过"))
        paras.extend(text_paras(doc.basic_facts))
    return paras


def _when(value: datetime | date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return f"{format_date(value)}{value.hour}时{value.minute:02d}分" if (value.hour or value.minute) else format_date(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _member(signer: Signer) -> str:
    """A member as named in 二、会商情况 (details follow in the signature block)."""
    return f"{signer.name}（{signer.role}）" if signer.role and signer.role != "成员" else signer.name


def _consultation(summary: ConsultationSummary | str) -> list[Para]:
    if isinstance(summary, str):
        return text_paras(summary)
    sentences = []
    when = _when(summary.meeting_time)
    where = f"在{summary.location}" if summary.location else ""
    how = f"以{summary.mode}方式" if summary.mode else ""
    if when or where or how:
        sentences.append(f"{when}{'，' if when else ''}专家组{where}{how}召开会商会议。")
    if summary.members:
        sentences.append(f"专家组成员：{'、'.join(_member(m) for m in summary.members)}。")
    if summary.materials:
        sentences.append(f"专家组审阅了{'、'.join(summary.materials)}等材料。")
    paras = [Para([Run("".join(sentences))])] if sentences else []
    return paras + text_paras(summary.text)


def _review_opinion(doc: OpinionDocument) -> list[Para]:
    paras = [
        Para(
            [
                Run("（一）定性意见。", KAITI),
                Run(f"专家组经会商认为，本信访事项定性为：{doc.conclusion}。"),
            ]
        )
    ]
    recommendations = [r.strip() for r in doc.recommendations if r.strip()]
    if recommendations:
        paras.append(Para([Run("（二）处理建议。", KAITI), Run("专家组建议：")]))
        last = len(recommendations)
        for i, label in enumerate(recommendations, 1):
            paras.append(Para([Run(f"{i}.{label}{'。' if i == last else '；'}")]))
    paras.extend(text_paras(doc.review_opinion))
    return paras


def _legal_basis(items: list[str]) -> list[Para]:
    items = [item.strip() for item in items if item.strip()]
    last = len(items)
    return [Para([Run(f"{i}.{item}{'。' if i == last else '；'}")]) for i, item in enumerate(items, 1)]
