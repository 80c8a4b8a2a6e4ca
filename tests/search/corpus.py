"""Realistic issued opinions (法律审查意见书) for search tests and benchmarks, generated from a
seed: the same ``(seed, index)`` always gives the same opinion, whatever the count asked for.

A record is shaped like the frozen content of ``app.opinions.content.document_content`` (title,
number, date, the five text sections, conclusion and recommendations with labels, legal_basis,
signers, issuing body) plus what the search index needs from the case: ``category``, ``tier``,
``region_code``, ``cross_flags`` and the ``petitioners`` (name, ID number, phone, address — the
private data that anonymization must remove), and ``topic``, the matter decided, which the
relevance judgments rest on.

Only the standard library and ``expert_pool.codes`` are imported, so the benchmark can run this in
a bare virtualenv holding just a Whoosh fork and rjieba.

    for record in generate_opinions(100_000, seed=7):   # streamed: ~100k in ~15 s
        index(record["id"], full_text(record))
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from expert_pool.codes import CONCLUSIONS, RECOMMENDATIONS
from tests.search import prose
from tests.search.regions import CITIES, ESTATES, ROADS, VILLAGES
from tests.search.topics import LAW_SLOTS, TOPICS, TOPICS_BY_KEY, XF_32, XF_33, XF_35, XF_36, Topic

DEFAULT_LENGTH = 3000
TEXT_SECTIONS = ("claims", "basic_facts", "consultation_summary", "findings", "analysis")
_DIGITS = "零一二三四五六七八九"
_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_PROCEDURE_LAWS = (XF_32, XF_33, XF_35, XF_36)


def generate_opinions(count: int, *, seed: int = 0, length: int = DEFAULT_LENGTH, start: int = 0,
                      topics: tuple[str, ...] | None = None) -> Iterator[dict]:
    """Yield ``count`` opinions (indexes ``start`` … ``start + count - 1``), one at a time."""
    for index in range(start, start + count):
        yield generate_opinion(index, seed=seed, length=length, topics=topics)


def generate_opinion(index: int, *, seed: int = 0, length: int = DEFAULT_LENGTH,
                     topics: tuple[str, ...] | None = None) -> dict:
    rng = random.Random(seed * 1_000_003 + index)   # an int seed is cheap, a str would be hashed
    pool = [TOPICS_BY_KEY[k] for k in topics] if topics else TOPICS
    topic = pool[index % len(pool)] if topics else rng.choice(pool)
    return _Writer(rng, topic, index, seed).record(length)


def full_text(record: dict) -> str:
    """Title, number and every section, as the index reads them."""
    parts = [record["title"], record["number"], *(record[s] for s in TEXT_SECTIONS)]
    parts += [record["conclusion_label"], *record["recommendation_labels"], *record["legal_basis"]]
    return "\n".join(p for p in parts if p)


def id_number(area: str, born: date, sequence: int) -> str:
    """An 18-character GB 11643 identity number with a valid check character (belongs to nobody)."""
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(body, _CHECK_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


class _Writer:
    """Draws the places, people and sentences of one opinion from its own random generator."""

    def __init__(self, rng: random.Random, topic: Topic, index: int, seed: int):
        self.rng, self.topic, self.index, self.seed = rng, topic, index, seed
        city = rng.choice(CITIES)
        district_code, district, streets = rng.choice(city.districts)
        self.city, self.district_code = city, district_code
        self.issued = date(rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28))
        self.petitioners = [self._person(district_code, district, streets) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        experts = rng.sample(prose.EXPERT_NAMES, 3)
        self.tier = rng.choice(("municipal", "municipal", "municipal", "provincial", "national"))
        self.office = {"national": "国家信访局", "provincial": f"{city.province}省信访局"}.get(self.tier, f"{city.name}市信访局")
        slots = dict(LAW_SLOTS)
        slots.update(
            city=city.name, district=district, street=rng.choice(streets), village=rng.choice(VILLAGES),
            estate=rng.choice(ESTATES), road=rng.choice(ROADS), names="、".join(p["name"] for p in self.petitioners),
            p1=self.petitioners[0]["name"], year=self.issued.year, amount=rng.randrange(4200, 98000, 100),
            area=f"{rng.randint(12, 400)}.{rng.randint(0, 9)}", n=rng.randint(3, 60), ym=self._month(-3, -1),
            ym2=self._month(0, 0), letters=rng.randint(1, 9), visits=rng.randint(1, 12), online=rng.randint(0, 10),
            office=self.office, e1=experts[0], e2=experts[1], e3=experts[2],
        )
        slots["org"] = topic.agency.format_map(slots)
        self.slots = slots

    def _month(self, low: int, high: int) -> str:
        return f"{self.issued.year + self.rng.randint(low, high)}年{self.rng.randint(1, 12)}月"

    def _person(self, district_code: str, district: str, streets: tuple[str, ...]) -> dict:
        rng = self.rng
        surname = rng.choice(prose.COMPOUND_SURNAMES) if rng.random() < 0.03 else rng.choice(prose.SURNAMES)
        given = "".join(rng.choice(prose.GIVEN) for _ in range(rng.choice((1, 2, 2))))
        born = date(rng.randint(1950, 1990), rng.randint(1, 12), rng.randint(1, 28))
        place = rng.choice((f"{rng.choice(VILLAGES)}{rng.randint(1, 9)}组{rng.randint(1, 99)}号",
                            f"{rng.choice(ESTATES)}{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"))
        return {
            "name": surname + given,
            "male": rng.random() < 0.5,
            "born": born.isoformat(),
            "id_number": id_number(district_code, born, rng.randint(1, 999)),
            "phone": f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            "address": f"{self.city.name}市{district}{rng.choice(streets)}{place}",
        }

    def fill(self, template: str) -> str:
        return template.format_map(self.slots)

    def record(self, length: int) -> dict:
        rng, topic = self.rng, self.topic
        conclusion = rng.choice(tuple(CONCLUSIONS))
        recommendations = list(rng.choice(prose.RECOMMENDATIONS_BY_CONCLUSION[conclusion]))
        sections = {
            "claims": "\n".join(f"{i}. {c}；" for i, c in enumerate(rng.choice(topic.claims), 1)),
            "basic_facts": self._who() + "".join(self.fill(s) for s in topic.facts) + self.fill(rng.choice(prose.HISTORY)),
            "consultation_summary": "".join(self.fill(s) for s in prose.CONSULTATION[rng.randint(0, 1):]),
            "findings": self._numbered([self.fill(s) for s in topic.findings]) + f"\n争议焦点：{topic.focus}。",
            "analysis": self._numbered([self.fill(s) for s in topic.analysis]),
        }
        if rng.random() < 0.35:
            other = rng.choice([k for k in prose.SIDE_MENTIONS if k != topic.key])
            sections["basic_facts"] += self.fill(prose.SIDE_MENTIONS[other])
        self._lengthen(sections, length)
        sections["analysis"] += "\n" + "".join(self.fill(s) for s in prose.CLOSING[conclusion])
        procedure = [law for law in _PROCEDURE_LAWS if law in sections["analysis"]]
        title = self.fill(rng.choice(topic.titles))
        city = self.city
        prefix = {"national": "国", "provincial": city.province_short}.get(self.tier, city.name)
        return {
            "id": f"op-{self.seed}-{self.index}",
            "topic": topic.key,
            "opinion_id": self.index + 1,
            "consultation_id": self.index + 1,
            "case_number": f"{self.district_code}-{self.issued.year}-{self.index % 100_000:05d}",
            "title": f"关于{title}{'' if title.endswith('信访事项') else '信访事项'}的法律审查意见书",
            "addressee": self.slots["org"],
            "number": f"〔{self.issued.year}〕{prefix}信专审{self.index % 400 + 1}号",
            "date": self.issued.isoformat(),
            **sections,
            "conclusion": conclusion,
            "conclusion_label": CONCLUSIONS[conclusion],
            "recommendations": recommendations,
            "recommendation_labels": [RECOMMENDATIONS[r] for r in recommendations],
            "legal_basis": list(dict.fromkeys((*topic.laws, *procedure))),
            "review_opinion": "",
            "dissent": "",
            "signers": [{"name": self.slots[e], "title": title_, "employer": "", "role": role}
                        for e, title_, role in (("e1", "主任律师", "组长"), ("e2", "教授", "成员"), ("e3", "退休法官", "成员"))],
            "issuing_body": self.office,
            "cc": [],
            "printing_office": self.office,
            "print_date": self.issued.isoformat(),
            "supersedes": None,
            "category": topic.category,
            "tier": self.tier,
            "region_code": self.district_code,
            "cross_flags": sorted(rng.sample(prose.CROSS_FLAGS, rng.choice((0, 0, 0, 1, 2)))),
            "petitioners": self.petitioners,
        }

    def _who(self) -> str:
        lines = []
        for p in self.petitioners:
            born = date.fromisoformat(p["born"])
            lines.append(f"信访人{p['name']}，{'男' if p['male'] else '女'}，{born.year}年{born.month}月{born.day}日出生，"
                         f"公民身份号码{p['id_number']}，联系电话{p['phone']}，住{p['address']}。")
        return "\n".join(lines) + "\n"

    @staticmethod
    def _numbered(paragraphs: list[str]) -> str:
        return "\n".join(f"（{chinese_number(i + 1)}）{p}" for i, p in enumerate(paragraphs))

    def _lengthen(self, sections: dict, length: int) -> None:
        """Add the topic's further sentences and shared wording, each at most once, as a drafter
        would, until the text reaches about ``length`` characters (or the wording runs out)."""
        rng = self.rng
        pool = [*self.topic.extra, *prose.PROCEDURE, *prose.HISTORY[3:], *prose.FURTHER]
        rng.shuffle(pool)
        total = sum(len(v) for v in sections.values())
        paragraphs = sections["analysis"].count("\n") + 1
        while total < length and pool:
            sentence = "".join(self.fill(pool.pop()) for _ in range(min(2, len(pool))))
            if rng.random() < 0.6:
                sentence = f"\n（{chinese_number(paragraphs + 1)}）{sentence}"
                paragraphs += 1
                sections["analysis"] += sentence
            else:
                sections["findings"] += sentence
            total += len(sentence)


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (十一, 二十), for numbered paragraphs."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")
