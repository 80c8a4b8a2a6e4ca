"""The law catalogue (法律法规目录): national laws, administrative regulations and the party
regulations and judicial interpretations petition work cites most, each with its current
edition's article count (``law_catalogue.json`` beside this module).

A citation is checked against it for what syntax cannot see: a law that does not exist
(《不存在的法》第999条), an article past the last one, a repealed law (《物权法》 since 2021).
These are warnings, never refusals: the catalogue cannot hold every departmental rule, and local
regulations (《江苏省信访条例》) are outside it by design, so they stay citable with a visible note.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .citations import Citation, CitationError, int_to_chinese, normalize_law_name, parse_citation

CATALOGUE_FILE = Path(__file__).with_name("law_catalogue.json")

# Province-level names: a law name starting with one is local legislation (地方性法规、地方政府规章).
_PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
              "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南",
              "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门")
# …or with a place name of two or more characters and its level (南京市、苏州工业园区、延边朝鲜族自治州).
_LOCAL_RE = re.compile(r"^[\u4e00-\u9fff]{2,10}?(?:省|自治区|市|自治州|地区|盟|自治县|县|区|旗)(?=[\u4e00-\u9fff]{2})")
_EDITION_IN_NAME_RE = re.compile(r"[(（]([^()（）]*?(\d{4})[^()（）]*)[)）]\s*$")


@dataclass(frozen=True)
class Law:
    name: str
    short: str
    kind: str
    articles: int | None = None  # the last article's number in the current edition
    edition: str = ""
    repealed_in: int | None = None
    replaced_by: str | None = None

    @property
    def kind_label(self) -> str:
        return catalogue_kinds().get(self.kind, self.kind)


def catalogue_key(name: str) -> str:
    """One key however the name is written: full or short, with or without 〈〉 around an inner
    title, with or without an edition such as （2019修正）."""
    key = normalize_law_name(name)
    for char in "〈〉《》<>":
        key = key.replace(char, "")
    return key.replace("中华人民共和国", "")


@cache
def _load() -> tuple[dict[str, str], dict[str, Law]]:
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    laws = {}
    for row in data["laws"]:
        law = Law(**row)
        laws[catalogue_key(law.name)] = law
        laws.setdefault(catalogue_key(law.short), law)
    return data["kinds"], laws


def catalogue_kinds() -> dict[str, str]:
    return _load()[0]


def all_laws() -> list[Law]:
    """Every catalogued law once, in file order."""
    return list(dict.fromkeys(_load()[1].values()))


def lookup(name: str) -> Law | None:
    return _load()[1].get(catalogue_key(name))


def is_local(name: str) -> bool:
    """Local legislation, told by its place name (江苏省…、南京市…)."""
    name = unicodedata.normalize("NFKC", name).strip("《》 ")
    return name.startswith(_PROVINCES) or bool(_LOCAL_RE.match(name))


def citation_warning(citation: Citation) -> str | None:
    """What a reader should check in one citation, or None when the catalogue confirms it."""
    if not citation.law:
        return None
    shown = f"《{citation.law}》"
    law = lookup(citation.law)
    if law is None:
        if is_local(citation.law):
            return (f"{shown}是地方性法规或地方政府规章，不在国家法律法规目录中，无法核对条文序号：请核对名称和条文（可以保留）")
        return (f"{shown}不在国家法律、行政法规目录中：请核对名称是否准确（全称或简称，如《土地管理法》）；"
                f"如为部门规章或规范性文件，可以保留")
    if law.kind == "repealed":
        instead = f"，请改引《{law.replaced_by}》的相应条文" if law.replaced_by else ""
        return f"{shown}已于 {law.repealed_in} 年废止{instead}"
    edition = _EDITION_IN_NAME_RE.search(unicodedata.normalize("NFKC", citation.law))
    if edition and edition.group(2) not in law.edition:
        return None  # an earlier edition, cited on purpose: its numbering differs from the catalogue's
    if law.articles is not None and citation.article > law.articles:
        return (f"{shown}（现行 {law.edition} 版）共{int_to_chinese(law.articles)}条，"
                f"没有第{int_to_chinese(citation.article)}条：请核对条文序号")
    return None


def legal_basis_warnings(items: list[str] | tuple[str, ...]) -> list[str]:
    """One warning per doubtful line of a legal-basis list (lines that do not parse are errors
    reported elsewhere and skipped here), each prefixed with its line number."""
    out = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, str) or not item.strip():
            continue
        try:
            warning = citation_warning(parse_citation(item, require_law=True))
        except CitationError:
            continue
        if warning:
            out.append(f"第{number}条法律依据：{warning}")
    return out
