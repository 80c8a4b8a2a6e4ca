"""Demo petition cases (信访事项): fictional but realistic matters of the handling agencies of
南京, 苏州, 杭州 and 宁波 — titles, summaries, claims, petitioners, dates and counts.

Every person, village, estate and enterprise named here is invented. Dates are relative to the
day the demo is loaded, so the ledger looks the same whatever the date: ``days_ago`` fields, and
in texts ``{d:N}`` (the date N days ago, ``2026年3月5日``) and ``{m:N}`` (its month, ``2026年3月``).
Historical facts (an enterprise's restructuring in 1998, a birth year) are plain years.

Identity-card numbers are computed from the area code, birth date and a sequence number with
the GB 11643 check character (``app.cases.idcard``), so they validate; they belong to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    name: str
    born: str            # YYYYMMDD
    male: bool
    area: str            # 6-digit address code of the identity card (户籍地)
    address: str


@dataclass(frozen=True)
class CaseSpec:
    key: str
    title: str
    category: str
    region_code: str
    handling: str                     # handling agency (承办单位), by name
    summary: str
    claims: str
    petitioners: tuple[Person, ...]
    first_petition_days_ago: int
    accepted_days_ago: int | None
    repeats: tuple[int, int, int] = (0, 0, 0)  # 重信、重访、重投
    cross_flags: tuple[str, ...] = ()
    leader: str = ""
    backlog: bool = False
    lead: str | None = None
    cooperating: tuple[str, ...] = ()
    extension: tuple[int, str] | None = None    # (days, reason): the deadline extended once


# Agency accounts (经办人) for the handling agencies without a demo sign-in: (username, name).
AGENCY_ACCOUNTS: dict[str, tuple[str, str]] = {
    "鼓楼区人民政府": ("gulou_gov", "胡晓燕"),
    "南京市人力资源和社会保障局": ("nj_hrss", "赵敏华"),
    "南京市住房保障和房产局": ("nj_housing", "蒋文斌"),
    "南京市卫生健康委员会": ("nj_health", "谢婷"),
    "南京市鼓楼区民政局": ("gulou_civil", "汪丽华"),
    "昆山市人力资源和社会保障局": ("ks_hrss", "顾振宇"),
    "苏州市住房和城乡建设局": ("sz_housing", "陆晓峰"),
    "苏州市卫生健康委员会": ("sz_health", "钱佩玲"),
    "苏州市人力资源和社会保障局": ("sz_hrss", "朱立群"),
    "吴中区人民政府": ("wuzhong_gov", "金雪梅"),
    "杭州市人力资源和社会保障局": ("hz_hrss", "楼建新"),
    "余杭区人民政府": ("yuhang_gov", "沈晓红"),
    "宁波市人力资源和社会保障局": ("nb_hrss", "应志明"),
    "宁波市自然资源和规划局": ("nb_nr", "竺海波"),
    "宁波市卫生健康委员会": ("nb_health", "柴佩玲"),
    "慈溪市人民政府": ("cixi_gov", "岑国栋"),
}

NJ_LAND = "南京市规划和自然资源局"
HZ_HOUSING = "杭州市住房保障和房产管理局"

CASES: tuple[CaseSpec, ...] = (
    # ------------------------------------------------------------------ 南京
    CaseSpec(
        key="nj_qingtang_land",
        title="江宁区禄口街道青塘村村民对集体土地征收补偿有异议",
        category="land_expropriation", region_code="320115", handling=NJ_LAND, cooperating=("江宁区人民政府",),
        summary=(
            "{m:520}，因省道改扩建工程建设需要，江宁区禄口街道青塘村第三、第五村民小组农用地约186亩被依法征收。"
            "信访人刘德胜、刘德海、周桂兰3户的承包地上种植有桂花、红叶石楠等绿化苗木，征地补偿时按普通青苗标准"
            "每亩4200元计算。信访人认为苗木系多年生经济林木，应作为地上附着物单独评估补偿，并对所适用的区片综合地价"
            "提出异议。区人民政府曾组织调处，因双方对苗木株数、规格的认定分歧较大未果，信访人先后到区、市信访部门"
            "反映并多次网上投诉。"
        ),
        claims=(
            "1. 对承包地上的苗木按实际株数和规格重新评估，按市场价值补偿；\n"
            "2. 按所在街道最高等级区片综合地价计算土地补偿费；\n"
            "3. 将3户家庭中符合条件的人员纳入被征地农民社会保障。"
        ),
        petitioners=(
            Person("刘德胜", "19610814", True, "320121", "南京市江宁区禄口街道青塘村第三村民小组"),
            Person("刘德海", "19650302", True, "320121", "南京市江宁区禄口街道青塘村第三村民小组"),
            Person("周桂兰", "19631127", False, "320121", "南京市江宁区禄口街道青塘村第五村民小组"),
        ),
        first_petition_days_ago=480, accepted_days_ago=150, repeats=(3, 5, 4), cross_flags=("cross_department",),
        leader="陈志远（江宁区人民政府副区长）", backlog=True,
    ),
    CaseSpec(
        key="gl_beigu_expropriation",
        title="鼓楼区北固巷片区房屋征收户对评估价格和安置方式有异议",
        category="land_expropriation", region_code="320106", handling="鼓楼区人民政府",
        cooperating=("南京市住房保障和房产局",),
        summary=(
            "{m:300}，鼓楼区人民政府作出北固巷片区旧城改建项目房屋征收决定并予公告。信访人孙玉梅、王建平夫妇所有的"
            "北固巷17号住宅（建筑面积68.4平方米）被纳入征收范围。经被征收人投票选定的房地产价格评估机构评估，"
            "该房屋评估单价为每平方米41600元。信访人认为评估时点后周边房价上涨明显，且房屋临街、曾用于经营，"
            "评估未考虑商业价值，拒绝签订补偿协议。区房屋征收部门告知其可申请复核评估，信访人未在规定期限内申请，"
            "多次到市、区信访部门反映。"
        ),
        claims=(
            "1. 按周边新建商品住房价格对被征收房屋重新评估；\n"
            "2. 按营业用房标准给予停产停业损失补偿；\n"
            "3. 在原地段安置一套建筑面积不小于90平方米的住房。"
        ),
        petitioners=(
            Person("孙玉梅", "19580619", False, "320106", "南京市鼓楼区北固巷17号"),
            Person("王建平", "19560203", True, "320106", "南京市鼓楼区北固巷17号"),
        ),
        first_petition_days_ago=290, accepted_days_ago=75, repeats=(2, 6, 3),
        leader="何振华（鼓楼区人民政府副区长）", backlog=True,
        extension=(30, "需组织专家法律审查会商并听取被征收人意见，经本机关负责人批准延长办理期限"),
    ),
    CaseSpec(
        key="nj_inheritance_registration",
        title="信访人对父亲遗留房屋的继承登记有异议",
        category="natural_resources", region_code="320104", handling=NJ_LAND,
        summary=(
            "信访人吴秀英之父吴守仁生前在秦淮区购有住房一套。{m:700}吴守仁去世后，其子吴立群持公证处出具的继承权"
            "公证书申请办理继承登记，不动产登记机构经审核后将房屋登记至吴立群名下。信访人称其作为第一顺序继承人"
            "从未放弃继承，公证书所依据的放弃继承声明并非本人签署。{m:200}，出具公证书的公证处已撤销该公证书，"
            "信访人要求撤销继承登记并追究登记机构责任。"
        ),
        claims=(
            "1. 撤销将该房屋登记至吴立群名下的不动产登记；\n"
            "2. 追究登记机构审核不严的责任；\n"
            "3. 赔偿因登记错误造成的租金损失。"
        ),
        petitioners=(Person("吴秀英", "19690521", False, "320104", "南京市秦淮区瑞金路街道"),),
        first_petition_days_ago=240, accepted_days_ago=210, repeats=(4, 2, 1),
        leader="钱立军（南京市规划和自然资源局副局长）",
    ),
    CaseSpec(
        key="nj_fenglin_planning",
        title="建邺区枫林苑小区业主对相邻地块建设工程规划许可有异议",
        category="urban_construction", region_code="320105", handling=NJ_LAND,
        summary=(
            "建邺区江心洲街道枫林苑小区东侧地块由某置业公司开发，南京市规划和自然资源局于{m:330}核发建设工程规划"
            "许可证，拟建3幢18层住宅。枫林苑小区5幢部分业主认为新建住宅与5幢间距不足，将导致其住宅冬至日有效日照"
            "时间低于国家标准，多次联名信访，要求撤销规划许可。规划部门称项目日照分析报告经审查符合本市日照分析"
            "技术规定，信访人对分析所采用的参数不予认可。"
        ),
        claims=(
            "1. 撤销该地块建设工程规划许可证；\n"
            "2. 委托第三方重新进行日照分析；\n"
            "3. 如维持许可，对受影响住户给予经济补偿。"
        ),
        petitioners=(
            Person("赵文斌", "19780911", True, "320105", "南京市建邺区江心洲街道枫林苑5幢"),
            Person("钱丽萍", "19820416", False, "320105", "南京市建邺区江心洲街道枫林苑5幢"),
        ),
        first_petition_days_ago=200, accepted_days_ago=50, repeats=(2, 3, 6),
    ),
    CaseSpec(
        key="nj_huangnigang_homestead",
        title="江宁区横溪街道黄泥岗村村民宅基地使用权争议",
        category="natural_resources", region_code="320115", handling=NJ_LAND,
        summary=(
            "江宁区横溪街道黄泥岗村村民马庆华与邻居马庆林系堂兄弟，双方对两户之间约40平方米宅基地的使用权存在争议。"
            "{m:400}开展房地一体不动产权籍调查时，该地块被划入马庆林户宅基地范围。马庆华认为其祖屋原址在该地块上，"
            "并持有1982年宅基地使用证存根，要求更正权籍调查结果。街道曾三次组织调解未果。"
        ),
        claims=(
            "1. 更正权籍调查结果，将争议地块确认为本户宅基地；\n"
            "2. 暂停为马庆林户颁发不动产权证书。"
        ),
        petitioners=(Person("马庆华", "19600725", True, "320121", "南京市江宁区横溪街道黄泥岗村"),),
        first_petition_days_ago=410, accepted_days_ago=380, repeats=(1, 4, 0),
    ),
    CaseSpec(
        key="nj_shuanglong_farmland",
        title="信访人反映邻村企业违法占用耕地建设厂房未被查处",
        category="natural_resources", region_code="320115", handling=NJ_LAND,
        summary=(
            "信访人杨德胜反映，江宁区谷里街道双龙村东侧约12亩基本农田自{m:330}起被一家建材企业占用，先后建起钢结构厂房"
            "和堆料场，其承包的相邻农田因排水沟被填埋而连年受涝。信访人曾向街道和区综合行政执法部门反映，企业被责令"
            "停止施工后又恢复生产。信访人要求依法查处违法占地行为并恢复耕地原状。"
        ),
        claims=(
            "1. 依法查处违法占用耕地行为，拆除违法建筑，恢复耕地原状；\n"
            "2. 疏通被填埋的排水沟，赔偿其承包地连续两年受涝的损失。"
        ),
        petitioners=(Person("杨德胜", "19670519", True, "320121", "南京市江宁区谷里街道双龙村"),),
        first_petition_days_ago=300, accepted_days_ago=12, repeats=(2, 1, 3),
    ),
    CaseSpec(
        key="nj_changjiang_restructuring",
        title="原南京长江精密铸造厂改制分流职工要求补足经济补偿金",
        category="economy_enterprise", region_code="320106", handling="南京市人力资源和社会保障局",
        summary=(
            "原南京长江精密铸造厂系市属国有企业，2004年实施改制，职工与原企业解除劳动关系并领取经济补偿金，"
            "部分职工进入改制后的民营公司工作。信访人钱国庆等27名职工认为，改制时职工安置方案未经职工代表大会审议"
            "通过，经济补偿金仅以本人基本工资为基数计算，未计入各类津贴补贴；另有9人改制时距法定退休年龄不足5年，"
            "应当按规定实行内部退养而未予安排。{m:900}以来，信访人多次集体到市信访局反映。"
        ),
        claims=(
            "1. 按解除劳动关系前12个月平均工资重新核算并补发经济补偿金；\n"
            "2. 对改制时距法定退休年龄不足5年的职工补办内部退养，补发退养期间生活费并补缴社会保险费；\n"
            "3. 公开原企业改制方案及职工代表大会决议。"
        ),
        petitioners=(
            Person("钱国庆", "19630218", True, "320106", "南京市鼓楼区热河南路街道"),
            Person("韩秀珍", "19660905", False, "320106", "南京市鼓楼区宝塔桥街道"),
            Person("杨宝林", "19600113", True, "320113", "南京市栖霞区燕子矶街道"),
        ),
        first_petition_days_ago=900, accepted_days_ago=45, repeats=(6, 11, 5), cross_flags=("cross_department",),
        leader="沈立新（南京市人民政府副秘书长）", backlog=True,
    ),
    CaseSpec(
        key="nj_houwei_social_security",
        title="浦口区星甸街道后圩村部分村民要求纳入被征地农民社会保障",
        category="land_expropriation", region_code="320111", handling=NJ_LAND,
        summary=(
            "浦口区星甸街道后圩村集体土地于{m:1500}前后分批被征收。信访人朱桂芳、陈德明等5人称，征地时其户籍因外出"
            "务工、婚嫁等原因临时迁出，未被列入征地安置人员名单，至今未纳入被征地农民基本生活保障，而同组其他村民"
            "已按月领取养老保障待遇。街道以其征地时不是本集体经济组织成员为由不予认定，信访人不服，多次到区、市"
            "信访部门反映。"
        ),
        claims=(
            "1. 确认信访人征地时具有本集体经济组织成员资格；\n"
            "2. 将信访人纳入被征地农民社会保障，并补发自应纳入之月起的待遇。"
        ),
        petitioners=(
            Person("朱桂芳", "19681009", False, "320111", "南京市浦口区星甸街道后圩村"),
            Person("陈德明", "19640528", True, "320111", "南京市浦口区星甸街道后圩村"),
        ),
        first_petition_days_ago=360, accepted_days_ago=30, repeats=(3, 2, 2),
        cross_flags=("cross_department", "person_household_separated"), leader="刘永明（浦口区人民政府副区长）",
    ),
    CaseSpec(
        key="nj_dongfeng_pension",
        title="原国有企业改制职工对学徒期间视同缴费年限认定有异议",
        category="labor_social_security", region_code="320102", handling="南京市人力资源和社会保障局",
        summary=(
            "信访人孙德明1984年3月进入原南京东风无线电元件厂（国有企业）当学徒工，1986年9月办理招工录用手续，"
            "1998年企业改制时与企业解除劳动关系，此后以灵活就业人员身份续缴养老保险。{m:160}，信访人达到法定退休年龄"
            "申请办理退休，社会保险经办机构根据人事档案核定其视同缴费年限为1986年9月至1992年12月，对1984年3月至"
            "1986年8月学徒期间不予认定，理由是档案中缺少该期间的招工录用审批材料。信访人提供了学徒期间的工资条、"
            "工作证及3名同事的书面证明，认为少算2年5个月视同缴费年限，每月基本养老金少发约160元。"
        ),
        claims=(
            "1. 将1984年3月至1986年8月学徒期间认定为视同缴费年限，重新核定基本养老金；\n"
            "2. 补发自退休之月起少发的基本养老金。"
        ),
        petitioners=(Person("孙德明", "19660412", True, "320102", "南京市玄武区锁金村街道"),),
        first_petition_days_ago=150, accepted_days_ago=70, repeats=(2, 3, 2),
        leader="周建平（南京市人力资源和社会保障局副局长）",
        extension=(30, "需提请专家法律审查会商并调阅原企业档案，经本机关负责人批准延长办理期限"),
    ),
    CaseSpec(
        key="nj_cuiling_maintenance_fund",
        title="秦淮区翠岭花园业主对动用专项维修资金更换电梯有异议",
        category="housing", region_code="320104", handling="南京市住房保障和房产局",
        summary=(
            "秦淮区翠岭花园小区建成于2008年，共有电梯24部。{m:150}，小区业主委员会以电梯老化、多次发生困人故障为由，"
            "申请动用住宅专项维修资金约386万元整体更换电梯，并提交了业主表决结果。信访人陶建新等12户业主反映，"
            "表决中大量表决票由物业服务企业工作人员代签，部分业主从未收到表决票，更换方案也未经公开比选，要求房产"
            "部门撤销维修资金使用审核。市住房保障和房产局初步核查发现部分表决票签名存疑。"
        ),
        claims=(
            "1. 暂停并撤销本次专项维修资金使用审核；\n"
            "2. 核查业主表决票的真实性，依法重新组织表决；\n"
            "3. 公开电梯更换项目的预算、采购和合同信息。"
        ),
        petitioners=(
            Person("陶建新", "19720308", True, "320104", "南京市秦淮区翠岭花园9幢"),
            Person("黄丽娟", "19800127", False, "320104", "南京市秦淮区翠岭花园12幢"),
        ),
        first_petition_days_ago=140, accepted_days_ago=58, repeats=(3, 2, 9),
        leader="葛振宇（南京市住房保障和房产局副局长）",
    ),
    CaseSpec(
        key="nj_cholecystectomy",
        title="患者家属对胆囊切除术后并发症处理及赔偿有异议",
        category="health", region_code="320104", handling="南京市卫生健康委员会",
        summary=(
            "信访人冯丽华之夫何国强于{m:260}因胆囊结石在南京某三级医院行腹腔镜胆囊切除术，术后出现胆漏并发腹腔感染，"
            "经二次手术后转入重症监护病房，住院47天，花费医疗费用约21万元。信访人认为医院术中操作不当、术后观察"
            "不及时，要求医院承担全部费用并赔偿损失；医院认为胆漏属术前已告知的并发症，处置及时，不同意赔偿。"
            "双方曾申请医疗纠纷人民调解委员会调解，因对是否进行医疗损害鉴定意见不一，调解终止。"
        ),
        claims=(
            "1. 由医院承担二次手术及重症监护期间的全部医疗费用；\n"
            "2. 赔偿误工费、护理费等损失约15万元；\n"
            "3. 对相关医务人员的责任进行调查处理。"
        ),
        petitioners=(Person("冯丽华", "19750630", False, "320104", "南京市秦淮区夫子庙街道"),),
        first_petition_days_ago=230, accepted_days_ago=20, repeats=(1, 2, 1),
    ),
    CaseSpec(
        key="gl_dibao",
        title="信访人对停发城市最低生活保障金有异议",
        category="civil_affairs", region_code="320106", handling="南京市鼓楼区民政局",
        summary=(
            "信访人邓秋生系鼓楼区宁海路街道居民，患慢性肾病，与妻子、女儿共同生活，{m:800}起享受城市最低生活保障。"
            "{m:240}，区民政局在年度复核中经居民家庭经济状况核对，发现信访人之女名下登记有小型汽车一辆，且其工资"
            "收入超过本市低保家庭收入认定标准，遂停发低保金。信访人称该车系女儿以按揭方式购买、用于上下班，"
            "且女儿已于复核前两个月迁出户口另行居住，不应计入共同生活的家庭成员。"
        ),
        claims=(
            "1. 恢复最低生活保障待遇并补发停发期间的低保金；\n"
            "2. 将其本人纳入重病困难对象给予临时救助。"
        ),
        petitioners=(Person("邓秋生", "19620917", True, "320106", "南京市鼓楼区宁海路街道"),),
        first_petition_days_ago=210, accepted_days_ago=150, repeats=(2, 4, 1),
        leader="许文杰（鼓楼区人民政府副区长）",
    ),
    # ------------------------------------------------------------------ 苏州
    CaseSpec(
        key="ks_wages",
        title="昆山市玉山镇某商住项目42名农民工要求支付拖欠工资",
        category="labor_social_security", region_code="320583", handling="昆山市人力资源和社会保障局",
        summary=(
            "昆山市玉山镇某商住综合体项目由苏州某建设集团有限公司施工总承包，总包单位将外墙保温及涂料工程分包给"
            "一家劳务公司，劳务公司又交由自然人罗某组织施工。{m:120}工程完工后，罗某以总包单位未足额支付工程款为由"
            "拖欠42名农民工工资共计约136万元，随后失联。农民工多次到项目部、镇政府及市信访局集体上访。昆山市人社局"
            "已向总包单位下达劳动保障监察限期整改指令书，总包单位称已按合同足额支付分包工程款，不应重复支付。"
        ),
        claims=(
            "1. 由施工总承包单位先行清偿拖欠的136万元工资；\n"
            "2. 对违法分包、转包行为依法查处。"
        ),
        petitioners=(
            Person("胡长江", "19750406", True, "341221", "安徽省临泉县迎仙镇"),
            Person("张秀芝", "19791212", False, "411528", "河南省息县包信镇"),
            Person("李永福", "19700822", True, "510921", "四川省蓬溪县赤城镇"),
        ),
        first_petition_days_ago=100, accepted_days_ago=40, repeats=(0, 4, 3),
        leader="顾建忠（昆山市人民政府副市长）",
    ),
    CaseSpec(
        key="xc_resettlement_delivery",
        title="相城区拆迁安置户要求按约交付安置房并支付逾期过渡费",
        category="housing", region_code="320507", handling="苏州市住房和城乡建设局",
        summary=(
            "{m:1300}，相城区某村实施集体土地上房屋拆迁，信访人所在的86户村民与区拆迁安置部门签订安置协议，约定拆迁后"
            "36个月内交付安置房，过渡期内按月发放临时安置费。因安置房项目地块调整规划，开工推迟，现已逾期近10个月"
            "仍未交付；{m:300}起临时安置费仍按原标准发放，未按协议约定在逾期期间加倍支付。信访人多次集体到市住建局"
            "和市信访局反映。"
        ),
        claims=(
            "1. 明确安置房交付时间并按期交付；\n"
            "2. 按安置协议约定，逾期期间按双倍标准支付临时安置费；\n"
            "3. 公开安置房建设进度和质量检测报告。"
        ),
        petitioners=(
            Person("沈建林", "19590304", True, "320507", "苏州市相城区元和街道"),
            Person("陆小妹", "19620819", False, "320507", "苏州市相城区元和街道"),
        ),
        first_petition_days_ago=290, accepted_days_ago=270, repeats=(4, 7, 5),
        leader="吴伟民（相城区人民政府副区长）", backlog=True,
    ),
    CaseSpec(
        key="sz_neonatal",
        title="信访人对新生儿缺氧缺血性脑病医疗损害鉴定意见有异议",
        category="health", region_code="320505", handling="苏州市卫生健康委员会",
        summary=(
            "信访人许晓东之女于{m:420}在苏州某妇产医院出生，出生后诊断为新生儿缺氧缺血性脑病，现遗留运动发育迟缓。"
            "信访人认为医院在产程监护中未及时发现胎心异常、延误剖宫产时机。经医患双方共同委托的医疗损害鉴定，"
            "医院存在次要过错，原因力为20%至40%。信访人对鉴定意见不服，多次信访要求卫生健康部门重新组织鉴定，"
            "并吊销相关医生的执业证书。"
        ),
        claims=(
            "1. 重新组织医疗损害鉴定；\n"
            "2. 由医院承担全部赔偿责任，支付后续康复治疗费用；\n"
            "3. 对相关医务人员给予行政处罚。"
        ),
        petitioners=(Person("许晓东", "19880115", True, "320505", "苏州市虎丘区狮山街道"),),
        first_petition_days_ago=380, accepted_days_ago=55, repeats=(3, 3, 6),
    ),
    CaseSpec(
        key="sz_rider_injury",
        title="外卖配送员要求确认劳动关系并认定工伤",
        category="labor_social_security", region_code="320506", handling="苏州市人力资源和社会保障局",
        summary=(
            "信访人雷小军系外卖平台配送员，{m:200}在配送途中发生交通事故致右腿骨折。信访人通过某人力资源服务公司"
            "注册接单，未签订劳动合同。其向人社部门申请工伤认定，因无法确认劳动关系，工伤认定程序中止。信访人认为"
            "其实际接受平台和配送服务公司的管理、按单计酬，应当认定劳动关系和工伤。"
        ),
        claims=(
            "1. 确认与配送服务公司之间存在劳动关系；\n"
            "2. 认定工伤并享受工伤保险待遇。"
        ),
        petitioners=(Person("雷小军", "19950628", True, "510921", "苏州市吴中区长桥街道"),),
        first_petition_days_ago=180, accepted_days_ago=35, repeats=(1, 2, 4), cross_flags=("cross_industry",),
    ),
    CaseSpec(
        key="sz_pension_transfer",
        title="南京、苏州两地养老保险关系转移接续及缴费年限合并计算争议",
        category="labor_social_security", region_code="320508", handling="苏州市人力资源和社会保障局",
        cooperating=("南京市人力资源和社会保障局",),
        summary=(
            "信访人唐文华1992年至2009年在南京某国有企业工作并参加企业职工基本养老保险，2009年起在苏州某外资企业工作，"
            "户籍仍在南京。办理养老保险关系转移时，南京方面转出的缴费记录缺失1996年至1999年（原企业改制期间欠缴），"
            "苏州方面据此核定其累计缴费年限不满15年，不能按月领取基本养老金。两地经办机构均认为应由对方解决，"
            "信访人往返两地反映问题已近两年。"
        ),
        claims=(
            "1. 查实1996年至1999年的缴费情况，由原企业或其权利义务承继单位补缴；\n"
            "2. 合并计算两地缴费年限，按月发放基本养老金。"
        ),
        petitioners=(Person("唐文华", "19650709", True, "320106", "苏州市姑苏区双塔街道（户籍：南京市鼓楼区）"),),
        first_petition_days_ago=650, accepted_days_ago=90, repeats=(5, 6, 8),
        cross_flags=("cross_region", "person_household_separated"), leader="潘国华（苏州市人力资源和社会保障局副局长）",
        backlog=True,
    ),
    CaseSpec(
        key="wz_taihu_fishermen",
        title="太湖退捕渔民对安置补偿及社会保障有异议（涉苏浙两省）",
        category="agriculture", region_code="320506", handling="吴中区人民政府",
        summary=(
            "根据太湖禁捕退捕工作部署，吴中区于{m:700}完成太湖水域渔船渔具回收处置，对持证渔民发放退捕补偿并纳入"
            "社会保障。信访人邱阿根等14户渔民长期以船为家，在吴中区东山镇附近水域从事捕捞作业，但户籍在浙江省湖州市，"
            "渔船登记地为苏州市吴江区。吴中区以其不属于本区登记渔民为由未予安置，户籍地则以其生产生活在江苏水域为由"
            "不予受理。信访人多次到苏州、湖州两地及省信访局反映。"
        ),
        claims=(
            "1. 明确安置责任主体，按退捕渔民标准发放渔船渔具回收补偿和过渡期生活补助；\n"
            "2. 将14户渔民纳入养老保险及最低生活保障等社会保障；\n"
            "3. 在陆上安排住房或给予购房补助。"
        ),
        petitioners=(
            Person("邱阿根", "19580923", True, "330502", "苏州市吴中区东山镇（船居，户籍：浙江省湖州市吴兴区）"),
            Person("沈阿三", "19620411", True, "330502", "苏州市吴中区东山镇（船居，户籍：浙江省湖州市吴兴区）"),
        ),
        first_petition_days_ago=720, accepted_days_ago=200, repeats=(7, 9, 6),
        cross_flags=("cross_region", "cross_department", "person_household_separated"),
        leader="金卫国（吴中区人民政府区长）", backlog=True,
    ),
    # ------------------------------------------------------------------ 杭州
    CaseSpec(
        key="hz_yunhe_fund",
        title="拱墅区运河人家小区业主对外墙维修动用住宅专项维修资金有异议",
        category="housing", region_code="330105", handling=HZ_HOUSING,
        summary=(
            "拱墅区运河人家小区建成于2006年，共有住宅12幢。{m:400}，小区业主委员会以外墙瓷砖空鼓脱落存在安全隐患为由，"
            "申请使用住宅专项维修资金约212万元对全小区外墙进行整体维修，并提交了业主表决结果。信访人金晓峰等9户业主"
            "认为，外墙脱落仅限于部分楼幢，费用不应由全小区分摊；表决时采用“逾期未反馈视为同意”的方式计票，不符合"
            "规定。市住房保障和房产管理局审核后同意划拨首期款，信访人多次到市、区信访部门反映。"
        ),
        claims=(
            "1. 撤销对本次维修资金使用的审核意见，退回已划拨的资金；\n"
            "2. 按楼幢重新确定维修费用分摊范围；\n"
            "3. 依法重新组织业主表决。"
        ),
        petitioners=(
            Person("金晓峰", "19710512", True, "330105", "杭州市拱墅区运河人家小区3幢"),
            Person("俞美玲", "19760303", False, "330105", "杭州市拱墅区运河人家小区10幢"),
        ),
        first_petition_days_ago=380, accepted_days_ago=85, repeats=(3, 4, 7),
        leader="方建国（杭州市住房保障和房产管理局副局长）",
        extension=(30, "需组织专家法律审查会商，经本机关负责人批准延长办理期限"),
    ),
    CaseSpec(
        key="hz_wangjiang_certificates",
        title="上城区望江新苑安置小区回迁户要求办理不动产权证",
        category="housing", region_code="330102", handling=HZ_HOUSING, cooperating=("杭州市规划和自然资源局",),
        summary=(
            "上城区望江新苑安置小区于{m:1100}交付，共安置拆迁户512户。因开发建设单位欠缴部分土地出让金及配套费用，"
            "小区至今未能办理不动产首次登记，回迁户无法办理不动产权证，子女入学、房屋交易均受影响。信访人代表章伟民"
            "等多次到市信访局反映。市住房保障和房产管理局多次协调，但欠缴费用的责任主体和资金来源未落实，问题未能解决。"
        ),
        claims=(
            "1. 限期为安置小区办理首次登记及回迁户不动产权证；\n"
            "2. 欠缴费用由建设单位或政府承担，不得向回迁户收取；\n"
            "3. 对办证迟延造成的损失给予补偿。"
        ),
        petitioners=(Person("章伟民", "19650826", True, "330102", "杭州市上城区望江新苑7幢"),),
        first_petition_days_ago=600, accepted_days_ago=100, repeats=(5, 8, 6), cross_flags=("cross_department",),
        leader="徐志刚（上城区人民政府副区长）", backlog=True,
    ),
    CaseSpec(
        key="hz_public_rental",
        title="信访人对取消公共租赁住房保障资格有异议",
        category="housing", region_code="330106", handling=HZ_HOUSING,
        summary=(
            "信访人汤丽娟系西湖区公共租赁住房承租人。{m:150}，市住房保障和房产管理局在年度资格复核中发现其配偶名下"
            "有商业用房一处，认定其家庭不再符合公共租赁住房保障条件，作出取消保障资格的决定，要求其在6个月内腾退。"
            "信访人称该商业用房系配偶与前妻离婚时经法院判决共有、实际由前妻使用，其家庭并无收益，且家中有重度残疾"
            "子女需要照顾，腾退后无处居住。"
        ),
        claims=(
            "1. 撤销取消公共租赁住房保障资格的决定；\n"
            "2. 暂缓腾退，允许继续承租。"
        ),
        petitioners=(Person("汤丽娟", "19790914", False, "330106", "杭州市西湖区蒋村街道"),),
        first_petition_days_ago=140, accepted_days_ago=40, repeats=(1, 2, 3),
    ),
    CaseSpec(
        key="hz_special_job_retirement",
        title="信访人对特殊工种提前退休申请不予批准有异议",
        category="labor_social_security", region_code="330105", handling="杭州市人力资源和社会保障局",
        summary=(
            "信访人冯建军在原杭州某化工厂从事有毒有害工种，{m:120}年满55周岁时申请按特殊工种提前退休。市人社局审核"
            "认为其档案中工种记载前后不一致，按档案认定的有毒有害岗位累计年限为6年7个月，不足规定的8年，决定不予批准。"
            "信访人认为档案记载错误系原企业造成，并提供了当年的岗位津贴发放记录和车间调令。"
        ),
        claims=(
            "1. 认定其从事有毒有害工种满8年，批准按特殊工种提前退休；\n"
            "2. 补发自申请之月起的基本养老金。"
        ),
        petitioners=(Person("冯建军", "19700618", True, "330105", "杭州市拱墅区半山街道"),),
        first_petition_days_ago=110, accepted_days_ago=52, repeats=(1, 2, 2),
    ),
    CaseSpec(
        key="yh_renhe_expropriation",
        title="余杭区仁和街道村民对集体土地上房屋征收补偿安置有异议",
        category="land_expropriation", region_code="330110", handling="余杭区人民政府",
        summary=(
            "{m:500}，余杭区仁和街道某村因城市快速路建设实施集体土地征收。信访人戴永康家庭有宅基地住宅一幢，合法建筑"
            "面积186平方米，另有1999年后自建的辅房约90平方米未经审批。区征迁部门对合法部分实行安置房调换，对辅房按"
            "未经审批建筑不予补偿，仅给予拆除材料费。信访人认为辅房建于1999年，当时村里统一默许，且同村其他户类似"
            "辅房获得了补偿，要求同等对待。"
        ),
        claims=(
            "1. 对90平方米辅房按合法建筑予以补偿；\n"
            "2. 增加一套安置房调换面积。"
        ),
        petitioners=(Person("戴永康", "19680227", True, "330110", "杭州市余杭区仁和街道"),),
        first_petition_days_ago=460, accepted_days_ago=88, repeats=(4, 5, 3),
        leader="陆振华（余杭区人民政府副区长）", backlog=True,
        extension=(30, "涉及同村类似房屋认定口径，需补充调查并组织专家会商，经本机关负责人批准延长办理期限"),
    ),
    # ------------------------------------------------------------------ 宁波
    CaseSpec(
        key="nb_huaguang_restructuring",
        title="原宁波华光纺织厂改制职工要求补缴养老保险费并兑现安置费（涉杭州）",
        category="economy_enterprise", region_code="330203", handling="宁波市人力资源和社会保障局",
        cooperating=("杭州市人力资源和社会保障局",),
        summary=(
            "原宁波华光纺织厂系二轻集体企业，2003年改制为民营企业，后于2019年破产。信访人姚美娟等31名职工反映，改制时"
            "企业与职工签订的协议约定由改制后企业继续为职工缴纳养老保险，但企业自2012年起欠缴，破产清算时社会保险费"
            "未足额清偿。部分职工改制后户籍随子女迁至杭州，人事档案仍在宁波，两地对其待遇核定和困难帮扶互相推诿。"
        ),
        claims=(
            "1. 补缴2012年至企业破产期间欠缴的养老保险费；\n"
            "2. 按改制协议兑现安置费；\n"
            "3. 对户籍已迁至杭州的职工明确帮扶责任地。"
        ),
        petitioners=(
            Person("姚美娟", "19670419", False, "330203", "宁波市海曙区南门街道"),
            Person("郑国强", "19620730", True, "330105", "杭州市拱墅区（人事档案在宁波）"),
        ),
        first_petition_days_ago=800, accepted_days_ago=120, repeats=(8, 10, 4),
        cross_flags=("cross_region", "person_matter_separated"), leader="王海涛（宁波市人民政府副秘书长）", backlog=True,
    ),
    CaseSpec(
        key="yz_land_price",
        title="鄞州区姜山镇某村对征地区片综合地价调整后的补偿差额有异议",
        category="land_expropriation", region_code="330212", handling="宁波市自然资源和规划局",
        summary=(
            "鄞州区姜山镇某村集体土地约63亩于{m:420}被依法征收。征收补偿安置方案公告后不久，省人民政府公布了新的征地"
            "区片综合地价，该村所在区片的标准有所提高。信访人俞国华等村民代表认为，本村征地补偿协议签订于新标准施行"
            "之后，应按新标准执行并补足差额；自然资源部门认为征地补偿标准应以征收土地预公告时点为准。"
        ),
        claims=(
            "1. 按新公布的区片综合地价补足土地补偿费差额；\n"
            "2. 公开征地补偿款的分配和使用情况。"
        ),
        petitioners=(Person("俞国华", "19630305", True, "330212", "宁波市鄞州区姜山镇"),),
        first_petition_days_ago=300, accepted_days_ago=25, repeats=(2, 3, 1),
    ),
    CaseSpec(
        key="nb_fall_injury",
        title="信访人对母亲住院期间跌倒骨折的赔偿有异议",
        category="health", region_code="330203", handling="宁波市卫生健康委员会",
        summary=(
            "信访人周海燕之母（82岁）于{m:180}在宁波某医院住院期间夜间如厕时跌倒，致股骨颈骨折。信访人认为医院未落实"
            "防跌倒措施、陪护告知不到位，要求赔偿；医院承认护理存在不足，但双方对赔偿数额分歧较大。"
        ),
        claims="医院赔偿医疗费、护理费、残疾赔偿金等共计28万元。",
        petitioners=(Person("周海燕", "19721108", False, "330203", "宁波市海曙区白云街道"),),
        first_petition_days_ago=170, accepted_days_ago=150, repeats=(1, 2, 1),
    ),
    CaseSpec(
        key="cx_veteran",
        title="退役士兵要求重新安排工作岗位",
        category="veterans", region_code="330282", handling="慈溪市人民政府",
        summary=(
            "信访人孙立军于2001年退出现役，系城镇户籍退役士兵，当年由原慈溪某国有企业接收安置，2005年企业改制时解除"
            "劳动关系并领取经济补偿金。信访人认为当年的安置岗位系政府安排的工作，企业改制后政府应当重新安排工作，"
            "并要求将服役年限足额计入养老保险缴费年限。"
        ),
        claims=(
            "1. 重新安排工作岗位；\n"
            "2. 将服役年限计算为视同缴费年限，足额计入养老保险。"
        ),
        petitioners=(Person("孙立军", "19800316", True, "330282", "宁波市慈溪市浒山街道"),),
        first_petition_days_ago=90, accepted_days_ago=80, repeats=(1, 3, 0),
    ),
)
