"""Generated legal review opinions (法律审查意见书) of a chosen length, for search benchmarks.

Deterministic for a seed: sentences from templates about land requisition, labour, social security
and petition handling, filled with places, laws, amounts and dates. Realistic enough in vocabulary and
sentence shape for segmentation and indexing speed; not meant to be read.
"""

from __future__ import annotations

import random

PLACES = ["南京市鼓楼区", "苏州市吴中区", "无锡市惠山区", "徐州市铜山区", "杭州市西湖区", "合肥市蜀山区",
          "济南市历城区", "郑州市金水区", "成都市武侯区", "长沙市岳麓区", "南昌市青山湖区", "福州市仓山区"]
LAWS = ["《中华人民共和国土地管理法》第四十八条", "《国有土地上房屋征收与补偿条例》第十九条",
        "《中华人民共和国劳动合同法》第四十七条", "《中华人民共和国社会保险法》第十六条", "《信访工作条例》第三十五条",
        "《中华人民共和国行政复议法》第二十条", "《工伤保险条例》第十四条", "《中华人民共和国民法典》第二百四十三条",
        "《中华人民共和国农村土地承包法》第十七条", "《保障农民工工资支付条例》第三条"]
SUBJECTS = ["征地补偿安置", "房屋征收补偿", "区片综合地价", "视同缴费年限", "工伤认定", "经济补偿金", "拖欠工资",
            "养老保险待遇", "宅基地使用权", "土地承包经营权", "信访积案化解", "政府信息公开", "最低生活保障"]
ORGANS = ["区人民政府", "市自然资源和规划局", "区人力资源和社会保障局", "街道办事处", "市住房和城乡建设局",
          "区信访局", "镇人民政府", "市社会保险事业管理中心"]
TEMPLATES = [
    "信访人{name}反映其{subject}问题，认为{organ}的处理违反{law}的规定，要求重新核定。",
    "经查，{organ}于{year}年{month}月作出处理意见，认定{subject}标准符合{law}，信访人不服申请复查。",
    "专家组认为，{subject}的争议焦点在于补偿标准是否执行{place}公布的区片综合地价，金额为{amount}元。",
    "根据{law}，征收土地应当依法及时足额支付土地补偿费、安置补助费以及农村村民住宅、其他地上附着物和青苗等的补偿费用。",
    "信访人主张其在{place}的工作经历应计入视同缴费年限，但未能提供原始档案材料，诉求缺乏事实依据。",
    "本案已经复查复核程序，{organ}作出的复核意见认定事实清楚，适用法律正确，建议依法终结。",
    "鉴于该事项属于涉法涉诉信访，应当按照诉访分离的原则，引导信访人通过行政复议或者行政诉讼等法定途径解决。",
    "专家会商意见认为，{organ}在{subject}工作中存在程序瑕疵，建议予以纠正并做好解释疏导工作。",
    "信访人于{year}年{month}月{day}日向{organ}提出申请，要求支付{subject}款项共计{amount}元，{organ}未予答复。",
    "综上，信访人关于{subject}的诉求部分合理，建议{organ}依照{law}重新作出处理，并在三十日内书面答复。",
]
NAMES = ["张某某", "李某", "王某某", "刘某", "陈某", "杨某某", "赵某", "黄某某", "周某", "吴某"]


def sentence(rnd: random.Random) -> str:
    return rnd.choice(TEMPLATES).format(
        name=rnd.choice(NAMES), subject=rnd.choice(SUBJECTS), organ=rnd.choice(ORGANS), law=rnd.choice(LAWS),
        place=rnd.choice(PLACES), year=rnd.randint(2012, 2026), month=rnd.randint(1, 12), day=rnd.randint(1, 28),
        amount=rnd.randint(5, 900) * 1000)


def opinion(rnd: random.Random, chars: int = 3000) -> str:
    """One opinion of about ``chars`` characters, in paragraphs of a few sentences."""
    parts: list[str] = []
    size = 0
    while size < chars:
        paragraph = "".join(sentence(rnd) for _ in range(rnd.randint(2, 5)))
        parts.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(parts)


def opinions(count: int, chars: int = 3000, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return [opinion(rnd, chars) for _ in range(count)]
