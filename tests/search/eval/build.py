"""Writes the frozen relevance evaluation set: ``opinions.json`` (51 opinions, 3 per topic, from
the generator with a fixed seed) and ``queries.json`` (queries with graded judgments).

Run once: ``python -m tests.search.eval.build``. The files are committed and the tests read only
them, so later changes to the generator never move the figures. Judgments follow the matter each
opinion decides (its topic), the provisions it cites and what it recommends — what an expert
searching for precedent wants — never the words of its text:

3  decides exactly the matter asked about    2  closely related matter or the cited provision
1  same field, of some use as background     0  (not listed) not relevant
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.search import topics as T
from tests.search.corpus import generate_opinions

HERE = Path(__file__).parent
SEED = 2026
LENGTH = 2000


def by_topic(**grades: int):
    return lambda doc: grades.get(doc["topic"], 0)


def citing(citation: str, *, core: tuple[str, ...] = (), grade: int = 2):
    """3 for the topics whose matter turns on the provision, ``grade`` for other opinions citing it."""
    return lambda doc: 3 if doc["topic"] in core else (grade if citation in doc["legal_basis"] else 0)


def recommending(code: str, grade: int = 3, *, else_unreasonable: int = 0):
    def judge(doc):
        if code in doc["recommendations"]:
            return grade
        return else_unreasonable if doc["conclusion"] == "claim_unreasonable" else 0
    return judge


def topic_and(topic: str, *, recommendation: str = "", conclusion: str = "", others: int = 0):
    """3 for the topic with that recommendation or conclusion, 2 for the rest of the topic,
    ``others`` for other opinions with it."""
    def judge(doc):
        matches = recommendation in doc["recommendations"] if recommendation else doc["conclusion"] == conclusion
        if doc["topic"] == topic:
            return 3 if matches else 2
        return others if matches else 0
    return judge


QUERIES = (
    ("征地补偿标准", by_topic(land_region_price=3, land_seedlings=2, land_social_security=1, house_assessment=1)),
    ('"视同缴费年限"', by_topic(labor_deemed_years=3)),
    ("依法终结 重复信访", recommending("terminate_per_law", else_unreasonable=1)),
    ("信访工作条例第三十三条", citing(T.XF_33, grade=3)),
    ("宅基地 确权", by_topic(agri_homestead=3)),
    ("law=国有土地上房屋征收与补偿条例第十九条", citing(T.HOUSE_19, core=("house_assessment",))),
    ("拖欠农民工工资", by_topic(labor_wage_arrears=3)),
    ("低保 停发", by_topic(civil_dibao=3)),
    ("专项维修资金 业主表决", by_topic(housing_maintenance_fund=3)),
    ("房屋征收 评估价格 异议", by_topic(house_assessment=3, land_seedlings=1)),
    ("被征地农民 养老保障", by_topic(land_social_security=3, land_region_price=1, land_seedlings=1)),
    ("土地承包经营权 流转", by_topic(agri_contract_land=3, agri_membership=1)),
    ("医疗纠纷 赔偿", by_topic(health_medical_dispute=3)),
    ("企业改制 经济补偿金", by_topic(enterprise_restructuring=3, labor_deemed_years=1)),
    ("工伤认定 超过时限", by_topic(labor_work_injury=3)),
    ("退役士兵 安置", by_topic(veterans_resettlement=3)),
    ("违法占用耕地 查处", by_topic(nr_illegal_farmland=3)),
    ("外嫁女 集体经济组织成员资格", by_topic(agri_membership=3, land_social_security=2)),
    ("停产停业损失", by_topic(house_assessment=3)),
    ("公租房 取消资格", by_topic(housing_public_rental=3)),
    ("土地管理法第四十八条", citing(T.LAND_48, core=("land_seedlings", "land_region_price", "land_social_security"))),
    ("民法典第二百七十八条 维修资金", by_topic(housing_maintenance_fund=3)),
    ("引导 行政复议 行政诉讼", recommending("legal_channel", grade=2)),
    ("苗木 青苗 地上附着物", by_topic(land_seedlings=3)),
    ("学徒 连续工龄", by_topic(labor_deemed_years=3)),
    ("欠薪 总承包单位 先行清偿", by_topic(labor_wage_arrears=3)),
    ("law=《中华人民共和国社会保险法》第十六条", citing(T.SI_16, core=("labor_deemed_years",))),
    ("安置单位 解除劳动合同", by_topic(veterans_resettlement=3, enterprise_restructuring=1)),
    # Harder: words the opinions do not use, other numerals and scripts, side issues as decoys,
    # a matter narrowed by what was decided.
    ("拆迁 补偿款 评估", by_topic(house_assessment=3, land_seedlings=1, land_region_price=1)),
    ("農民工 工資 拖欠", by_topic(labor_wage_arrears=3)),
    ("信访工作条例第33条", citing(T.XF_33, grade=3)),
    ("law=土地管理法第48条", citing(T.LAND_48, core=("land_seedlings", "land_region_price", "land_social_security"))),
    ("第四十八条第四款 地上附着物", citing(T.LAND_48_4, core=("land_seedlings",))),
    ("宅基地 组织调解", topic_and("agri_homestead", recommendation="mediation", others=1)),
    ("苗木补偿 诉求合理", topic_and("land_seedlings", conclusion="claim_reasonable")),
    ("养老保险 档案 缺失", by_topic(labor_deemed_years=3)),
    ("电梯 维修资金 代签", by_topic(housing_maintenance_fund=3)),
    ("征地 社会保障 户籍迁出", by_topic(land_social_security=3, agri_membership=1)),
    ("医疗损害鉴定", by_topic(health_medical_dispute=3)),
    ("占用耕地 恢复原状", by_topic(nr_illegal_farmland=3)),
    ("公共租赁住房 商业用房", by_topic(housing_public_rental=3)),
    ("拖欠工资 劳动保障监察", by_topic(labor_wage_arrears=3)),
)


def build() -> None:
    keys = tuple(t.key for t in T.TOPICS)
    opinions = list(generate_opinions(3 * len(keys), seed=SEED, length=LENGTH, topics=keys))
    queries = []
    for number, (text, judge) in enumerate(QUERIES, 1):
        judgments = {doc["id"]: grade for doc in opinions if (grade := judge(doc))}
        queries.append({"id": f"q{number:02d}", "query": text, "judgments": judgments})
    dump = {"ensure_ascii": False, "indent": 1}
    (HERE / "opinions.json").write_text(json.dumps(opinions, **dump) + "\n", encoding="utf-8")
    (HERE / "queries.json").write_text(json.dumps(queries, **dump) + "\n", encoding="utf-8")


if __name__ == "__main__":
    build()
