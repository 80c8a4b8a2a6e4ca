"""The fixed code lists of domain.md: API value → Chinese label, in display order."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "urban_construction": "城乡建设",
    "land_expropriation": "征地拆迁",
    "natural_resources": "自然资源",
    "housing": "住房保障与物业",
    "agriculture": "农村农业",
    "labor_social_security": "劳动和社会保障",
    "health": "卫生健康",
    "education": "教育文体",
    "civil_affairs": "民政与社会救助",
    "veterans": "退役军人事务",
    "law_litigation": "政法/涉法涉诉",
    "discipline": "纪检监察",
    "personnel": "组织人事",
    "party_government": "党务政务",
    "economy_enterprise": "经济管理/企业改制",
    "finance": "金融",
    "transport": "交通运输",
    "environment": "生态环境",
    "market_regulation": "市场监管",
    "water": "水利",
    "science_info": "科技与信息",
    "ethnic_religion": "统战民族宗教",
    "other": "其他",
}

SPECIALTIES: dict[str, str] = {
    "administrative_law": "行政法与行政诉讼",
    "civil_law": "民商法",
    "labor_law": "劳动与社会保障法",
    "land_property_law": "土地与房地产法",
    "environmental_law": "环境资源法",
    "criminal_law": "刑事法",
    "procedure_arbitration": "诉讼与仲裁程序",
    "family_inheritance": "婚姻家庭与继承",
    "medical_law": "医疗卫生法",
    "social_assistance": "社会救助政策",
    "petition_policy": "信访政策",
    "psychology": "心理疏导",
    "enterprise_restructuring": "企业改制与国资",
    "finance_law": "金融法",
}

CROSS_FLAGS: dict[str, str] = {
    "cross_region": "跨地区",
    "cross_department": "跨部门",
    "cross_industry": "跨行业",
    "person_household_separated": "人户分离",
    "person_matter_separated": "人事分离",
    "person_matter_household_separated": "人事户分离",
}

CONCLUSIONS: dict[str, str] = {
    "claim_reasonable": "诉求合理",
    "claim_partly_reasonable": "诉求部分合理",
    "claim_unreasonable": "诉求不合理",
}

RECOMMENDATIONS: dict[str, str] = {
    "support_claim": "支持诉求、解决到位",
    "explain_and_educate": "解释说明、思想疏导",
    "terminate_per_law": "依法终结",
    "social_assistance": "纳入救助帮扶",
    "mediation": "组织调解（人民/行政/司法调解）",
    "legal_channel": "引导通过诉讼、仲裁、复议等法定途径解决",
    "reprocess": "建议责任单位重新处理",
    "hearing": "组织听证",
    "joint_handling": "建议联合办理或上级协调",
}

# Pools exist for the first three tiers; organizations may also be county-level.
POOL_TIERS: dict[str, str] = {"national": "国家", "provincial": "省", "municipal": "市"}
ORG_TIERS: dict[str, str] = {**POOL_TIERS, "county": "县"}
TIER_RANK = {"national": 0, "provincial": 1, "municipal": 2, "county": 3}

EXPERT_STATUSES: dict[str, str] = {"active": "在库", "suspended": "暂停", "retired": "退出"}

ORG_KINDS: dict[str, str] = {
    "petition_office": "信访部门",
    "handling_agency": "有权处理机关",
    "other": "其他",
}

ROLES: dict[str, str] = {
    "admin": "系统管理员",
    "officer": "信访部门工作人员",
    "agency": "有权处理机关经办人",
    "expert": "专家",
}

RECUSAL_REASONS: dict[str, str] = {
    "same_employer": "工作单位为涉案单位或其上级单位",
    "declared_conflict": "已申报利益冲突",
    "prior_involvement": "曾参与本案此前会商",
    "unavailable": "会商时间不可出席",
    "inactive": "非在库状态",
    "term_expired": "聘期已满",
    "over_capacity": "承担会商数已达上限",
    "specialty_mismatch": "专业领域不符",
    "low_rating": "评价均分低于下限",
}


def label_to_code(table: dict[str, str]) -> dict[str, str]:
    """Reverse lookup: Chinese label → code (spreadsheets carry labels, the API codes)."""
    return {label: code for code, label in table.items()}


def as_items(table: dict[str, str]) -> list[dict[str, str]]:
    return [{"code": code, "label": label} for code, label in table.items()]
