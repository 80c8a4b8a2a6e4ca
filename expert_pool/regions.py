"""GB/T 2260 administrative region codes: validation, levels and containment.

A code is six digits: province (2) + prefecture (2) + county (2). National bodies use
``000000``. We validate the structure and the province prefix against the published list;
names are known for provinces and for the prefectures the platform is deployed in.
"""

from __future__ import annotations

import re

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

PREFECTURES: dict[str, str] = {
    "3201": "南京市", "3202": "无锡市", "3203": "徐州市", "3204": "常州市", "3205": "苏州市",
    "3206": "南通市", "3207": "连云港市", "3208": "淮安市", "3209": "盐城市", "3210": "扬州市",
    "3211": "镇江市", "3212": "泰州市", "3213": "宿迁市",
    "3301": "杭州市", "3302": "宁波市", "3303": "温州市", "3304": "嘉兴市", "3305": "湖州市",
    "3306": "绍兴市", "3307": "金华市", "3308": "衢州市", "3309": "舟山市", "3310": "台州市",
    "3311": "丽水市",
}

COUNTIES: dict[str, str] = {
    "320102": "玄武区", "320104": "秦淮区", "320105": "建邺区", "320106": "鼓楼区",
    "320111": "浦口区", "320113": "栖霞区", "320114": "雨花台区", "320115": "江宁区",
    "320116": "六合区", "320117": "溧水区", "320118": "高淳区", "320505": "虎丘区", "320506": "吴中区",
    "320507": "相城区", "320508": "姑苏区", "320581": "常熟市", "320583": "昆山市",
    "330102": "上城区", "330105": "拱墅区", "330106": "西湖区", "330108": "滨江区",
    "330109": "萧山区", "330110": "余杭区", "330111": "富阳区", "330112": "临安区", "330113": "临平区",
    "330114": "钱塘区", "330122": "桐庐县", "330127": "淳安县", "330182": "建德市",
    "330203": "海曙区", "330205": "江北区", "330212": "鄞州区",
    "330281": "余姚市", "330282": "慈溪市",
}

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
        parts.append(PREFECTURES.get(code[:4], ""))
    if code[4:] != "00":
        parts.append(COUNTIES.get(code, ""))
    text = "".join(parts)
    return text if all(parts) else (text + f"（{code}）" if text else code)
