"""The case timeline: every audit entry whose subject is ``case:<id>`` — the case's own
changes, its attachments, and whatever the consultation workflow records about it — newest
first, with readable Chinese labels.

Actions and object types unknown to ``app.audit.services`` are labelled here; anything still
unknown reads as its code with underscores turned into spaces, never as an empty line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.services import ACTION_LABELS, OBJECT_LABELS
from app.auth.models import User
from app.cases.models import CASE_STATUSES, Case
from app.cases.schemas import FIELD_LABELS
from app.consultations.models import CONSULTATION_STATUSES, PANEL_ROLES
from app.experts.models import Expert
from app.meetings.models import MEETING_MODES
from app.opinions.models import OUTCOMES
from app.extensions import db
from app.orgs.models import Organization
from app.timeutil import iso, local
from expert_pool import regions
from expert_pool.codes import CATEGORIES, CROSS_FLAGS, POOL_TIERS

# Actions recorded on a case's timeline beyond the generic ones (the consultation workflow's
# included, so its entries read well whichever words it uses).
TIMELINE_ACTIONS: dict[str, str] = {
    "extend": "延长办理期限",
    "close": "办结",
    "reopen": "撤销办结",
    "status": "状态变更",
    "upload": "上传",
    "download": "下载",
    "submit": "提交",
    "resubmit": "重新提交",
    "return": "退回补正",
    "accept": "受理",
    "withdraw": "撤回",
    "draw": "抽取专家",
    "draw_panel": "抽取专家组",
    "draw_reserves": "补抽候补专家",
    "escalate": "提请上级专家库援助",
    "invite": "邀请",
    "respond": "答复邀请",
    "accept_invitation": "接受邀请",
    "decline": "谢绝邀请",
    "decline_invitation": "谢绝邀请",
    "promote": "候补递补",
    "promote_reserve": "候补递补",
    "schedule": "安排会商",
    "reschedule": "调整会商时间",
    "cancel": "取消",
    "minutes": "记录会议纪要",
    "record_minutes": "记录会议纪要",
    "draft": "起草",
    "edit": "修改",
    "comment": "评论",
    "sign": "签署",
    "issue": "出具",
    "feedback": "反馈落实情况",
    "rate": "评价专家",
    "notify": "通知",
    # as the consultation, meeting and opinion services record them
    "invitation_accept": "专家接受会商邀请",
    "invitation_decline": "专家谢绝会商邀请",
    "reserve_promoted": "候补专家递补",
    "issue_opinion": "出具法律审查意见",
    "meeting_schedule": "安排会商会议",
    "meeting_reschedule": "调整会商会议",
    "meeting_update": "修改会商会议",
    "meeting_cancel": "取消会商会议",
    "meeting_minutes": "记录会议纪要",
    # supervision (督办)
    "extension_request": "申请延长办理期限",
    "extension_approve": "批准延期",
    "extension_reject": "不批准延期",
    "supervision_notice": "发出督办单",
    "supervision_reply": "回复督办单",
    "supervision_alert": "督办提醒",
    "deadline_recompute": "按新期限规则重算办理期限",
}

TIMELINE_OBJECTS: dict[str, str] = {
    "case": "信访事项",
    "attachment": "附件",
    "petitioner": "信访人",
    "consultation": "会商申请",
    "panel": "专家组",
    "panel_draw": "专家抽取",
    "panel_member": "专家组成员",
    "invitation": "邀请",
    "escalation": "上级专家库援助",
    "meeting": "会商会议",
    "minutes": "会议纪要",
    "opinion": "法律审查意见书",
    "signature": "签名",
    "feedback": "落实反馈",
    "rating": "专家评价",
    "notification": "通知",
    "supervision_notice": "督办单",
}

# Actions that read as a verb followed by their object (上传附件, 受理会商申请); the others
# (延长办理期限, 抽取专家 …) say it all by themselves.
VERB_ACTIONS = set(ACTION_LABELS) | {"upload", "download", "submit", "resubmit", "accept", "withdraw", "cancel", "draft",
                                     "edit", "comment", "sign", "issue", "invite", "notify"}

SPECIAL_TITLES: dict[tuple[str, str], str] = {
    ("create", "case"): "登记信访事项",
    ("create", "attachment"): "上传附件",
}

HIDDEN_KEYS = {"id", "version", "case_id", "sha256", "created_at", "updated_at", "meeting_id", "sequence",
               "opinion_id", "pdf_sha256", "docx_sha256", "petitioner_ids", "attendee_expert_ids", "sections",
               # a panel draw's own record (members, reserves, seed) is on the consultation page
               "members", "reserves", "seed"}
# Keys the workflow records beyond the case's own fields.
EXTRA_FIELD_LABELS = {"mode": "会商方式", "start": "开始时间", "end": "结束时间", "location": "地点或会议链接",
                      "number": "发文字号", "adopted": "是否采纳", "outcome": "化解情况", "note": "说明",
                      "expert_id": "专家", "role": "角色", "reason": "理由", "panel_size": "专家组人数",
                      "office_id": "承办单位", "tier": "专家库"}
ORG_KEYS = ("handling_org_id", "lead_org_id")
ISO_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")



def action_label(action: str) -> str:
    return TIMELINE_ACTIONS.get(action) or ACTION_LABELS.get(action) or action.replace("_", " ")


def object_label(object_type: str) -> str:
    return TIMELINE_OBJECTS.get(object_type) or OBJECT_LABELS.get(object_type) or object_type.replace("_", " ")


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class TimelineItem:
    id: int
    at: datetime
    actor: str
    action: str
    action_label: str
    object_type: str
    object_label: str
    summary: str
    changes: list[Change] = field(default_factory=list)

    @property
    def title(self) -> str:
        """e.g. 新增信访事项, 延长办理期限, 上传附件 — the verb and, where it helps, the object."""
        special = SPECIAL_TITLES.get((self.action, self.object_type))
        if special:
            return special
        if self.action in VERB_ACTIONS:
            return f"{self.action_label}{self.object_label}"
        if self.action in TIMELINE_ACTIONS or not self.object_label:
            return self.action_label
        return f"{self.action_label}（{self.object_label}）"

    def to_dict(self) -> dict:
        return {"id": self.id, "at": iso(self.at), "actor": self.actor, "action": self.action,
                "action_label": self.action_label, "object_type": self.object_type, "object_label": self.object_label,
                "title": self.title, "summary": self.summary,
                "changes": [{"field": c.field, "label": c.label, "before": c.before, "after": c.after} for c in self.changes]}


def entries(case: Case) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.subject == f"case:{case.id}").order_by(AuditEntry.id.desc())
    return list(db.session.execute(stmt).scalars())


def timeline(case: Case) -> list[TimelineItem]:
    rows = entries(case)
    actor_ids = {e.actor_id for e in rows if e.actor_id}
    users = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    org_ids = {v for e in rows for d in (e.before or {}, e.after or {}) for k in (*ORG_KEYS, "cooperating_org_ids")
               for v in (d.get(k) if isinstance(d.get(k), list) else [d.get(k)]) if isinstance(v, int)}
    org_ids |= {v for e in rows for d in (e.before or {}, e.after or {}) for v in [d.get("office_id")] if isinstance(v, int)}
    orgs = dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all()) if org_ids else {}
    expert_ids = {v for e in rows for d in (e.before or {}, e.after or {}) for v in [d.get("expert_id")] if isinstance(v, int)}
    if expert_ids:
        orgs.update({("expert", i): name for i, name in db.session.execute(
            select(Expert.id, Expert.name).where(Expert.id.in_(expert_ids))).all()})
    items = []
    for e in rows:
        name = users.get(e.actor_id)
        actor = f"{name}（{e.actor_name}）" if name and e.actor_name else (name or e.actor_name or "系统")
        before, after = e.before or {}, e.after or {}
        # only what has a name people read: a key without a label is bookkeeping (issue 9: raw keys)
        keys = [k for k in dict.fromkeys([*before, *after])
                if k not in HIDDEN_KEYS and (FIELD_LABELS.get(k) or EXTRA_FIELD_LABELS.get(k))]
        changes = [Change(k, FIELD_LABELS.get(k) or EXTRA_FIELD_LABELS.get(k, k), display(k, before.get(k), orgs) if k in before else "",
                          display(k, after.get(k), orgs) if k in after else "") for k in keys] if e.action != "create" else []
        items.append(TimelineItem(e.id, e.created_at, actor, e.action, action_label(e.action), e.object_type,
                                  object_label(e.object_type), e.summary or "", changes))
    return items


def display(key: str, value, orgs: dict[int, str]) -> str:
    """A stored value as a reader wants it (labels instead of codes, names instead of ids)."""
    if value is None or value == "" or value == []:
        return "—"
    if key in ORG_KEYS or key == "office_id":
        return orgs.get(value, str(value))
    if key == "expert_id":
        return orgs.get(("expert", value), str(value))
    if key == "role":
        return PANEL_ROLES.get(value, value)
    if key == "mode":
        return MEETING_MODES.get(value, value)
    if key == "adopted":
        return "已采纳" if value else "未采纳"
    if key == "outcome":
        return OUTCOMES.get(value, value)
    if isinstance(value, str) and ISO_DATETIME_RE.match(value):
        try:
            return local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if key == "tier":
        return POOL_TIERS.get(value, value) + "级" if value in POOL_TIERS else str(value)
    if key == "cooperating_org_ids":
        return "、".join(orgs.get(v, str(v)) for v in value)
    if key == "category":
        return CATEGORIES.get(value, value)
    if key == "status":
        return CASE_STATUSES.get(value) or CONSULTATION_STATUSES.get(value, value)
    if key == "cross_flags":
        return "、".join(CROSS_FLAGS.get(v, v) for v in value)
    if key == "region_code":
        return regions.label(value)
    if key == "is_backlog":
        return "是" if value else "否"
    if key == "petitioners":
        return "、".join(f"{p.get('name', '')}（{p.get('id_number', '')}）" for p in value if isinstance(p, dict))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"
