"""Word lists for fictional demo experts: names (with pinyin for e-mail addresses), employers
per pool region and kind, titles per employer kind, and specialty weights per profile.

Universities, courts and hospitals are real institutions (as an expert's employer would be);
law firms, service centres and every person are invented. E-mail addresses use subdomains of
the reserved ``.example`` top-level domain (RFC 2606), so the demo can never mail anyone."""

from __future__ import annotations

# (surname, pinyin, weight) — weights roughly follow frequency, with the Jiang-Zhe names a bit heavier.
SURNAMES = [
    ("王", "wang", 9), ("李", "li", 9), ("张", "zhang", 9), ("刘", "liu", 7), ("陈", "chen", 8),
    ("杨", "yang", 5), ("黄", "huang", 5), ("赵", "zhao", 4), ("吴", "wu", 5), ("周", "zhou", 5),
    ("徐", "xu", 5), ("孙", "sun", 4), ("马", "ma", 3), ("朱", "zhu", 4), ("胡", "hu", 3),
    ("郭", "guo", 2), ("何", "he", 2), ("高", "gao", 3), ("林", "lin", 3), ("罗", "luo", 2),
    ("郑", "zheng", 2), ("梁", "liang", 2), ("谢", "xie", 2), ("宋", "song", 2), ("唐", "tang", 2),
    ("许", "xu", 2), ("韩", "han", 2), ("冯", "feng", 2), ("邓", "deng", 1), ("曹", "cao", 2),
    ("彭", "peng", 1), ("曾", "zeng", 1), ("肖", "xiao", 1), ("田", "tian", 1), ("董", "dong", 2),
    ("袁", "yuan", 1), ("潘", "pan", 2), ("蒋", "jiang", 2), ("蔡", "cai", 2), ("余", "yu", 1),
    ("杜", "du", 1), ("叶", "ye", 2), ("程", "cheng", 1), ("苏", "su", 1), ("魏", "wei", 1),
    ("吕", "lv", 1), ("丁", "ding", 2), ("任", "ren", 1), ("沈", "shen", 3), ("姚", "yao", 2),
    ("卢", "lu", 1), ("姜", "jiang", 1), ("崔", "cui", 1), ("钟", "zhong", 1), ("谭", "tan", 1),
    ("陆", "lu", 3), ("汪", "wang", 2), ("范", "fan", 2), ("金", "jin", 2), ("石", "shi", 1),
    ("贾", "jia", 1), ("夏", "xia", 1), ("方", "fang", 2), ("邹", "zou", 1), ("孟", "meng", 1),
    ("秦", "qin", 1), ("江", "jiang", 1), ("顾", "gu", 3), ("钱", "qian", 2), ("严", "yan", 1),
    ("戴", "dai", 1), ("孔", "kong", 1), ("汤", "tang", 1), ("薛", "xue", 1), ("邵", "shao", 1),
    ("俞", "yu", 2), ("华", "hua", 1), ("储", "chu", 1), ("缪", "miao", 1), ("欧阳", "ouyang", 1),
]

