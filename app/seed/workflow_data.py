"""Demo consultations (会商): for each demo case that asks for a legal review, how far its
consultation has got, and the texts written on the way — questions, reasons, meeting minutes,
the legal review opinion, the agency's feedback and the ratings of the experts.

Together they put a consultation in every state of ``CONSULTATION_STATUSES``. The order matters
where the demo expert account is concerned: its two consultations come first among 南京's, so
that no earlier draw has filled the expert's open-consultation capacity (see
``app.seed.experts``). Dates work as in ``app.seed.case_data``; meeting days count working days
from the day the demo is loaded (negative: a meeting already held).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingSpec:
    workdays: int          # < 0: held that many working days ago; > 0: scheduled that far ahead
    mode: str = "onsite"
    location: str = ""
    minutes: str = ""


@dataclass(frozen=True)
class OpinionSpec:
    materials: str                      # what the panel read (会商情况)
    findings: str                       # 查明事实与争议焦点
    analysis: str                       # 法律分析
    conclusion: str
    recommendations: tuple[str, ...]
    legal_basis: tuple[str, ...]
    comment: str = ""                   # a member's comment on the first draft
    dissent: str = ""                   # a member's 少数意见 (printed in the document)
    issue: bool = True                  # False: stays a draft
    demo_expert_signs: bool = True      # False: the demo expert still has to sign


@dataclass(frozen=True)
class FeedbackSpec:
    adopted: bool
    outcome: str                        # resolved | in_progress | not_resolved
    note: str


@dataclass(frozen=True)
class ConsultationSpec:
    case: str                           # CaseSpec.key
    target: str                         # the state the demo leaves it in
    questions: str
    specialties: tuple[str, ...]
    panel_size: int = 3
    urgency: str = "normal"
    return_reason: str = ""             # returned for completion (退回补正) with this reason …
    amended_questions: str = ""         # … and, when given, amended and resubmitted
    withdraw_reason: str = ""
    close_case_note: str = ""           # the agency closes the case after withdrawing
    escalations: tuple[str, ...] = ()   # reasons, one per step up (上级专家库援助)
    decline: str = ""                   # one drawn member declines; the top reserve is promoted
    accept: int | None = None           # how many seated members accept (None: all)
    demo_expert: str = ""               # "invited" (left pending) | "panel" (accepts) — a designed seat
    meeting: MeetingSpec | None = None
    opinion: OpinionSpec | None = None
    feedback: FeedbackSpec | None = None
    ratings: tuple[tuple[int, str], ...] = ()


NJ_ROOM = "南京市信访局专家会商室（三楼）"
HZ_ROOM = "杭州市信访局专家会商室"
SZ_ROOM = "苏州市信访局第二会议室"

RATINGS = (
    (95, "会前认真审阅全部材料，法律分析严谨，执笔意见书质量高。"),
    (90, "熟悉征地补偿政策，意见具体可操作。"),
    (88, "按时参会，发言切中争议焦点。"),
    (92, "对信访人诉求的合理部分分析透彻，提出的化解建议被责任单位采纳。"),
    (86, "参会认真，能结合审判实务提出意见。"),
)


# --------------------------------------------------------------------------- opinions

QINGTANG_OPINION = OpinionSpec(
    materials="征收土地预公告、土地现状调查表、征地补偿安置方案及公告、补偿费用测算表、同一项目苗木评估报告、信访事项处理意见书",
    findings=(
        "（一）该项目征收土地已经省人民政府批准。征收前依法发布了征收土地预公告，开展了土地现状调查和社会稳定风险评估，"
        "征地补偿安置方案公告期满后无被征地农民申请听证，征地程序基本完备。\n"
        "（二）土地补偿费和安置补助费按照省人民政府公布的区片综合地价执行，信访人承包地位于该街道二类区片，"
        "所适用的标准与公布的区片图一致。\n"
        "（三）信访人承包地上的苗木为多年生桂花、红叶石楠等绿化苗木，土地现状调查时登记为“苗木”，但未记载株数、"
        "胸径等规格，补偿时统一按青苗补偿标准每亩4200元计算。同一项目中另有两户苗木经营户经委托评估后按评估价获得补偿。\n"
        "（四）信访人3户中，刘德海、周桂兰2人征地时符合被征地农民社会保障对象条件，但尚未办理参保手续。\n"
        "争议焦点：一是承包地上的苗木应按青苗还是按地上附着物评估补偿；二是区片综合地价的适用是否正确；"
        "三是信访人是否应纳入被征地农民社会保障。"
    ),
    analysis=(
        "（一）关于苗木补偿。《中华人民共和国土地管理法》第四十八条第二款规定，征收土地应当依法及时足额支付土地补偿费、"
        "安置补助费以及农村村民住宅、其他地上附着物和青苗等的补偿费用；第四款规定，地上附着物和青苗等的补偿标准由省、"
        "自治区、直辖市制定。多年生绿化苗木具有独立的经济价值，与当季农作物青苗性质不同，应按地上附着物据实补偿。"
        "本项目土地现状调查未记载苗木株数和规格，补偿时径按青苗标准计算，而同一项目中类似情形已按评估价补偿，"
        "属同类情形处理不一致，信访人要求重新评估苗木价值的诉求有事实和政策依据。\n"
        "（二）关于区片综合地价。依照《中华人民共和国土地管理法》第四十八条第三款，征收农用地的土地补偿费、安置补助费"
        "标准由省级人民政府通过制定公布区片综合地价确定。信访人承包地的区片归属以省人民政府公布的区片图为准，"
        "本项目适用标准正确，信访人要求按最高等级区片补偿缺乏依据，应当做好解释说明。\n"
        "（三）关于社会保障。依照《中华人民共和国土地管理法》第四十八条第五款，县级以上地方人民政府应当将被征地农民"
        "纳入相应的养老等社会保障体系。刘德海、周桂兰2人征地时已符合条件，应由区人民政府核实后纳入，刘德胜本人"
        "已参加城镇职工基本养老保险，不属于重复纳入的对象。\n"
        "（四）关于处理方式。本项目征收程序符合《中华人民共和国土地管理法》第四十七条的规定，信访人诉求中合理的部分"
        "属于补偿安置方案执行中的问题。有权处理机关应当依照《信访工作条例》第三十二条的规定，对事实清楚、符合规定的"
        "请求予以支持，对缺乏依据的请求作出解释说明。"
    ),
    conclusion="claim_partly_reasonable",
    recommendations=("reprocess", "support_claim", "explain_and_educate"),
    legal_basis=("《中华人民共和国土地管理法》第四十七条", "《中华人民共和国土地管理法》第四十八条",
                 "《信访工作条例》第三十二条"),
    comment="建议在法律分析中写明同一项目其他苗木经营户按评估价补偿的情况，作为同类情形同等对待的依据。",
)

BEIGU_OPINION = OpinionSpec(
    materials="房屋征收决定及公告、征收补偿方案、房地产价格评估报告及送达回证、评估机构选定投票记录、产权调换房源清单、信访事项处理意见书",
    findings=(
        "（一）鼓楼区人民政府作出房屋征收决定前，征收补偿方案经论证并公开征求意见，进行了社会稳定风险评估，"
        "征收决定已依法公告。\n"
        "（二）房地产价格评估机构由被征收人投票选定，评估时点为房屋征收决定公告之日。评估报告已于公告后依法送达信访人，"
        "信访人未在收到评估报告之日起10日内申请复核评估。\n"
        "（三）被征收房屋登记用途为住宅。信访人曾在临街一侧开设小卖部，但未办理营业执照，无纳税记录。\n"
        "（四）本项目为旧城区改建，征收部门提供了货币补偿和产权调换两种方式，产权调换房源位于距改建地段约6公里的"
        "安置房项目，改建地段内另有回迁安置房源尚未公布分配方案。\n"
        "争议焦点：一是评估价格是否公允，能否按新建商品住房价格补偿；二是临街住宅用于经营能否按营业用房补偿或给予"
        "停产停业损失补偿；三是信访人要求在原地段安置的诉求是否有依据。"
    ),
    analysis=(
        "（一）关于评估价格。《国有土地上房屋征收与补偿条例》第十九条规定，对被征收房屋价值的补偿，不得低于房屋征收"
        "决定公告之日被征收房屋类似房地产的市场价格；对评估确定的被征收房屋价值有异议的，可以向房地产价格评估机构申请"
        "复核评估，对复核结果有异议的，可以向房地产价格评估专家委员会申请鉴定。本案评估时点和评估对象符合规定，"
        "信访人以公告后新建商品住房价格上涨为由要求提高补偿，缺乏依据。鉴于信访人未申请复核评估系对程序不了解，"
        "建议由评估机构当面解释评估方法和可比实例，并再次告知救济途径。\n"
        "（二）关于经营损失。《国有土地上房屋征收与补偿条例》第二十三条规定，对因征收房屋造成停产停业损失的补偿，"
        "根据房屋被征收前的效益、停产停业期限等因素确定。信访人未取得营业执照、无纳税记录，房屋登记用途为住宅，"
        "不符合按营业用房补偿或给予停产停业损失补偿的条件，但可由征收部门依照本市规定给予适当补助。\n"
        "（三）关于安置地段。《国有土地上房屋征收与补偿条例》第二十一条第三款规定，因旧城区改建征收个人住宅，"
        "被征收人选择在改建地段进行房屋产权调换的，作出房屋征收决定的市、县级人民政府应当提供改建地段或者就近地段的"
        "房屋。本项目属旧城区改建，信访人要求在改建地段安置有法律依据，区人民政府应当核实改建地段回迁房源并提供选择。\n"
        "（四）关于后续程序。经协商仍达不成补偿协议的，区人民政府应当依照《国有土地上房屋征收与补偿条例》第二十六条"
        "的规定作出补偿决定；信访人对补偿决定不服的，可以依法申请行政复议或者提起行政诉讼，不宜再通过信访途径反复主张。"
    ),
    conclusion="claim_partly_reasonable",
    recommendations=("reprocess", "explain_and_educate", "legal_channel"),
    legal_basis=("《国有土地上房屋征收与补偿条例》第十九条", "《国有土地上房屋征收与补偿条例》第二十一条第三款",
                 "《国有土地上房屋征收与补偿条例》第二十三条", "《国有土地上房屋征收与补偿条例》第二十六条",
                 "《信访工作条例》第三十二条"),
)

YUNHE_OPINION = OpinionSpec(
    materials="维修资金使用申请及审核意见、外墙检测报告、维修方案及预算、业主表决票及统计表、管理规约、信访事项处理意见书",
    findings=(
        "（一）该小区共有住宅12幢。经检测机构检测，外墙瓷砖空鼓脱落主要集中在3、5、7、8幢，空鼓率为12%至23%，"
        "其余8幢空鼓率均低于3%。\n"
        "（二）业主委员会提出的维修方案为全小区12幢外墙整体维修，费用从全体业主分户账中按建筑面积分摊。\n"
        "（三）业主表决采用书面征求意见方式，表决票注明“逾期未反馈视为同意”。统计结果中明确表示同意的业主，"
        "专有部分面积占比为41%、人数占比为39%，其余按“视为同意”计入。管理规约对表决方式未作约定。\n"
        "（四）市住房保障和房产管理局审核时以业主委员会出具的表决结果为准，未对计票方式进行审查，同意划拨首期款63.6万元，"
        "该款项已支付施工单位，用于3、5、7、8幢的排险和脚手架搭设。\n"
        "争议焦点：一是“逾期未反馈视为同意”的计票方式是否合法；二是维修费用应由全体业主还是相关楼幢业主分摊；"
        "三是已划拨资金和后续审核应当如何处理。"
    ),
    analysis=(
        "（一）关于表决方式。《中华人民共和国民法典》第二百七十八条规定，使用建筑物及其附属设施的维修资金，应当由专有"
        "部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决，并经参与表决专有部分面积过半数的业主且"
        "参与表决人数过半数的业主同意。将逾期未反馈的业主计为同意，是以推定代替业主的真实意思表示，管理规约又无相应"
        "约定，本次表决结果不能作为使用维修资金的依据。\n"
        "（二）关于分摊范围。《中华人民共和国民法典》第二百八十一条第一款规定，建筑物及其附属设施的维修资金属于业主共有，"
        "经业主共同决定，可以用于电梯、屋顶、外墙、无障碍设施等共有部分的维修、更新和改造。外墙属于所在楼幢业主的共有"
        "部分，维修费用原则上由该幢业主按专有部分面积分摊。本案空鼓集中于4幢，整体维修方案将其余8幢业主一并纳入分摊，"
        "信访人的异议有一定道理；如确有整体维修的必要，应当在方案中说明理由并依法表决。\n"
        "（三）关于应急排险。外墙瓷砖脱落危及人身、财产安全，属于《中华人民共和国民法典》第二百八十一条第二款规定的"
        "紧急情况，业主大会或者业主委员会可以依法申请使用维修资金。已支付的首期款用于4幢楼的排险，不以业主表决为前提，"
        "可予确认。《物业管理条例》第五十三条规定，专项维修资金属于业主所有，专项用于物业共用部位、共用设施设备的维修"
        "和更新、改造，不得挪作他用，后续资金的使用仍应依法表决。\n"
        "（四）关于处理方式。房产管理部门审核维修资金使用申请，应当审查表决程序是否符合法律规定。建议该局依照《信访工作"
        "条例》第三十二条重新审查，确认应急排险部分，暂停其余资金划拨，指导业主委员会依法重新组织表决，必要时组织调解。"
    ),
    conclusion="claim_partly_reasonable",
    recommendations=("reprocess", "mediation", "explain_and_educate"),
    legal_basis=("《中华人民共和国民法典》第二百七十八条", "《中华人民共和国民法典》第二百八十一条",
                 "《物业管理条例》第五十三条", "《信访工作条例》第三十二条"),
    dissent=(
        "外墙空鼓具有普遍性和发展性，其余8幢虽空鼓率较低，但与上述4幢系同期同批施工，整体维修有利于一次性消除安全隐患、"
        "降低总体费用。建议在重新表决时将整体维修和分幢维修两个方案一并提交业主选择，而不宜由审核部门直接限定为分幢维修。"
    ),
)

DONGFENG_OPINION = OpinionSpec(
    materials="信访人人事档案（复印件）、学徒期满转正定级表、学徒期间工资条及工作证、原企业1985年职工花名册（市档案馆馆藏）、"
              "养老保险待遇核定表、档案移交清单",
    findings=(
        "（一）信访人人事档案中存有1986年9月的招工录用审批表，1984年3月至1986年8月期间的档案材料仅有学徒期满转正定级表"
        "一份，表中载明“1984年3月入厂当学徒工”，未见招工审批材料。\n"
        "（二）信访人提供的学徒期间工资条12张、工作证1本（发证日期1984年4月），与市档案馆馆藏的原企业1985年职工花名册"
        "相互印证。\n"
        "（三）原企业于1998年改制，职工档案移交区人才服务中心保管，移交清单记载“部分职工招工材料缺失”。\n"
        "争议焦点：一是学徒期间能否计算连续工龄并认定为视同缴费年限；二是档案材料缺失的不利后果应当由谁承担。"
    ),
    analysis=(
        "（一）《中华人民共和国社会保险法》第十六条规定，参加基本养老保险的个人，达到法定退休年龄时累计缴费满十五年的，"
        "按月领取基本养老金。视同缴费年限是核定基本养老金的重要依据，应当以档案记载的连续工龄为基础，结合原始材料综合认定。\n"
        "（二）学徒期间计算为连续工龄，是国家长期执行的政策。本案学徒期满转正定级表载明信访人入厂时间，与工资条、工作证、"
        "职工花名册相互印证，能够证明信访人自1984年3月起在原企业工作。招工审批材料缺失系原企业档案管理原因所致，"
        "不应由职工承担不利后果。\n"
        "（三）有权处理机关应当依照《信访工作条例》第三十二条的规定，对请求事实清楚、符合规定的予以支持。建议市人力资源"
        "和社会保障局组织复核，认定1984年3月至1986年8月为视同缴费年限，重新核定基本养老金并补发差额。\n"
        "（四）如经复核仍不予认定，应当作出书面决定并说明理由，告知信访人可以依照《中华人民共和国社会保险法》第八十三条"
        "的规定申请行政复议或者提起行政诉讼。"
    ),
    conclusion="claim_reasonable",
    recommendations=("support_claim", "reprocess"),
    legal_basis=("《中华人民共和国社会保险法》第十六条", "《中华人民共和国社会保险法》第八十三条", "《信访工作条例》第三十二条"),
    comment="第（二）部分建议补充市档案馆出具的馆藏证明，作为花名册来源的依据。",
    issue=False,
    demo_expert_signs=False,
)


# --------------------------------------------------------------------------- minutes

MINUTES = {
    "qingtang": (
        "会议由专家组组长主持。南京市规划和自然资源局介绍了青塘村征地的审批、公告和补偿情况，江宁区人民政府介绍了前期"
        "调处情况。专家组重点讨论了苗木补偿标准、区片综合地价适用和被征地农民社会保障三个问题。经讨论，专家组一致认为"
        "征地程序合法，区片地价适用正确；苗木按青苗标准补偿与同项目其他户处理不一致，应当重新评估；2名信访人符合"
        "社会保障条件。会议商定由组长执笔起草法律审查意见书。"
    ),
    "beigu": (
        "会议由专家组组长主持。鼓楼区房屋征收部门介绍了征收决定、评估机构选定和评估报告送达情况。专家组询问了改建地段"
        "回迁房源和“住改商”补助政策。经讨论，专家组认为评估程序合法，提高评估价格的诉求缺乏依据；信访人要求在改建地段"
        "安置符合《国有土地上房屋征收与补偿条例》第二十一条的规定，应予支持。会议商定由组长执笔起草意见书。"
    ),
    "yunhe": (
        "会议由专家组组长主持。市住房保障和房产管理局介绍了维修资金使用申请的审核过程，检测机构说明了外墙空鼓检测结果。"
        "专家组多数意见认为“逾期未反馈视为同意”的计票方式不符合《中华人民共和国民法典》第二百七十八条的规定，"
        "应当重新表决；维修费用原则上由相关楼幢分摊。一名专家认为整体维修更为合理，保留少数意见。会议商定由组长执笔"
        "起草意见书，少数意见一并载明。"
    ),
    "dongfeng": (
        "会议由专家组组长主持。市人力资源和社会保障局介绍了信访人视同缴费年限的核定经过及档案查阅情况，社会保险经办机构"
        "说明了审核依据。专家组逐一发表意见，一致认为学徒期满转正定级表、工资条、工作证与职工花名册可以相互印证，"
        "学徒期间的工作事实基本清楚；招工审批材料缺失系原企业档案管理原因，不宜由职工承担不利后果。会议商定由组长执笔"
        "起草法律审查意见书，各成员于3个工作日内提出修改意见并签署。"
    ),
    "xiangcheng": (
        "会议由专家组组长主持。苏州市住房和城乡建设局介绍了安置房项目规划调整和施工进度，相城区拆迁安置部门说明了临时"
        "安置费发放情况。专家组认为，规划调整系政府一方原因，不构成不可抗力，安置协议中逾期加倍支付临时安置费的约定"
        "合法有效，应当履行；同时建议公开安置房建设进度，明确交付时间。会议商定由组长执笔起草意见书。"
    ),
    "renhe": (
        "会议由专家组组长主持。余杭区征迁部门介绍了信访人房屋的认定和补偿情况，以及同村类似辅房的处理口径。专家组要求"
        "征迁部门补充提供1999年前后航拍图及同村获补偿辅房的认定材料。专家组初步意见认为，应当按照同村同类情形同等"
        "对待的原则核查辅房的建成时间和认定依据，待补充材料后形成意见书。"
    ),
}


# --------------------------------------------------------------------------- consultations

CONSULTATIONS: tuple[ConsultationSpec, ...] = (
    # 南京 — the demo expert's two consultations first (see the module docstring).
    ConsultationSpec(
        case="nj_changjiang_restructuring", target="panel_drawn", panel_size=5,
        specialties=("enterprise_restructuring", "labor_law", "civil_law"),
        questions=(
            "1. 改制时未经职工代表大会审议的职工安置方案效力如何认定，能否作为重新核算经济补偿金的依据？\n"
            "2. 信访人诉求已超过劳动争议仲裁时效，应当如何引导；对确有困难的职工能否纳入帮扶？\n"
            "3. 对“内部退养”诉求，改制当时的政策依据及现行处理口径如何把握？"
        ),
        decline="近期在外地参加仲裁庭审，会商期间无法出席", accept=2, demo_expert="invited",
    ),
    ConsultationSpec(
        case="nj_dongfeng_pension", target="deliberated",
        specialties=("enterprise_restructuring", "labor_law", "administrative_law"),
        questions=(
            "1. 改制企业职工档案缺失招工审批材料时，学徒期间能否依据转正定级表、工资条、工作证等原始材料认定为视同缴费年限？\n"
            "2. 企业改制时的档案管理责任与社会保险经办机构的审核责任如何划分？\n"
            "3. 信访人的诉求可否通过行政复议、行政诉讼途径解决？"
        ),
        demo_expert="panel", meeting=MeetingSpec(-3, "onsite", NJ_ROOM, MINUTES["dongfeng"]), opinion=DONGFENG_OPINION,
    ),
    ConsultationSpec(
        case="nj_qingtang_land", target="opinion_issued", panel_size=5,
        specialties=("land_property_law", "administrative_law"),
        questions=(
            "1. 承包地上的多年生绿化苗木应按青苗标准还是按地上附着物评估补偿？\n"
            "2. 区片综合地价的适用是否正确？\n"
            "3. 信访人是否符合被征地农民社会保障条件？"
        ),
        meeting=MeetingSpec(-12, "onsite", NJ_ROOM, MINUTES["qingtang"]), opinion=QINGTANG_OPINION,
    ),
    ConsultationSpec(
        case="gl_beigu_expropriation", target="closed",
        specialties=("land_property_law", "administrative_law", "civil_law"),
        questions=(
            "1. 评估时点后房价上涨，信访人要求按新建商品住房价格补偿是否有依据？\n"
            "2. 未办理营业执照的“住改商”房屋能否给予停产停业损失补偿？\n"
            "3. 信访人要求在原地段安置的诉求应当如何处理？"
        ),
        meeting=MeetingSpec(-22, "onsite", NJ_ROOM, MINUTES["beigu"]), opinion=BEIGU_OPINION,
        feedback=FeedbackSpec(True, "resolved",
                              "已按意见书建议，由评估机构向信访人当面解释评估方法和可比实例，信访人对评估结果不再提出异议；"
                              "区人民政府提供改建地段回迁房源，信访人选择产权调换建筑面积85平方米住房一套并签订补偿协议，"
                              "签署息诉罢访承诺书。"),
        ratings=RATINGS,
    ),
    ConsultationSpec(
        case="nj_cuiling_maintenance_fund", target="scheduled",
        specialties=("civil_law", "administrative_law", "land_property_law"),
        questions=(
            "1. 业主表决票存在代签的情况下，维修资金使用决议的效力如何认定，房产主管部门的审核职责边界在哪里？\n"
            "2. 已作出的维修资金使用审核能否撤销，应当通过何种程序处理？\n"
            "3. 电梯确有安全隐患时，应急使用维修资金的条件是什么？"
        ),
        meeting=MeetingSpec(4, "onsite", NJ_ROOM),
    ),
    ConsultationSpec(
        case="nj_houwei_social_security", target="accepted", urgency="urgent",
        specialties=("land_property_law", "labor_law", "administrative_law"),
        questions=(
            "1. 征地时户籍临时迁出的人员，集体经济组织成员资格应当如何认定？\n"
            "2. 被征地农民社会保障对象的认定与征地补偿安置方案如何衔接，补发待遇的起算时间如何确定？"
        ),
    ),
    ConsultationSpec(
        case="nj_inheritance_registration", target="submitted",
        specialties=("administrative_law", "civil_law", "family_inheritance"),
        questions="请专家研究该继承登记的处理意见。",
        return_reason="请补充公证书撤销决定书、不动产登记审核材料及信访人是否已提起诉讼的情况说明，并明确提请专家研究的具体法律问题。",
        amended_questions=(
            "1. 继承权公证书被撤销后，不动产登记机构能否依职权撤销或更正继承登记，还是应当引导信访人通过行政诉讼或民事确权解决？\n"
            "2. 登记机构在审核环节是否存在过错，信访人主张的租金损失能否通过国家赔偿途径解决？\n"
            "（已补充公证书撤销决定书、登记审核材料；信访人尚未提起诉讼。）"
        ),
    ),
    ConsultationSpec(
        case="nj_fenglin_planning", target="returned",
        specialties=("administrative_law", "land_property_law"),
        questions="请专家研究该规划许可是否合法，以及信访人诉求的处理途径。",
        return_reason="申请材料缺少建设工程规划许可证及附图、日照分析报告和技术审查意见，请补齐后重新提交；提请研究的问题请具体到许可程序和日照标准的适用。",
    ),
    ConsultationSpec(
        case="nj_huangnigang_homestead", target="withdrawn",
        specialties=("land_property_law", "administrative_law"),
        questions="宅基地使用权争议应当由人民政府依法处理还是通过民事诉讼解决？1982年宅基地使用证存根能否作为确权依据？",
        withdraw_reason="经横溪街道人民调解委员会再次调解，双方已达成调解协议，信访人书面表示息诉罢访，申请撤回会商。",
        close_case_note="双方达成调解协议，信访人息诉罢访",
    ),
    # 苏州
    ConsultationSpec(
        case="ks_wages", target="scheduled", urgency="urgent",
        specialties=("labor_law", "civil_law", "procedure_arbitration"),
        questions=(
            "1. 总包单位已按合同支付分包工程款，是否仍应先行清偿因违法分包给个人所致的欠薪？\n"
            "2. 劳动保障监察指令与民事追偿如何衔接？\n"
            "3. 欠薪数额能否以考勤记录、工资表和农民工工资专用账户流水认定？"
        ),
        accept=2, meeting=MeetingSpec(3, "video", "https://meeting.xinfang-demo.example/j/320583-0917"),
    ),
    ConsultationSpec(
        case="xc_resettlement_delivery", target="deliberated",
        specialties=("civil_law", "land_property_law", "administrative_law"),
        questions="安置协议中逾期过渡费加倍条款的效力及支付主体；规划调整是否构成不可抗力或情势变更；后续交付与补偿的处理建议。",
        meeting=MeetingSpec(-5, "onsite", SZ_ROOM, MINUTES["xiangcheng"]),
    ),
    ConsultationSpec(
        case="sz_neonatal", target="submitted",
        specialties=("medical_law", "civil_law", "procedure_arbitration"),
        questions=(
            "1. 对已经鉴定的医疗损害责任，卫生健康行政部门能否重新组织鉴定？\n"
            "2. 信访人对鉴定意见不服的法定救济途径是什么？\n"
            "3. 对相关医务人员是否应当追究行政责任？"
        ),
    ),
    ConsultationSpec(
        case="sz_rider_injury", target="returned",
        specialties=("labor_law", "procedure_arbitration"),
        questions="新就业形态劳动者与配送服务公司之间劳动关系的认定标准，以及工伤认定中止后的处理。",
        return_reason="信访人已申请劳动仲裁，请补充仲裁受理通知书及进展情况；仲裁程序进行中的，请说明申请会商的必要性及拟研究的问题。",
    ),
    ConsultationSpec(
        case="sz_pension_transfer", target="accepted",
        specialties=("labor_law", "enterprise_restructuring", "administrative_law"),
        questions="原企业改制期间欠缴的养老保险费由谁补缴；两地经办机构在转移接续中的责任如何划分；缴费年限如何合并计算。",
        escalations=("该事项涉及南京、苏州两地社会保险经办机构，属跨地区事项，并涉及原国有企业改制欠费的责任主体认定，"
                     "需由省级专家库统筹组织专家会商。",),
    ),
    ConsultationSpec(
        case="wz_taihu_fishermen", target="accepted", panel_size=5,
        specialties=("administrative_law", "social_assistance", "land_property_law"),
        questions="船居渔民户籍地、渔船登记地与作业水域分离时，退捕安置的责任主体如何确定；安置补偿和社会保障的标准如何衔接。",
        escalations=(
            "涉及苏州市吴中区、吴江区及浙江省湖州市，户籍地、渔船登记地和作业水域分离，本级专家库难以统筹，申请省级专家库援助。",
            "事项涉及江苏、浙江两省，需跨省协调安置责任，申请国家级专家库援助。",
        ),
    ),
    # 杭州
    ConsultationSpec(
        case="hz_yunhe_fund", target="closed",
        specialties=("civil_law", "administrative_law", "land_property_law"),
        questions=(
            "1. “逾期未反馈视为同意”的计票方式是否合法？\n"
            "2. 外墙维修费用应由全体业主还是相关楼幢业主分摊？\n"
            "3. 已审核划拨的首期款如何处理？"
        ),
        meeting=MeetingSpec(-25, "onsite", HZ_ROOM, MINUTES["yunhe"]), opinion=YUNHE_OPINION,
        feedback=FeedbackSpec(True, "in_progress",
                              "已暂停后续资金划拨，确认已支付的排险费用；业主委员会正按意见书建议准备整体维修和分幢维修两个方案，"
                              "拟于下月组织业主重新表决。"),
        ratings=RATINGS[2:] + RATINGS[:2],
    ),
    ConsultationSpec(
        case="hz_wangjiang_certificates", target="scheduled",
        specialties=("land_property_law", "administrative_law", "civil_law"),
        questions="安置小区因建设单位欠缴土地出让金无法办理首次登记时，回迁户的不动产权证能否先行办理；欠缴费用的责任如何承担。",
        meeting=MeetingSpec(6, "onsite", HZ_ROOM),
    ),
    ConsultationSpec(
        case="hz_public_rental", target="submitted",
        specialties=("administrative_law", "social_assistance"),
        questions="法院判决共有、实际由他人使用的商业用房是否应计入保障家庭的住房和资产；取消资格后对特殊困难家庭的过渡安排。",
    ),
    ConsultationSpec(
        case="hz_special_job_retirement", target="panel_drawn",
        specialties=("labor_law", "administrative_law"),
        questions="档案中工种记载前后不一致时，特殊工种年限能否依据岗位津贴发放记录、车间调令等材料认定。",
        accept=2,
    ),
    ConsultationSpec(
        case="yh_renhe_expropriation", target="deliberated",
        specialties=("land_property_law", "administrative_law"),
        questions="1999年后未经审批的辅房能否参照同村类似情形给予补偿；“同等对待”原则在征收补偿中的适用。",
        meeting=MeetingSpec(-4, "onsite", HZ_ROOM, MINUTES["renhe"]),
    ),
    # 宁波
    ConsultationSpec(
        case="nb_huaguang_restructuring", target="panel_drawn",
        specialties=("enterprise_restructuring", "labor_law", "administrative_law"),
        questions="改制协议中约定的社保缴费义务在企业破产后如何实现；人事分离职工的帮扶责任地如何确定。",
        escalations=("涉及宁波、杭州两地，部分职工人事分离，属“三跨三分离”事项，申请省级专家库援助。",),
        accept=1,
    ),
    ConsultationSpec(
        case="yz_land_price", target="accepted",
        specialties=("land_property_law", "administrative_law"),
        questions="区片综合地价调整后，已发布预公告但尚未签订补偿协议的征地项目应当适用新标准还是旧标准？",
    ),
    ConsultationSpec(
        case="nb_fall_injury", target="withdrawn",
        specialties=("medical_law", "civil_law"),
        questions="医院护理过错与损害后果之间的因果关系及赔偿责任比例。",
        withdraw_reason="经市医疗纠纷人民调解委员会调解，医患双方已达成调解协议，医院一次性赔偿16.5万元，信访人书面表示息诉罢访，申请撤回会商。",
        close_case_note="医患双方达成调解协议，信访人息诉罢访",
    ),
)
