"""Anonymization of issued opinions for precedent search (after 法释〔2016〕19号 arts. 8–10).

Pure functions (no Flask, no database); tested in tests/search/test_anonymize.py. What readers who
may not see the case get (title, snippets, full text) is this module's output, computed once at
issue time. Two entry points:

- ``redact_identifiers(text)``: the pattern-only part (numbers, addresses, health details).
- ``anonymize(text, people)`` with ``people = PeopleIndex.build(petitioner_names, keep_names,
  texts=[title, *sections])``: identifiers and then names. Build *one* index per opinion from all its
  texts, so that every section, the title and the snippets cut from them call a person by the same
  alias. ``anonymize_texts(texts, petitioner_names, keep_names)`` does both steps.

Both are deterministic and idempotent: anonymizing the output again changes nothing.

Rules
-----
0. Full-width digits and Latin letters (０-９, Ａ-Ｚ, ａ-ｚ, ＋, －, ＃) are folded to ASCII (their
   NFKC form) before anything else; Chinese punctuation（，。：〔〕）is kept as written.
1. Kept as written: case numbers (``320100-2026-00012``), court case numbers
   (``(2025)苏01行终123号``), document numbers (``〔2026〕南京信专审12号``, ``法释〔2016〕19号``),
   ``第…号`` references (``国务院令第431号``), dates.
2. Replaced by ``×××``: resident identity numbers (18 digits, last may be X; 15 digits), mobile
   numbers (``13812345678``, ``138-1234-5678``, ``+86 138…``), fixed lines with area code
   (``025-84561234``, ``(025)84561234``), bank accounts and cards (16–19 digits, in groups or not),
   licence plates (``苏A·12345``, ``苏A12345``, new-energy ``苏AD12345``), real-property certificates
   (``苏(2020)南京市不动产权第0012345号``, ``宁房权证鼓字第123456号``, ``宁国用(2008)第123号``).
3. Home addresses keep the province, city and county (district) and lose the rest:
   ``南京市鼓楼区中山北路123号5栋201室`` → ``南京市鼓楼区……``. An address is found from its end: a
   number followed by 号/室/栋/幢/单元/组/层/楼 (not after 第 or 月), extended backwards over
   address characters until punctuation or a lead word (住、址、于、在、为、至、有); a bare ``…号`` counts
   only when a road, village or building word (路、街、巷、村、小区 …) precedes it.
4. Health details, a conservative list: ``患有/罹患/诊断为/确诊为 + condition ending in
   病/症/癌/瘤/炎/综合征/障碍`` → ``患有疾病`` (the verb is kept); ``(肢体|视力|听力|言语|智力|精神|多重)残疾（等级）…级``
   → ``残疾``, ``伤残等级为…级`` → ``伤残``. Anything else medical stays.
5. Natural persons → surname + 某. The surname is a compound surname from ``COMPOUND_SURNAMES``
   when the name starts with one (欧阳明 → 欧阳某), else the first character. Persons are the
   petitioners of the structured case data, in their given order, then the names found in the texts
   after a person marker (信访人、申请人、其妻、之女、村民、当事人、被征收人 … optionally ``：``),
   including further names joined by ``、``/和/与 right after them. A found name is a common surname
   plus one or two characters that are not function or place characters, stopping before words such
   as 家住、根据、子女; a structured petitioner's name at that place wins over the guess. It is rejected when it is
   followed by a place or organization character (南京市), when it starts like a common word
   (高度、方面、程序 …), when it contains 某, or when it is a kept name.
6. Aliases, per opinion and in that order of persons: the first person of a surname is 张某, the
   second 张某某, the third and later 张某甲、张某乙、张某丙 … Never reused within one opinion, so two
   persons stay distinguishable everywhere in it.
7. Every occurrence of a person's full name is replaced (longest names first). The given name alone
   (建国 for 张建国) is replaced by the same alias only when it has at least two characters and is
   not followed by a place or organization character (建邺区 stays); a single-character given name is
   never replaced alone. A given name shared by two persons becomes ``某某``. A full or given name
   that is also a common word (``COMMON_WORD_NAMES``: 文明、建国、和平 …) is replaced only in a person
   context: right after a person marker, or right before a verb of speech or action (认为、称、
   表示、提出、要求、反映、不服 …).
8. Never replaced: the keep names (experts and officials acting in their public role; they win
   over a petitioner's shorter name at the same place), organization and place names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MASK = "×××"
ADDRESS_CUT = "……"
DISEASE = "疾病"
SHARED_GIVEN_NAME = "某某"

COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "澹台", "公冶",
    "太史", "申屠", "钟离", "闻人", "赫连", "拓跋", "濮阳", "单于", "淳于", "司空", "第五",
)
# Common single surnames used to *find* names in free text. Characters that are mostly function
# words (于、向、和、及 …) are left out on purpose: 信访人向区政府… must not yield a name.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔汤易常温康施文牛樊葛邢安齐庞乔伍庄甘倪包左颜柳华欧"
)
# Found candidates starting like these words are not names (a surname character + a common word).
NOT_NAME_PREFIXES = frozenset({
    "高度", "高于", "高额", "方面", "方式", "方案", "方可", "程序", "常年", "常住", "时间", "时候", "安置",
    "安全", "安排", "任何", "任意", "全部", "文件", "万元", "周边", "周年", "余额", "余下", "江苏",
    "南京", "苏州", "钱款", "金额", "林地", "石料", "毛坯", "田地", "华东", "严重", "龙头", "易地",
    "温州", "康复", "齐全", "包括", "左右", "黎明", "武汉", "江宁", "韩国", "马上", "朱雀", "孙子",
    "白天", "陆续", "曾经", "施工", "谢绝", "付款", "范围", "段落", "熊猫", "邱陵", "汤山", "庄园",
})
# Given and full names that are also ordinary words: replaced only in a person context (rule 7).
COMMON_WORD_NAMES = frozenset({
    "文明", "建国", "建设", "和平", "胜利", "平安", "解放", "国庆", "国家", "人民", "光明", "幸福",
    "富强", "民主", "自由", "平等", "公正", "法治", "爱国", "振兴", "红旗", "长江", "黄河", "建华",
    "新华", "中华", "明天", "春节", "立新", "卫东", "向阳", "东方", "高明", "高峰", "方正", "常州",
    "金山", "江山", "石林", "白云", "海燕", "春风", "安全", "安康", "健康", "永久", "国强", "伟大",
})
PERSON_MARKERS = (
    "复查申请人", "复核申请人", "被征收人", "被拆迁人", "被申请人", "信访人", "申请人", "当事人",
    "承包人", "户主", "村民", "居民", "其妻", "其夫", "其子", "其女", "其父", "其母", "之妻", "之夫",
    "之子", "之女", "之父", "之母", "妻子", "丈夫", "儿子", "女儿",
)
PERSON_VERBS = (
    "认为", "称", "表示", "提出", "要求", "反映", "不服", "诉称", "述称", "主张", "申请", "签收",
    "签字", "本人", "夫妇", "一家", "之妻", "之夫", "之子", "之女", "之父", "之母",
)
# Characters that end a given name found after a marker: function words, verbs, kinship words.
_NOT_GIVEN_NAME_CHARS = frozenset(
    "认称说于的与和及因向在对提要诉不反系是等夫之其为将已曾又也均都就到从把被以现户父母妻女"
    "请申来去所自同共再仍即便并但而或年月日个人员方面部分先后次多经按据签已未无有一两某们该此本"
)
# Words that end a found name although their first character may be part of one (黄家豪, 王根宝).
_WORDS_AFTER_NAMES = ("家住", "家中", "家属", "家庭", "家人", "根据", "子女", "长期", "同意", "全家")
# Place and organization characters: a name is never followed by one (南京市, 建邺区, 王庄村).
_PLACE_OR_ORG_CHARS = frozenset("省市县区镇乡村组街路局院委会司厂所处部队校庄社旗州盟巷弄号室幢")

# --- identifiers (rules 0–4) -------------------------------------------------------------------

_FULL_WIDTH_TO_ASCII = {c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_FULL_WIDTH_TO_ASCII.update({0xFF0B: ord("+"), 0xFF0D: ord("-"), 0xFF03: ord("#")})

_PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_CJK = "\u4e00-\u9fff"
_YEAR_IN_BRACKETS = r"[(（〔\[]\d{4}[)）〕\]]"

_PROPERTY_CERTIFICATES = re.compile(
    rf"[{_PROVINCE_ABBREVIATIONS}]{_YEAR_IN_BRACKETS}[{_CJK}]{{0,12}}?不动产(?:权|证明)第\d+号"
    rf"|[{_CJK}]房(?:权证|产证)[{_CJK}]{{0,6}}?字?第\d+号"  # 宁房权证鼓字第…号: one-character city
    rf"|[{_CJK}]{{1,4}}(?:国用|集用){_YEAR_IN_BRACKETS}第?\d+号"
)
# Kept numbers (rule 1), shielded from the patterns below while they run.
_KEPT_NUMBERS = re.compile(
    r"(?<![\d-])\d{6}-\d{4}-\d{5}(?![\d-])"
    rf"|{_YEAR_IN_BRACKETS}[^\s，。；、,;:：]{{0,20}}?\d+号"
    r"|第[\d一二三四五六七八九十百千零〇]+号"
)
_ID_NUMBERS = re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
_BANK_ACCOUNTS = re.compile(r"(?<![\d-])(?:\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?|\d{16,19})(?![\d-])")
_MOBILES = re.compile(r"(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_FIXED_LINES = re.compile(r"(?<![\d-])(?:[(（]0\d{2,3}[)）]|0\d{2,3}[ -]?)[2-9]\d{6,7}(?:-\d{1,6})?(?!\d)")
_PLATES = re.compile(rf"[{_PROVINCE_ABBREVIATIONS}][A-HJ-NP-Z][·•・ ]?[A-HJ-NP-Z0-9]{{5,6}}(?![A-Za-z0-9])")

_ADDRESS_ENDS = re.compile(
    r"(?<![第月\d])(?:\d+|[一二三四五六七八九十]+)[A-Za-z]?(?:号楼|号|室|栋|幢|单元|组|层|楼)"
    r"(?:[-之]?(?:\d+|[一二三四五六七八九十]+)[A-Za-z]?(?:号楼|号|室|栋|幢|单元|层|楼)?)*"
)
_ADDRESS_CHARS = re.compile(rf"[{_CJK}0-9A-Za-z\-#]")
_ADDRESS_LEAD_CHARS = frozenset("住址于在为至到从是有")
_ADDRESS_WORDS = re.compile(r"路|道|街|巷|弄|里|村|组|小区|花园|公寓|大厦|广场|苑|庄|园|镇|乡|社区|号楼|栋|幢|单元|室")
_ADMIN_PREFIX = re.compile(
    rf"(?:[{_CJK}]{{2,7}}?(?:省|自治区))?(?:[{_CJK}]{{2,7}}?(?:市|自治州|地区|盟))?(?:[{_CJK}]{{1,7}}?(?:区|县|旗|市))?"
)
_HEALTH_CONDITIONS = re.compile(
    rf"(?P<verb>患有|罹患|诊断为|确诊为|确诊患有)[{_CJK}A-Za-z0-9]{{1,15}}?(?:综合征|障碍|病|症|癌|瘤|炎)"
)
_DISABILITY_GRADES = re.compile(
    r"(?:肢体|视力|听力|言语|智力|精神|多重)?(?P<kind>残疾|伤残)(?:等级)?(?:为|是|：|:)?[一二三四五六七八九十\d]+级"
)


def fold_full_width(text: str) -> str:
    """Full-width digits and Latin letters to ASCII (NFKC for those only, punctuation kept)."""
    return text.translate(_FULL_WIDTH_TO_ASCII)


def _shield(text: str, pattern: re.Pattern[str], kept: list[str]) -> str:
    """Replace matches by private-use placeholders so later patterns cannot touch them."""

    def stash(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"\ue000{len(kept) - 1}\ue001"

    return pattern.sub(stash, text)


def _unshield(text: str, kept: list[str]) -> str:
    return re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], text)


def _cut_address(text: str, end: re.Match[str]) -> tuple[int, str] | None:
    """For an address ending at ``end``: where it starts and what replaces it, or None."""
    start = end.start()
    while start > 0 and end.end() - start < 60:
        previous = text[start - 1]
        if not _ADDRESS_CHARS.match(previous) or previous in _ADDRESS_LEAD_CHARS:
            break
        start -= 1
    address = text[start:end.end()]
    admin = _ADMIN_PREFIX.match(address).group()
    detail = address[len(admin):]
    if not detail or not _ADDRESS_WORDS.search(detail):
        return None
    return start, admin + ADDRESS_CUT


def _cut_addresses(text: str) -> str:
    pieces, position = [], 0
    for end in _ADDRESS_ENDS.finditer(text):
        if end.start() < position:
            continue
        cut = _cut_address(text, end)
        if cut is None:
            continue
        start, replacement = cut
        start = max(start, position)
        pieces += [text[position:start], replacement]
        position = end.end()
    pieces.append(text[position:])
    return "".join(pieces)


def redact_identifiers(text: str) -> str:
    """Rules 0–4: mask numbers, plates, certificates, detailed addresses and health details."""
    text = fold_full_width(text)
    text = _PROPERTY_CERTIFICATES.sub(MASK, text)  # before the shield: they look like 第…号
    kept: list[str] = []
    text = _shield(text, _KEPT_NUMBERS, kept)
    for pattern in (_ID_NUMBERS, _BANK_ACCOUNTS, _MOBILES, _FIXED_LINES, _PLATES):
        text = pattern.sub(MASK, text)
    text = _cut_addresses(text)
    text = _HEALTH_CONDITIONS.sub(lambda m: m.group("verb") + DISEASE, text)
    text = _DISABILITY_GRADES.sub(lambda m: m.group("kind"), text)
    return _unshield(text, kept)


# --- names (rules 5–8) ---------------------------------------------------------------------------

_MARKER_PATTERN = re.compile("(?:" + "|".join(PERSON_MARKERS) + ")[：:]?")
_NAME_JOINERS = ("、", "和", "与", "及")


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name): 欧阳明华 → (欧阳, 明华), 张三 → (张, 三)."""
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return surname, name[len(surname):]
    return name[:1], name[1:]


