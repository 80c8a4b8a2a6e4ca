"""A generated corpus of short Chinese legal texts for search tests: deterministic, built from templates
whose slots overlap on purpose (征地补偿 / 征地补偿安置 / 补偿安置费, stop words next to key phrases,
repeated characters, full-width and traditional forms) so that phrase boundaries are exercised."""

from __future__ import annotations

import random

SUBJECTS = ["征地补偿安置", "征地补偿", "补偿安置费", "房屋征收补偿", "区片综合地价", "视同缴费年限", "工伤认定",
            "经济补偿金", "拖欠农民工工资", "养老保险待遇", "信访积案", "三跨三分离", "宅基地使用权", "安置补助费"]
LAWS = ["劳动合同法", "土地管理法", "社会保险法", "信访工作条例", "国有土地上房屋征收与补偿条例", "行政复议法", "工伤保险条例"]
ORGANS = ["区人民政府", "街道办事处", "人社局", "自然资源局", "镇政府", "信访局"]
ENDINGS = ["建议依法终结。", "依法终结的决定正确。", "不予支持。", "诉求部分合理，予以支持。", "应当通过行政复议解决。",
           "按照诉访分离原则处理。", "已经复查复核程序。"]
TEMPLATES = [
    "信访人反映{subject}问题，认为{organ}违反{law}，{ending}",
    "{organ}就{subject}作出处理意见，适用{law}正确，{ending}",
    "关于{subject}与{subject2}的争议，{organ}的意见是：{ending}",
    "专家会商认为{subject}标准偏低，{law}规定的{subject2}应当足额支付，{ending}",
    "{subject}的金额为{amount}元，{organ}已于{year}年支付，{ending}",
    "法律审查意见书：{subject}、{subject2}及{law}的适用，{ending}",
]


def texts(count: int = 240, seed: int = 11) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        out.append(rnd.choice(TEMPLATES).format(
            subject=rnd.choice(SUBJECTS), subject2=rnd.choice(SUBJECTS), law=rnd.choice(LAWS),
            organ=rnd.choice(ORGANS), ending=rnd.choice(ENDINGS), amount=rnd.randint(1, 999) * 100,
            year=rnd.randint(2015, 2026)))
    # Forms the normalization must bring together.
    out += ["编号ＡＢＣ１２３的征地补偿安置协议。", "编号abc123的补充协议。", "徵地補償標準偏低，應依法終結。",
            "依法终结的信访事项，不再受理。", "依法终结，的确如此。", "中华人民共和国劳动合同法第四十七条。"]
    return out