GIVEN_NAMES = [
    ("建国", "jianguo"), ("志强", "zhiqiang"), ("秀英", "xiuying"), ("文华", "wenhua"), ("海燕", "haiyan"),
    ("晓东", "xiaodong"), ("丽娟", "lijuan"), ("伟", "wei"), ("敏", "min"), ("静", "jing"), ("磊", "lei"),
    ("军", "jun"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"),
    ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("红梅", "hongmei"), ("建华", "jianhua"), ("立新", "lixin"),
    ("卫东", "weidong"), ("振华", "zhenhua"), ("国平", "guoping"), ("永明", "yongming"), ("德胜", "desheng"),
    ("玉兰", "yulan"), ("春华", "chunhua"), ("晓燕", "xiaoyan"), ("亚平", "yaping"), ("宏伟", "hongwei"),
    ("俊", "jun"), ("慧", "hui"), ("雪梅", "xuemei"), ("云", "yun"), ("凤英", "fengying"), ("国庆", "guoqing"),
    ("建军", "jianjun"), ("志刚", "zhigang"), ("文斌", "wenbin"), ("海涛", "haitao"), ("晓明", "xiaoming"),
    ("丽萍", "liping"), ("伟民", "weimin"), ("敏华", "minhua"), ("静怡", "jingyi"), ("永强", "yongqiang"),
    ("艳华", "yanhua"), ("晓峰", "xiaofeng"), ("宁", "ning"), ("斌", "bin"), ("婷", "ting"), ("琳", "lin"),
    ("昊", "hao"), ("宇", "yu"), ("鹏", "peng"), ("浩", "hao"), ("毅", "yi"), ("辉", "hui"), ("峰", "feng"),
    ("瑛", "ying"), ("萍", "ping"), ("蓉", "rong"), ("颖", "ying"), ("洁", "jie"), ("青", "qing"), ("岚", "lan"),
    ("文静", "wenjing"), ("思远", "siyuan"), ("子健", "zijian"), ("一鸣", "yiming"), ("家明", "jiaming"),
    ("立群", "liqun"), ("新民", "xinmin"), ("正义", "zhengyi"), ("守仁", "shouren"), ("明德", "mingde"),
    ("学军", "xuejun"), ("卫国", "weiguo"), ("秋生", "qiusheng"), ("春林", "chunlin"), ("少华", "shaohua"),
    ("庆华", "qinghua"), ("振宇", "zhenyu"), ("晓光", "xiaoguang"), ("丽华", "lihua"), ("桂芳", "guifang"),
    ("玉梅", "yumei"), ("淑华", "shuhua"), ("美玲", "meiling"), ("晓红", "xiaohong"), ("建平", "jianping"),
    ("国华", "guohua"), ("志明", "zhiming"), ("文杰", "wenjie"), ("海波", "haibo"), ("晓军", "xiaojun"),
    ("红", "hong"), ("燕", "yan"), ("梅", "mei"), ("芳", "fang"), ("娟", "juan"), ("莉", "li"), ("倩", "qian"),
    ("蕾", "lei"), ("晨", "chen"), ("彬", "bin"), ("哲", "zhe"), ("睿", "rui"), ("旭", "xu"), ("健", "jian"),
    ("荣", "rong"), ("松", "song"), ("柏林", "bailin"), ("树人", "shuren"), ("远航", "yuanhang"),
    ("云飞", "yunfei"), ("雅琴", "yaqin"), ("佩玲", "peiling"), ("晓慧", "xiaohui"), ("秀梅", "xiumei"),
    ("金凤", "jinfeng"), ("志远", "zhiyuan"), ("明远", "mingyuan"), ("书恒", "shuheng"), ("若愚", "ruoyu"),
    ("乐平", "leping"), ("国栋", "guodong"), ("永康", "yongkang"), ("建新", "jianxin"), ("立军", "lijun"),
    ("晓波", "xiaobo"), ("宏", "hong"), ("敬之", "jingzhi"), ("兆丰", "zhaofeng"), ("维新", "weixin"),
]

MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                   "177", "180", "181", "182", "186", "187", "188", "189", "199"]

# Profiles: who the expert is. (profile, weight)
PROFILES = [("professor", 30), ("lawyer", 33), ("judge", 12), ("medical", 6), ("psychology", 9), ("policy", 10)]

# Specialty weights per profile; ``first`` (when given) is always one of the expert's specialties.
SPECIALTY_WEIGHTS = {
    "professor": {"administrative_law": 3, "civil_law": 3, "labor_law": 2, "land_property_law": 2,
                  "environmental_law": 1.5, "criminal_law": 1.5, "procedure_arbitration": 1.5,
                  "family_inheritance": 1, "finance_law": 1, "enterprise_restructuring": 1, "petition_policy": 1,
                  "medical_law": 0.5},
    "lawyer": {"civil_law": 3, "labor_law": 3, "land_property_law": 3, "procedure_arbitration": 2.5,
               "family_inheritance": 2, "administrative_law": 2, "enterprise_restructuring": 1.5, "finance_law": 1.5,
               "criminal_law": 1.5, "medical_law": 0.7, "environmental_law": 0.5},
    "judge": {"procedure_arbitration": 3, "administrative_law": 3, "civil_law": 3, "criminal_law": 2,
              "land_property_law": 1.5, "labor_law": 1.5, "family_inheritance": 1},
    "medical": {"medical_law": 5, "psychology": 1, "social_assistance": 0.5},
    "psychology": {"psychology": 5, "social_assistance": 2, "petition_policy": 1, "family_inheritance": 0.5},
    "policy": {"petition_policy": 4, "social_assistance": 3, "administrative_law": 1.5,
               "enterprise_restructuring": 1, "labor_law": 1},
}
FIRST_SPECIALTY = {"medical": "medical_law", "psychology": "psychology"}

TITLES = {
    "university": [("教授", 5), ("副教授", 4)],
    "academy": [("研究员", 3), ("副研究员", 2)],
    "party_school": [("教授", 3), ("副教授", 2)],
    "firm": [("律师", 3), ("高级律师", 2), ("一级律师", 1), ("合伙人、律师", 2), ("律师事务所主任、高级律师", 1)],
    "court": [("退休法官", 3), ("退休法官（原审判委员会委员）", 2), ("退休法官（原行政审判庭庭长）", 1),
              ("退休法官（原民事审判庭庭长）", 1)],
    "hospital": [("主任医师", 3), ("副主任医师", 2), ("主任医师、教授", 1)],
    "mental_hospital": [("主任医师（精神科）", 2), ("副主任医师（精神科）", 2), ("心理治疗师", 1)],
    "social_centre": [("国家二级心理咨询师", 3), ("高级社会工作师", 2), ("国家二级心理咨询师、社会工作师", 1)],
}