def _name_at(text: str, start: int, keep_names: Iterable[str], known_names: Iterable[str]) -> str | None:
    """A person's name found in free text at ``start`` (rule 5), or None. A known (structured)
    name at that place wins over the guess, so 司马长根 is never cut to 司马长."""
    if any(text.startswith(kept, start) for kept in keep_names):
        return None
    known = max((n for n in known_names if text.startswith(n, start)), key=len, default=None)
    if known is not None:
        return known
    surname = next((s for s in COMPOUND_SURNAMES if text.startswith(s, start)), None)
    if surname is None:
        if start >= len(text) or text[start] not in COMMON_SURNAMES:
            return None
        surname = text[start]
    given_start = start + len(surname)
    end = given_start
    while end < len(text) and end - given_start < 2 and "\u4e00" <= text[end] <= "\u9fff" \
            and text[end] not in _NOT_GIVEN_NAME_CHARS and text[end] not in _PLACE_OR_ORG_CHARS \
            and not text.startswith(_WORDS_AFTER_NAMES, end):
        end += 1
    name = text[start:end]
    if end == given_start or "某" in name or name[:2] in NOT_NAME_PREFIXES:
        return None
    if end < len(text) and text[end] in _PLACE_OR_ORG_CHARS:
        return None
    return name


def find_marked_names(text: str, keep_names: Iterable[str] = (), known_names: Iterable[str] = ()) -> list[str]:
    """Names after person markers in ``text``, in order of first appearance (rule 5)."""
    keep_names, known_names = tuple(keep_names), tuple(known_names)
    found: list[str] = []
    for marker in _MARKER_PATTERN.finditer(text):
        position = marker.end()
        while (name := _name_at(text, position, keep_names, known_names)) is not None:
            if name not in found:
                found.append(name)
            position += len(name)
            joiner = next((j for j in _NAME_JOINERS if text.startswith(j, position)), None)
            if joiner is None:
                break
            position += len(joiner)
    return found


