"""Chinese names of the input fields, for messages people read.

A 422's ``details`` keep the API's field names (clients need them); the sentence shown to a
person names the field in Chinese (“会议链接或地点：……”), never ``location``. One table for
every feature: a field called the same everywhere means the same thing.
"""

from __future__ import annotations

import re

FIELD_LABELS = {
    "accepted_on": "受理日期", "address": "住址", "addressee": "主送机关", "adopted": "是否采纳",
    "analysis": "法律分析", "attendee_expert_ids": "出席专家", "basic_facts": "基本情况", "case_id": "信访事项",
    "category": "问题类别", "cc": "抄送", "claims": "信访诉求", "comment": "评语", "conclusion": "定性",
    "consultation_summary": "会商情况", "cooperating_org_ids": "配合单位", "count": "数量",
    "cross_flags": "三跨三分离", "days": "天数", "dissent": "少数意见", "doc_prefix": "发文字号前缀",
    "duration_minutes": "会商时长", "email": "邮箱", "employer": "工作单位",
    "employer_organization_id": "工作单位（机构）", "end": "结束时间", "expert_id": "专家", "findings": "查明事实与争议焦点",
    "first_petition_date": "初次信访日期", "handling_org_id": "有权处理机关", "held": "已召开",
    "id_number": "身份证号码", "is_backlog": "是否积案", "kind": "类型", "lead_org_id": "牵头单位",
    "legal_basis": "法律依据", "location": "地点或会议链接", "max_open_consultations": "最多同时承担会商数",
    "meeting_duration_minutes": "会商时长", "meeting_start": "会商时间", "mode": "会商方式", "name": "姓名",
    "note": "说明", "organization_id": "单位", "outcome": "化解情况", "panel_size": "专家组人数",
    "parent_id": "上级单位", "password": "密码", "person_name": "人员姓名", "petitioners": "信访人",
    "phone": "手机", "questions": "咨询问题", "reason": "理由", "recommendations": "处理建议",
    "region_code": "行政区划", "repeat_letters": "重复来信次数", "repeat_online": "重复网上信访次数",
    "repeat_visits": "重复来访次数", "required_specialties": "所需专业领域", "reserves": "候补人数",
    "response": "答复", "responsible_leader": "包案领导", "score": "评分", "section": "章节",
    "specialties": "专业领域", "start": "会商时间", "status": "状态", "summary": "事项摘要", "term_end": "聘期截止",
    "text": "内容", "tier": "层级", "title": "标题", "urgency": "紧急程度", "version": "版本",
    "username": "用户名", "display_name": "姓名", "role": "角色", "file": "文件", "from": "开始日期", "to": "结束日期",
    "q": "检索词", "page": "页码", "per_page": "每页条数", "format": "格式", "_": "",
}

_INDEX_RE = re.compile(r"\[(\d+)\]")


def field_label(name: str) -> str:
    """``petitioners[0].id_number`` → ``信访人第1项·身份证号码``; an unknown name → empty
    (the message then stands alone rather than showing a raw identifier)."""
    parts = []
    for part in str(name).split("."):
        base = _INDEX_RE.sub("", part)
        label = FIELD_LABELS.get(base, "")
        indexes = _INDEX_RE.findall(part)
        if label and indexes:
            label += "".join(f"第{int(i) + 1}项" for i in indexes)
        if label:
            parts.append(label)
    return "·".join(parts)


def describe(fields: dict[str, str]) -> str:
    """One sentence for a summary alert: ``会议链接或地点：须填写……；会商时间：必填``."""
    out = []
    for name, message in fields.items():
        label = field_label(name)
        text = f"{label}：{message}" if label and not str(message).startswith(label) else str(message)
        if text not in out:
            out.append(text)
    return "；".join(out)