# Employers per pool region and profile: (name, e-mail subdomain, kind, linked organization).
_NATIONAL = {
    "professor": [("中国政法大学法学院", "cupl", "university"), ("中国人民大学法学院", "ruc", "university"),
                  ("北京大学法学院", "pku", "university"), ("清华大学法学院", "tsinghua", "university"),
                  ("中国社会科学院法学研究所", "cass", "academy")],
    "lawyer": [("北京市正平衡律师事务所", "zhengpingheng-law", "firm"), ("北京市京安信律师事务所", "jinganxin-law", "firm"),
               ("北京市中衡正律师事务所", "zhonghengzheng-law", "firm")],
    "judge": [("最高人民法院", "court-spc", "court", "最高人民法院")],
    "medical": [("北京大学医学人文学院", "bjmu", "university"), ("首都医科大学宣武医院", "xwhosp", "hospital")],
    "psychology": [("中国科学院心理研究所", "psych-cas", "academy"), ("北京师范大学心理学部", "bnu", "university")],
    "policy": [("中共中央党校（国家行政学院）政治和法律教研部", "ccps", "party_school"),
               ("中国社会科学院社会学研究所", "cass-soc", "academy")],
}
_JIANGSU = {
    "professor": [("南京大学法学院", "nju", "university"), ("东南大学法学院", "seu", "university"),
                  ("南京师范大学法学院", "njnu", "university"), ("河海大学法学院", "hhu", "university"),
                  ("江苏省社会科学院法学研究所", "jsass", "academy")],
    "lawyer": [("江苏钟山衡正律师事务所", "zshz-law", "firm"), ("江苏金陵明理律师事务所", "jlml-law", "firm"),
               ("江苏致公恒律师事务所", "zgh-law", "firm")],
    "judge": [("江苏省高级人民法院", "court-js", "court", "江苏省高级人民法院")],
    "medical": [("江苏省人民医院", "jsph", "hospital"), ("南京医科大学卫生法学研究中心", "njmu", "university")],
    "psychology": [("南京脑科医院", "njbrain", "mental_hospital"), ("江苏省心理援助服务中心", "jspsy", "social_centre")],
    "policy": [("中共江苏省委党校", "jsdx", "party_school"), ("江苏省社会科学院社会学研究所", "jsass-soc", "academy")],
}
_NANJING = {
    "professor": [("南京大学法学院", "nju", "university"), ("南京师范大学法学院", "njnu", "university"),
                  ("南京审计大学法学院", "nau", "university"), ("南京工业大学法政学院", "njtech", "university")],
    "lawyer": [("江苏秦淮正和律师事务所", "qhzh-law", "firm"), ("江苏石城律师事务所", "shicheng-law", "firm"),
               ("江苏玄武明德律师事务所", "xwmd-law", "firm"), ("江苏宁衡律师事务所", "ningheng-law", "firm")],
    "judge": [("南京市中级人民法院", "court-nj", "court", "南京市中级人民法院")],
    "medical": [("南京鼓楼医院", "njglyy", "hospital"), ("南京市第一医院", "njfh", "hospital")],
    "psychology": [("南京市心理危机干预中心", "njcrisis", "mental_hospital"),
                   ("南京市鼓楼区启明社会工作服务中心", "qiming-sw", "social_centre")],
    "policy": [("中共南京市委党校", "njdx", "party_school"), ("南京市社会科学院", "njass", "academy")],
}
_SUZHOU = {
    "professor": [("苏州大学王健法学院", "suda", "university"), ("苏州科技大学社会发展与公共管理学院", "usts", "university")],
    "lawyer": [("江苏姑苏正衡律师事务所", "gszh-law", "firm"), ("江苏吴中致远律师事务所", "wzzy-law", "firm"),
               ("江苏金鸡湖律师事务所", "jjh-law", "firm")],
    "judge": [("苏州市中级人民法院", "court-sz", "court", "苏州市中级人民法院")],
    "medical": [("苏州大学附属第一医院", "sdfyy", "hospital"), ("苏州市立医院", "szslyy", "hospital")],
    "psychology": [("苏州市广济医院", "szgj", "mental_hospital"),
                   ("苏州市姑苏区心湖社会工作服务中心", "xinhu-sw", "social_centre")],
    "policy": [("中共苏州市委党校", "szdx", "party_school")],
}
_ZHEJIANG = {
    "professor": [("浙江大学光华法学院", "zju", "university"), ("浙江工商大学法学院", "zjgsu", "university"),
                  ("浙江财经大学法学院", "zufe", "university"), ("浙江省社会科学院法学研究所", "zjss", "academy")],
    "lawyer": [("浙江之江明正律师事务所", "zjmz-law", "firm"), ("浙江钱塘衡平律师事务所", "qthp-law", "firm"),
               ("浙江浙诚律师事务所", "zhecheng-law", "firm")],
    "judge": [("浙江省高级人民法院", "court-zj", "court", "浙江省高级人民法院")],
    "medical": [("浙江大学医学院附属第一医院", "zy1", "hospital"), ("浙江省人民医院", "zjph", "hospital")],
    "psychology": [("浙江省立同德医院", "zjtongde", "mental_hospital"),
                   ("浙江省心理卫生协会心理援助中心", "zjpsy", "social_centre")],
    "policy": [("中共浙江省委党校", "zjdx", "party_school")],
}
_HANGZHOU = {
    "professor": [("浙江大学光华法学院", "zju", "university"), ("浙江工业大学法学院", "zjut", "university"),
                  ("杭州师范大学沈钧儒法学院", "hznu", "university"), ("浙江理工大学法政学院", "zstu", "university")],
    "lawyer": [("浙江西湖正源律师事务所", "xhzy-law", "firm"), ("浙江运河律师事务所", "yunhe-law", "firm"),
               ("浙江钱江明理律师事务所", "qjml-law", "firm"), ("浙江武林衡信律师事务所", "wlhx-law", "firm")],
    "judge": [("杭州市中级人民法院", "court-hz", "court", "杭州市中级人民法院")],
    "medical": [("杭州市第一人民医院", "hz1", "hospital"), ("浙江大学医学院附属邵逸夫医院", "srrsh", "hospital")],
    "psychology": [("杭州市第七人民医院", "hz7", "mental_hospital"),
                   ("杭州市上城区阳光心理服务中心", "yangguang-sw", "social_centre")],
    "policy": [("中共杭州市委党校", "hzdx", "party_school")],
}
_NINGBO = {
    "professor": [("宁波大学法学院", "nbu", "university"), ("浙大宁波理工学院法学院", "nit", "university")],
    "lawyer": [("浙江甬江正和律师事务所", "yjzh-law", "firm"), ("浙江三江明德律师事务所", "sjmd-law", "firm"),
               ("浙江四明律师事务所", "siming-law", "firm")],
    "judge": [("宁波市中级人民法院", "court-nb", "court", "宁波市中级人民法院")],
    "medical": [("宁波市第一医院", "nb1", "hospital"), ("宁波大学附属第一医院", "nbufh", "hospital")],
    "psychology": [("宁波市康宁医院", "nbkn", "mental_hospital"),
                   ("宁波市海曙区心理健康服务中心", "haishu-sw", "social_centre")],
    "policy": [("中共宁波市委党校", "nbdx", "party_school")],
}

