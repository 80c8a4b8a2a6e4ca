"""审计日志: browse with filters, verify the hash chain, export the filtered log to .xlsx."""

from __future__ import annotations

import io
import json
from datetime import datetime, time, timedelta

from flask import flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import func, select

from app.admin.blueprint import bp
from app.admin.forms import AUDIT_OBJECT_LABELS_EXTRA, AuditFilterForm
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.audit.actions import ACTIONS
from app.cases.timeline import TIMELINE_OBJECTS
from app.extensions import db
from app.paging import parse_paging
from app.sorting import Sortable
from app.spreadsheets import XLSX_MIMETYPE, xlsx_bytes
from app.timeutil import SHANGHAI, file_stamp, local
from app.transactions import ui_action

PER_PAGE = 50
EXPORT_LIMIT = 100_000
# Every action and object the services record, for the filters, the table and the export.
OBJECT_LABELS = {**TIMELINE_OBJECTS, **audit.OBJECT_LABELS, **AUDIT_OBJECT_LABELS_EXTRA}
ACTION_LABELS = ACTIONS  # the one list of recorded action codes (app.audit.actions)
FILTER_KEYS = ("actor", "action", "object_type", "date_from", "date_to", "q")


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.object_type.choices = {"": "全部对象", **OBJECT_LABELS}
    form.action.choices = {"": "全部操作", **ACTION_LABELS}
    form.validate()  # only the dates can be wrong; a bad date is shown and ignored
    return form


def _filtered(form: AuditFilterForm):
    """The audit entries matching the filters, newest first. Dates are Asia/Shanghai days."""
    stmt = select(AuditEntry)
    actor = (form.actor.data or "").strip()
    if actor:
        stmt = stmt.where(AuditEntry.actor_name.ilike(f"%{_escape(actor)}%", escape="\\"))
    if form.action.data:
        stmt = stmt.where(AuditEntry.action == form.action.data)
    if form.object_type.data:
        stmt = stmt.where(AuditEntry.object_type == form.object_type.data)
    if form.date_from.data and not form.date_from.errors:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(form.date_from.data, time(), SHANGHAI))
    if form.date_to.data and not form.date_to.errors:
        end = datetime.combine(form.date_to.data + timedelta(days=1), time(), SHANGHAI)
        stmt = stmt.where(AuditEntry.created_at < end)
    q = (form.q.data or "").strip()
    if q:
        stmt = stmt.where(AuditEntry.summary.ilike(f"%{_escape(q)}%", escape="\\"))
    return stmt.order_by(AuditEntry.id.desc())


def format_value(value) -> str:
    """A before/after value as people read it: JSON (unescaped Chinese) for lists and dicts."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The log's sortable columns (app.sorting); by default the newest entry first.
AUDIT_SORT = Sortable({"id": AuditEntry.id, "time": AuditEntry.created_at, "actor": AuditEntry.actor_name,
                       "action": AuditEntry.action, "object": AuditEntry.object_type},
                      default="id", default_desc=True, tiebreak=AuditEntry.id)


def _filter_args() -> dict:
    return {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}


@bp.route("/audit")
def audit_log():
    form = _filter_form()
    sort = AUDIT_SORT.parse(request.args)
    stmt = AUDIT_SORT.apply(_filtered(form), sort)
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    page, _ = parse_paging(request.args, per_page=PER_PAGE)
    entries = db.session.execute(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars().all()
    return render_template("admin/audit_log.html", form=form, entries=entries, total=total, page=page,
                           per_page=PER_PAGE, args=_filter_args(), action_labels=ACTION_LABELS,
                           sort=sort, pager_args=dict(_filter_args(), **sort.args()),
                           object_labels=OBJECT_LABELS, fmt=format_value)


@bp.route("/audit/verify", methods=["POST"])
def audit_verify():
    db.session.expire_all()  # check the rows as stored now, not as this session last saw them
    result = audit.verify()
    if result.ok:
        flash(f"哈希链校验通过：共 {result.checked} 条审计记录，未发现篡改或删除。", "success")
    elif result.bad_id is not None:
        flash(f"哈希链校验失败：第一条异常记录 ID {result.bad_id}（{result.problem}）。"
              f"该记录及其后的记录不可信，请立即排查。", "danger")
    else:
        flash(f"哈希链校验失败：校验点文件与审计记录不符（{result.problem}）。"
              f"审计记录可能被删除或校验点被改动，请立即排查。", "danger")
    for warning in result.warnings:
        flash(f"提示：{warning}", "warning")
    return redirect(url_for("admin.audit_log", **_filter_args()))


HEADERS = ("ID", "时间（北京时间）", "操作人", "操作", "对象类型", "对象ID", "关联对象", "摘要", "修改前", "修改后", "IP")
EXPORT_WIDTHS = (8, 20, 14, 10, 12, 8, 16, 50, 40, 40, 16)


def _json_text(value: dict | None) -> str:
    if not value:
        return ""
    return "；".join(f"{k}={format_value(v)}" for k, v in value.items())


@bp.route("/audit/export")
def audit_export():
    """The filtered log as .xlsx; the export itself is recorded in the log (action 'export')."""
    form = _filter_form()
    entries = db.session.execute(_filtered(form).limit(EXPORT_LIMIT)).scalars().all()
    rows = ([e.id, local(e.created_at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name or "系统",
             ACTION_LABELS.get(e.action, e.action), OBJECT_LABELS.get(e.object_type, e.object_type),
             e.object_id, e.subject or "", e.summary, _json_text(e.before), _json_text(e.after), e.ip or ""]
            for e in entries)
    # Text formula-safe and stripped of control characters: sign-in names are typed by anyone.
    buf = io.BytesIO(xlsx_bytes("审计日志", HEADERS, rows, EXPORT_WIDTHS))
    filters = _filter_args()
    described = "，".join(f"{k}={v}" for k, v in filters.items()) or "全部"
    stamp = file_stamp(with_time=True)
    # The export writes its audit entry: committed like any other action.
    return ui_action(lambda: audit.record("export", "audit_log", None, f"导出审计日志 {len(entries)} 条（筛选条件：{described}）",
                                          after={"count": len(entries), "filters": filters}),
                     to=lambda _: send_file(buf, mimetype=XLSX_MIMETYPE, as_attachment=True,
                                            download_name=f"审计日志-{stamp}.xlsx"))