def _alias(surname: str, rank: int) -> str:
    """Rule 6: 张某, 张某某, 张某甲, 张某乙 …"""
    if rank == 0:
        return surname + "某"
    if rank == 1:
        return surname + "某某"
    stems = "甲乙丙丁戊己庚辛壬癸"
    index = rank - 2
    suffix = stems[index % 10] + (str(index // 10 + 1) if index >= 10 else "")
    return surname + "某" + suffix


def _clean_names(names: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        name = re.sub(r"\s+", "", fold_full_width(name or ""))
        if len(name) >= 2 and "某" not in name and name not in cleaned:
            cleaned.append(name)
    return cleaned


@dataclass(frozen=True)
class PeopleIndex:
    """The private persons of one opinion with their aliases, and the names to keep."""

    aliases: dict[str, str] = field(default_factory=dict)  # full name → alias, in order of persons
    keep_names: tuple[str, ...] = ()

    @classmethod
    def build(cls, petitioner_names: Iterable[str], keep_names: Iterable[str] = (),
              texts: Iterable[str] = ()) -> PeopleIndex:
        """One index for one opinion: structured petitioners first, then names found in ``texts``."""
        keep = tuple(_clean_names(keep_names))
        persons = [n for n in _clean_names(petitioner_names) if n not in keep]
        for text in texts:
            for name in find_marked_names(redact_identifiers(text or ""), keep, persons):
                if name not in persons and name not in keep:
                    persons.append(name)
        return cls._with_persons(persons, keep)

    @classmethod
    def _with_persons(cls, persons: Sequence[str], keep: tuple[str, ...]) -> PeopleIndex:
        ranks: dict[str, int] = {}
        aliases: dict[str, str] = {}
        for name in persons:
            surname = split_name(name)[0]
            aliases[name] = _alias(surname, ranks.get(surname, 0))
            ranks[surname] = ranks.get(surname, 0) + 1
        return cls(aliases, keep)

    def extended_with(self, text: str) -> PeopleIndex:
        """This index plus the names found in ``text`` that it lacks (existing aliases unchanged)."""
        new = [n for n in find_marked_names(text, self.keep_names, self.aliases) if n not in self.aliases]
        if not new:
            return self
        return self._with_persons([*self.aliases, *new], self.keep_names)

    def replacements(self) -> dict[str, str | None]:
        """Every term to look for → its alias, or None for a kept name (rules 7–8)."""
        terms: dict[str, str | None] = dict(self.aliases)
        given_owners: dict[str, list[str]] = {}
        for name in self.aliases:
            given = split_name(name)[1]
            if len(given) >= 2 and given not in self.aliases:
                given_owners.setdefault(given, []).append(name)
        for given, owners in given_owners.items():
            terms[given] = self.aliases[owners[0]] if len(owners) == 1 else SHARED_GIVEN_NAME
        for kept in self.keep_names:
            terms[kept] = None
        return terms


def _in_person_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 6):start].rstrip("：:")
    return before.endswith(PERSON_MARKERS) or text.startswith(PERSON_VERBS, end)


def _replace_names(text: str, people: PeopleIndex) -> str:
    terms = people.replacements()
    if not terms:
        return text
    given_names = {split_name(n)[1] for n in people.aliases} - set(people.aliases)
    # Longest first so that 欧阳明华 wins over 欧阳明 and a kept 张伟国 over a petitioner 张伟.
    ordered = sorted(terms, key=lambda t: (-len(t), terms[t] is not None, t))
    pattern = re.compile("|".join(re.escape(t) for t in ordered))

    def replace(match: re.Match[str]) -> str:
        term, start, end = match.group(), match.start(), match.end()
        alias = terms[term]
        if alias is None:
            return term
        if term in given_names and end < len(text) and text[end] in _PLACE_OR_ORG_CHARS:
            return term
        if term in COMMON_WORD_NAMES and not _in_person_context(text, start, end):
            return term
        return alias

    return pattern.sub(replace, text)


def anonymize(text: str, people: PeopleIndex) -> str:
    """Rules 0–8 on one text of an opinion. Names in ``text`` missing from ``people`` get aliases
    after the index's own; build the index from all the opinion's texts to keep aliases consistent."""
    text = redact_identifiers(text or "")
    return _replace_names(text, people.extended_with(text))


def anonymize_texts(texts: Sequence[str], petitioner_names: Iterable[str],
                    keep_names: Iterable[str] = ()) -> list[str]:
    """Anonymize the title and sections of one opinion with one shared index."""
    people = PeopleIndex.build(petitioner_names, keep_names, texts)
    return [anonymize(text, people) for text in texts]