EMPLOYERS = {"000000": _NATIONAL, "320000": _JIANGSU, "320100": _NANJING, "320500": _SUZHOU,
             "330000": _ZHEJIANG, "330100": _HANGZHOU, "330200": _NINGBO}

# The pools and their share of the demo experts: (tier, region_code, weight).
POOLS = [("national", "000000", 30), ("provincial", "320000", 35), ("provincial", "330000", 35),
         ("municipal", "320100", 36), ("municipal", "320500", 34), ("municipal", "330100", 36),
         ("municipal", "330200", 34)]

TERM_ENDS = [((2026, 12, 31), 2), ((2027, 6, 30), 1), ((2027, 12, 31), 3), ((2028, 6, 30), 1),
             ((2028, 12, 31), 3), ((2029, 12, 31), 2)]

CONFLICT_REASONS_ORG = {
    "firm": "担任该单位常年法律顾问（2024年至今）",
    "university": "近三年承担该单位委托的课题研究",
    "academy": "近三年承担该单位委托的课题研究",
    "party_school": "近三年为该单位干部培训授课并受聘为咨询专家",
    "court": "近亲属在该单位任职",
    "hospital": "近亲属在该单位任职",
    "mental_hospital": "近亲属在该单位任职",
    "social_centre": "所在机构承接该单位购买的社会工作服务项目",
}
CONFLICT_REASONS_PERSON = [
    "与该信访人系近亲属关系",
    "曾担任该信访人民事诉讼的代理律师",
    "与该信访人系同事关系，存在可能影响公正的情形",
    "曾为该信访人提供有偿法律咨询",
]
UNAVAILABILITY_REASONS = ["出国访学", "外地开庭", "参加学术会议", "年休假", "住院治疗", "外出调研", "参加集中培训"]
