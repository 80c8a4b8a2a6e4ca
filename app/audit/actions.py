"""Every action code the services write to the audit log, with one label each.

The audit log's action filter, its table and its export are built from this one list, so the
filter offers only codes that are recorded, each under one name (issue 9: the old filter
merged the timeline's vocabulary, with duplicate labels and codes nothing records). A test
reads every ``record(...)`` call in ``app/`` and fails when a code is missing here.
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # accounts and sessions
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "token_issued": "签发令牌",
    "token_revoked": "注销令牌",
    # records in general
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "export": "导出",
    "view_personal_data": "查看信访人完整个人信息",
    # the case ledger
    "status": "信访事项状态变更",
    "extend": "延长办理期限",
    "extension_request": "申请延长办理期限",
    "extension_approve": "批准延期申请",
    "extension_reject": "不予批准延期申请",
    "close": "办结",
    "reopen": "撤销办结",
    # consultations
    "return": "退回补正",
    "resubmit": "补正后重新提交",
    "accept": "受理",
    "withdraw": "撤回会商申请",
    "escalate": "申请上级专家库援助",
    "draw_panel": "随机抽取专家组",
    "draw_reserves": "补抽候补专家",
    "invitation_accept": "专家接受会商邀请",
    "invitation_decline": "专家谢绝会商邀请",
    "reserve_promoted": "候补专家递补",
    # meetings
    "meeting_schedule": "安排会商会议",
    "meeting_reschedule": "会商会议改期或变更",
    "meeting_update": "更新会商会议邀请",
    "meeting_cancel": "取消会商会议",
    "meeting_record_held": "补录已召开的会商会议",
    "meeting_minutes": "记录会议纪要",
    "meeting_minutes_amend": "修改会议纪要",
    # opinions
    "draft": "起草意见书",
    "edit": "编辑意见书",
    "comment": "评论意见书",
    "sign": "签署意见书",
    "issue": "印发意见书",
    "issue_opinion": "会商出具意见",
    "feedback": "落实反馈",
    # supervision (督办)
    "supervision_alert": "督办预警",
    "supervision_notice": "发出督办单",
    "supervision_reply": "答复督办单",
    "deadline_recompute": "按新期限规则重算办理期限",
    # signing keys and seals
    "rotate": "轮换签章证书",
    # operations
    "restore": "从备份恢复",
}
