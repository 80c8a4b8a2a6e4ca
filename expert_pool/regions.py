"""GB/T 2260 administrative region codes: validation, levels and containment.

A code is six digits: province (2) + prefecture (2) + county (2). National bodies use
``000000``. We validate the structure and the province prefix against the published list;
names are known for every province, prefecture and county (``gbt2260.tsv``: 342 prefecture-level
and 3,062 county-level units).
"""

from __future__ import annotations

import re
from pathlib import Path

NATIONAL = "000000"

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

def _load_table() -> tuple[dict[str, str], dict[str, str]]:
    """Prefecture (4-digit) and county (6-digit) names from ``gbt2260.tsv`` beside this module."""
    prefectures: dict[str, str] = {}
    counties: dict[str, str] = {}
    for line in (Path(__file__).with_name("gbt2260.tsv")).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, name = line.split("\t", 1)
        (prefectures if len(code) == 4 else counties)[code] = name
    return prefectures, counties


# The full county-level table (issue 9: every code shown by name). Municipalities' 市辖区 and the
# groupings of directly administered counties are left out of printed names.
PREFECTURES, COUNTIES = _load_table()
_UNNAMED_GROUPS = {"市辖区", "县", "省直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

_CODE_RE = re.compile(r"^\d{6}$")
LEVELS = ("national", "provincial", "municipal", "county")


def validate(code: object) -> str | None:
    """Return a Chinese error message, or None when ``code`` is a well-formed GB/T 2260 code."""
    if not isinstance(code, str) or not _CODE_RE.match(code):
        return "行政区划代码应为6位数字"
    if code == NATIONAL:
        return None
    if code[:2] not in PROVINCES:
        return f"行政区划代码 {code} 的省级代码 {code[:2]} 不存在"
    if code[2:4] == "00" and code[4:] != "00":
        return f"行政区划代码 {code} 无效：县级代码须有地市级代码"
    return None


def level(code: str) -> str:
    """national / provincial / municipal / county, from the code's structure."""
    if code == NATIONAL:
        return "national"
    if code[2:] == "0000":
        return "provincial"
    if code[4:] == "00":
        return "municipal"
    return "county"


def prefix(code: str) -> str:
    """The significant prefix: '' for national, 2 digits for a province, 4 for a city, 6 for a county."""
    return {"national": "", "provincial": code[:2], "municipal": code[:4], "county": code}[level(code)]


def contains(outer: str, inner: str) -> bool:
    """True when region ``inner`` lies inside (or is) region ``outer``."""
    return inner.startswith(prefix(outer))


def jurisdiction_prefix(tier: str, code: str) -> str:
    """Region prefix an office of ``tier`` at ``code`` oversees (domain.md: national = all,
    provincial = same first 2 digits, municipal = same first 4, county = the county)."""
    return {"national": "", "provincial": code[:2], "municipal": code[:4]}.get(tier, code)


def label(code: str) -> str:
    """Name and code for detail pages, the code once: '江苏省南京市栖霞区（320113）'."""
    text = name(code)
    return text if text == code or text.endswith(f"（{code}）") else f"{text}（{code}）"


def name(code: str) -> str:
    """Best-known Chinese name of a region, e.g. '江苏省南京市'; the code itself when unknown."""
    if code == NATIONAL:
        return "全国"
    parts = [PROVINCES.get(code[:2], "")]
    if code[2:4] != "00":
        prefecture = PREFECTURES.get(code[:4], "")
        if prefecture not in _UNNAMED_GROUPS:
            parts.append(prefecture)
    if code[4:] != "00":
        parts.append(COUNTIES.get(code, ""))
    text = "".join(parts)
    return text if all(parts) else (text + f"（{code}）" if text else code)


def is_known(code: str) -> bool:
    """A code of the published table (or 000000 / a province)."""
    if code == NATIONAL:
        return True
    if code[2:] == "0000":
        return code[:2] in PROVINCES
    if code[4:] == "00":
        return code[:4] in PREFECTURES
    return code in COUNTIES


def choices(within: str = "") -> list[tuple[str, str]]:
    """``(code, full name)`` of every province, prefecture and county whose code starts with
    ``within`` (a jurisdiction prefix; "" for all), in code order, for the region picker."""
    codes = [f"{p}0000" for p in PROVINCES if p not in ("71", "81", "82") or not within]
    codes += [f"{p}00" for p, n in PREFECTURES.items() if n not in _UNNAMED_GROUPS]
    codes += list(COUNTIES)
    return [(c, name(c)) for c in sorted(codes) if c.startswith(within)]
