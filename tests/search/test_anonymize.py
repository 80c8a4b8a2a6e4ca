"""Anonymization of opinions (app/search/anonymize.py) over a generated corpus and edge cases.

The corpus: 72 opinions from templates with random petitioners (single and compound surnames),
relatives found only in the free text, valid identity numbers, phones, bank cards, plates, addresses
and certificate numbers, mixed with experts, officials, organizations and case/document numbers
that must stay. Every output is scanned for every private item of its opinion.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import pytest

from app.cases.idcard import check_char, is_valid_id_number
from app.search.anonymize import (
    ADDRESS_CUT,
    COMPOUND_SURNAMES,
    MASK,
    PeopleIndex,
    anonymize,
    anonymize_texts,
    find_marked_names,
    redact_identifiers,
)

SINGLE_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡杜叶"
GIVEN_NAMES = (
    "秀英", "桂兰", "志强", "丽娟", "建军", "玉梅", "淑珍", "德胜", "春生", "晓东", "子涵", "雨萱",
    "浩然", "俊杰", "思远", "梓轩", "嘉怡", "凤霞", "金凤", "永福", "家豪", "明轩", "婉婷", "振宇",
    "德福", "长根", "根宝", "翠花", "宝山", "桂芳", "兰英", "美玲", "国栋", "雪梅", "佳琪", "天佑",
)
EXPERTS = ("周文博", "陈思齐", "刘卫平", "黄启明", "欧阳振华", "王立言")
OFFICIALS = ("张汉卿", "李正道", "吴守仁")
PLACES = (
    ("江苏省", "南京市", "鼓楼区", "中山北路"), ("江苏省", "南京市", "江宁区", "双龙大道"),
    ("江苏省", "苏州市", "姑苏区", "干将西路"), ("江苏省", "无锡市", "梁溪区", "解放东路"),
    ("浙江省", "杭州市", "西湖区", "文三路"), ("江苏省", "徐州市", "铜山区", "北京南路"),
)
VILLAGES = ("红星", "长湾", "汤泉", "陶吴", "横溪", "谷里")
ESTATES = ("翠屏山庄", "金陵世纪花园", "银城东苑", "仙林新村")
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def id_number(rng: random.Random) -> str:
    born = f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"3201{rng.randint(2, 16):02d}{born}{rng.randint(0, 999):03d}"
    return first17 + check_char(first17)


def old_id_number(rng: random.Random) -> str:
    return f"3201{rng.randint(2, 16):02d}{rng.randint(50, 89)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"


def mobile(rng: random.Random) -> tuple[str, str]:
    digits = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
    shapes = (digits, f"{digits[:3]}-{digits[3:7]}-{digits[7:]}", f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
              digits.translate(FULL_WIDTH))
    return digits, rng.choice(shapes)


def fixed_line(rng: random.Random) -> str:
    return rng.choice(("025", "0512", "0571")) + "-" + str(rng.randint(2, 8)) + f"{rng.randint(0, 9_999_999):07d}"


def bank_account(rng: random.Random) -> tuple[str, str]:
    digits = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((12, 13, 15))))
    spaced = " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    return digits, rng.choice((digits, spaced))


def plate(rng: random.Random) -> str:
    tail = "".join(rng.choice("0123456789") for _ in range(5))
    return rng.choice((f"苏{rng.choice(LETTERS)}·{tail}", f"苏{rng.choice(LETTERS)}{tail}",
                       f"苏{rng.choice(LETTERS)}D{tail}"))


@dataclass
class Opinion:
    texts: list[str]
    petitioners: list[str]
    keep: list[str]
    private: list[str]  # must not appear in any output
    kept: list[str]  # must appear in some output
    readable: list[str]  # anonymized phrases that must appear


def person(rng: random.Random, used: set[str], surname: str | None = None) -> str:
    while True:
        surname_ = surname or (rng.choice(COMPOUND_SURNAMES[:15]) if rng.random() < 0.25 else rng.choice(SINGLE_SURNAMES))
        given = rng.choice(GIVEN_NAMES)
        if given not in {n[-2:] for n in used}:
            used.add(surname_ + given)
            return surname_ + given


def make_opinion(seed: int) -> Opinion:
    rng = random.Random(seed)
    used: set[str] = set()
    petitioner = person(rng, used)
    surname = next((s for s in COMPOUND_SURNAMES if petitioner.startswith(s)), petitioner[0])
    spouse = person(rng, used, rng.choice(SINGLE_SURNAMES.replace(petitioner[0], "")))
    child = person(rng, used, surname)  # only in the free text, same surname
    neighbour = person(rng, used, rng.choice(SINGLE_SURNAMES))
    expert, official = rng.choice(EXPERTS), rng.choice(OFFICIALS)
    province, city, district, road = rng.choice(PLACES)
    ident, old_ident = id_number(rng), old_id_number(rng)
    mobile_digits, mobile_text = mobile(rng)
    line = fixed_line(rng)
    account_digits, account_text = bank_account(rng)
    car = plate(rng)
    number = rng.randint(1, 300)
    street = f"{road}{number}号"
    home = rng.choice((f"{province}{city}{district}{street}{rng.randint(1, 30)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}室",
                       f"{city}{district}{street}"))
    village = f"{rng.choice(VILLAGES)}村{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
    estate = f"{rng.choice(ESTATES)}{rng.randint(1, 40)}幢"
    certificate = rng.choice((f"苏(2020){city}不动产权第{rng.randint(0, 9_999_999):07d}号",
                              f"宁房权证鼓字第{rng.randint(100_000, 999_999)}号"))
    case_number = f"320100-2026-{seed + 1:05d}"
    document_number = f"〔2026〕南京信专审{seed + 1}号"
    court_number = f"(2025)苏01行终{rng.randint(1, 999)}号"
    given = petitioner[len(surname):]
    title = f"关于{petitioner}反映{district}征地补偿问题的法律审查意见书"
    facts = (
        f"信访人{petitioner}，身份证号码{ident}，联系电话{mobile_text}，住{home}。"
        f"其妻{spouse}（身份证号{old_ident}），其子{child}，固定电话{line}。"
        f"{given}认为，{district}人民政府于2019年3月12日作出的补偿决定标准过低。"
        f"信访人称其车辆{car}在征收过程中被扣押，补偿款应汇入其银行账户{account_text}。"
        f"其房屋坐落于{district}东山街道{village}，不动产权证号{certificate}；另有{estate}住房一套。"
        f"村民{neighbour}证实上述情况。信访人患有糖尿病，{spouse}肢体残疾二级。"
    )
    analysis = (
        f"本案编号{case_number}，文号{document_number}。专家{expert}认为，{city}{district}信访局"
        f"局长{official}已依法答复。{petitioner}、{spouse}不服，曾提起行政诉讼，{court_number}判决驳回。"
        f"专家组经会商认为，{child}的诉求缺乏依据，{city}{rng.choice(VILLAGES)}村村民委员会应予配合。"
    )
    return Opinion(
        texts=[title, facts, analysis],
        petitioners=[petitioner],
        keep=[expert, official],
        private=[petitioner, given, spouse, spouse[1:], child, child[len(surname):], neighbour, ident, old_ident,
                 mobile_digits, mobile_text, line, account_digits, account_text, car, street, village, estate,
                 certificate, "糖尿病"],
        kept=[expert, official, case_number, document_number, court_number, f"{district}人民政府",
              f"{city}{district}信访局", "村民委员会", "2019年3月12日"],
        readable=[f"信访人{surname}某，", f"{surname}某认为", f"其子{surname}某某", f"{city}{district}{ADDRESS_CUT}",
                  f"{spouse[0]}某不服" if spouse[0] != surname else "", "患有疾病"],
    )


CORPUS = [make_opinion(seed) for seed in range(72)]


def test_the_corpus_is_realistic():
    assert len(CORPUS) >= 60
    assert any(any(o.petitioners[0].startswith(s) for s in COMPOUND_SURNAMES) for o in CORPUS)
    for opinion in CORPUS:
        assert is_valid_id_number(opinion.private[7])


@pytest.mark.parametrize("opinion", CORPUS, ids=lambda o: o.texts[0][2:8])
def test_no_private_item_survives_and_kept_items_stay(opinion):
    outputs = anonymize_texts(opinion.texts, opinion.petitioners, opinion.keep)
    whole = "\n".join(outputs)
    folded = whole.translate({ord(c): None for c in " -"})
    for item in opinion.private:
        assert item not in whole, (item, whole)
        if re.fullmatch(r"[\d +\-]+", item):
            assert re.sub(r"[ +\-]", "", item) not in folded, (item, whole)
    for item in opinion.kept:
        assert item in whole, (item, whole)
    for phrase in filter(None, opinion.readable):
        assert phrase in whole, (phrase, whole)
    assert anonymize_texts(outputs, opinion.petitioners, opinion.keep) == outputs  # idempotent


def test_full_width_digits_in_the_corpus_are_masked():
    assert any("１" in "".join(o.texts) or "０" in "".join(o.texts) for o in CORPUS)


# --- names --------------------------------------------------------------------------------------


def run(text: str, petitioners=(), keep=()) -> str:
    return anonymize(text, PeopleIndex.build(petitioners, keep, [text]))


def test_names_next_to_other_words():
    assert run("张三认为，张三、李四均不服。", ["张三", "李四"]) == "张某认为，张某、李某均不服。"


def test_compound_surnames():
    assert run("信访人欧阳明称，司马光明于次日到场。", ["欧阳明", "司马光明"]) == "信访人欧阳某称，司马某于次日到场。"


def test_same_surname_persons_stay_distinguishable_in_every_text():
    title, body = anonymize_texts(["关于张建军、张桂兰、张宝山的意见", "信访人张建军之妻张桂兰，其子张宝山。桂兰称…"],
                                  ["张建军", "张桂兰", "张宝山"])
    assert title == "关于张某、张某某、张某甲的意见"
    assert body == "信访人张某之妻张某某，其子张某甲。张某某称…"


def test_names_found_in_one_section_get_the_same_alias_in_the_title():
    title, body = anonymize_texts(["关于王德胜、李秀英反映问题的意见", "信访人王德胜，其妻李秀英。"], ["王德胜"])
    assert title == "关于王某、李某反映问题的意见"
    assert body == "信访人王某，其妻李某。"


def test_kept_names_organizations_and_legal_terms_stay():
    text = ("信访人张伟国称，专家张伟认为南京市鼓楼区人民政府应答复；当事人高度重视。信访人向区政府提出申请。"
            "申请人南京市某公司。")
    out = run(text, ["张伟国"], ["张伟"])
    assert out == ("信访人张某称，专家张伟认为南京市鼓楼区人民政府应答复；当事人高度重视。信访人向区政府提出申请。"
                   "申请人南京市某公司。")


def test_a_single_character_given_name_is_never_replaced_alone():
    assert run("张三称，三年来未获补偿。", ["张三"]) == "张某称，三年来未获补偿。"


def test_a_given_name_before_a_place_character_stays():
    assert run("信访人王建邺称，建邺区政府未答复，建邺认为不公。", ["王建邺"]) == "信访人王某称，建邺区政府未答复，王某认为不公。"


def test_a_petitioner_named_like_a_common_word():
    text = "信访人文明认为，创建文明城市不应损害其权益。文明称补偿过低。"
    assert run(text, ["文明"]) == "信访人文某认为，创建文明城市不应损害其权益。文某称补偿过低。"
    assert run("建国认为，新中国建国以来……", ["张建国"]) == "张某认为，新中国建国以来……"


def test_a_given_name_shared_by_two_persons():
    assert run("张建军与李建军均称，建军不在场。", ["张建军", "李建军"]) == "张某与李某均称，某某不在场。"


def test_names_found_by_markers():
    text = "村民刘长根、赵翠花和孙宝山反映，被征收人：周兰英称。其妻吴美玲不服。"
    assert find_marked_names(text) == ["刘长根", "赵翠花", "孙宝山", "周兰英", "吴美玲"]
    assert run(text) == "村民刘某、赵某和孙某反映，被征收人：周某称。其妻吴某不服。"


def test_markers_before_places_and_words_find_nothing():
    assert find_marked_names("信访人对此不服，当事人南京市某局，信访人向有关部门反映，村民委员会，当事人方面") == []


def test_aliases_of_three_or_more_same_surname_persons():
    people = PeopleIndex.build(["张一凡", "张二宝", "张三丰", "张四海"])
    assert list(people.aliases.values()) == ["张某", "张某某", "张某甲", "张某乙"]


def test_idempotent_on_names():
    people = PeopleIndex.build(["张建军", "张桂兰"], ["周文博"])
    once = anonymize("信访人张建军、张桂兰称，专家周文博认为…", people)
    assert anonymize(once, people) == once


# --- identifiers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("身份证号32010219800101123X。", f"身份证号{MASK}。"),
    ("身份证号320102198001011。", f"身份证号{MASK}。"),
    ("电话138-1234-5678，", f"电话{MASK}，"),
    ("电话+86 138 1234 5678，", f"电话{MASK}，"),
    ("电话025-84561234转", f"电话{MASK}转"),
    ("电话(025)84561234。", f"电话{MASK}。"),
    ("电话：１３８１２３４５６７８。", f"电话：{MASK}。"),
    ("账号6222 0212 3456 7890 123。", f"账号{MASK}。"),
    ("账号6222021234567890。", f"账号{MASK}。"),
    ("车牌苏A·12345、苏A12345、苏AD12345。", f"车牌{MASK}、{MASK}、{MASK}。"),
    ("证号苏(2020)南京市不动产权第0012345号。", f"证号{MASK}。"),
    ("证号苏（2020）南京市不动产权第0012345号。", f"证号{MASK}。"),
    ("宁房权证鼓转字第123456号。", f"{MASK}。"),
    ("住南京市鼓楼区中山北路123号5栋201室。", "住南京市鼓楼区……。"),
    ("住江苏省南京市江宁区东山街道某某村某组12号。", "住江苏省南京市江宁区……。"),
    ("家住某某村3组12号。", "家住……。"),
    ("住银城东苑3幢。", "住……。"),
    ("信访人患有精神分裂症，", "信访人患有疾病，"),
    ("经诊断为肺癌。", "经诊断为疾病。"),
    ("伤残等级为七级。", "伤残。"),
])
def test_identifiers(text, expected):
    assert redact_identifiers(text) == expected
    assert redact_identifiers(expected) == expected


@pytest.mark.parametrize("text", [
    "案件编号320100-2026-00012。",
    "〔2026〕南京信专审12号",
    "(2025)苏01行终123号",
    "（2025）苏0106行初45号",
    "法释〔2016〕19号第八条",
    "国务院令第590号",
    "2026年3月12号作出",
    "中华人民共和国土地管理法第四十七条",
    "补偿款123456元",
])
def test_kept_numbers_and_ordinary_text(text):
    assert redact_identifiers(text) == text


def test_a_kept_name_wins_over_a_shorter_petitioner_name():
    assert run("专家张伟国认为，信访人张伟称。", ["张伟"], ["张伟国"]) == "专家张伟国认为，信访人张某称。"



def test_an_address_cut_keeps_the_words_before_it():
    assert redact_identifiers("另有金陵世纪花园8幢住房一套，坐落于江宁区谷里街道长湾村3组5号。") == \
        "另有……住房一套，坐落于江宁区……。"
