"""Use cases of the case ledger (台账). Each public function is one transaction's worth of work
and checks permissions itself, so the UI and the API cannot drift apart; the caller commits
(attachments excepted, see app.cases.attachments).

Handling deadline (《信访工作条例》): ``due_date`` is computed by
:func:`app.cases.deadlines.handling_due` from ``accepted_on``, the case's approved extension
(``extension_days``, at most once, up to the ``extension`` rule's days) and the ``handling`` rule
in force; a corrected acceptance date keeps the extension. Its reason is in the audit log.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from app.audit import services as audit
from app.cases import idcard
from app.cases import permissions as perm
from app.cases.deadlines import CLOSED, extended_days, handling_due
from app.cases.models import CASE_STATUSES, Case, Petitioner
from app.cases.serialize import case_to_dict
from app.cases.schemas import FIELD_LABELS, CaseIn, CloseIn, ExtendIn, parse_nested
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.orgs.models import Organization
from app.sequences import next_value
from app.timeutil import SHANGHAI
from app.locking import lock

EDITABLE = tuple(CaseIn.model_fields)
SCALAR_FIELDS = tuple(f for f in EDITABLE if f not in ("cooperating_org_ids", "petitioners"))


# ---------------------------------------------------------------- reading


def get_visible_case(user, case_id: int) -> Case:
    """The case, or NotFound when it does not exist or ``user`` may not see it (same 404)."""
    case = db.session.get(Case, case_id)
    if case is None or not perm.can_view_case(user, case):
        raise NotFound("信访事项不存在")
    return case


def _editable_values(case: Case) -> dict:
    """The current values in CaseIn's shape (for merging a PATCH and for change records)."""
    values = {f: getattr(case, f) for f in SCALAR_FIELDS}
    values["cross_flags"] = list(case.cross_flags or [])
    values["cooperating_org_ids"] = [o.id for o in case.cooperating_orgs]
    values["petitioners"] = [{k: p.to_dict()[k] for k in ("name", "id_number", "phone", "address")} for p in case.petitioners]
    return values


def _plain(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def audit_view(values: dict) -> dict:
    """Values as written to the audit log: identity and phone numbers masked."""
    out = _plain(values)
    if "petitioners" in out:
        out["petitioners"] = [
            {"name": p["name"], "id_number": idcard.mask_id_number(p.get("id_number", "")),
             "phone": idcard.mask_phone(p.get("phone", "")) if p.get("phone") else "", "address": p.get("address", "")}
            for p in out["petitioners"]
        ]
    return out


# ---------------------------------------------------------------- writing


def _check_organizations(data: CaseIn) -> dict[str, Organization]:
    """The organizations named by ``data``; ValidationFailed naming each bad one."""
    errors: dict[str, str] = {}
    ids = {data.handling_org_id, *([data.lead_org_id] if data.lead_org_id else []), *data.cooperating_org_ids}
    found = {o.id: o for o in db.session.execute(select(Organization).where(Organization.id.in_(ids))).scalars()}
    handling = found.get(data.handling_org_id)
    if handling is None:
        errors["handling_org_id"] = "承办单位不存在"
    elif handling.kind != "handling_agency":
        errors["handling_org_id"] = f"承办单位应为有权处理机关，“{handling.name}”不是"
    if data.lead_org_id is not None and data.lead_org_id not in found:
        errors["lead_org_id"] = "牵头单位不存在"
    for i, org_id in enumerate(data.cooperating_org_ids):
        if org_id not in found:
            errors[f"cooperating_org_ids[{i}]"] = f"配合单位 {org_id} 不存在"
    if errors:
        raise ValidationFailed(errors)
    return found


def _validate(user, payload: dict) -> tuple[CaseIn, dict[int, Organization]]:
    data = parse_nested(CaseIn, payload)
    orgs = _check_organizations(data)
    if not perm.can_register_for(user, orgs[data.handling_org_id], data.region_code):
        raise Forbidden(perm.register_denied_message(user))
    return data, orgs


def _apply(case: Case, data: CaseIn, orgs: dict[int, Organization]) -> None:
    for field in SCALAR_FIELDS:
        setattr(case, field, getattr(data, field))
    case.cross_flags = list(data.cross_flags)
    case.cooperating_orgs = [orgs[i] for i in data.cooperating_org_ids]
    rows = list(case.petitioners)
    for i, p in enumerate(data.petitioners):
        if i >= len(rows):
            rows.append(Petitioner())
        for key in ("name", "id_number", "phone", "address"):
            setattr(rows[i], key, getattr(p, key))
    case.petitioners = rows[: len(data.petitioners)]


def create_case(user, payload: dict) -> Case:
    """Register a case: validate, check the user may register it for that handling organization,
    number it ``<region>-<year>-<n:05d>`` (gap-free per region and year) and audit it."""
    if not perm.can_register_cases(user):
        raise Forbidden("无权登记信访事项")
    data, orgs = _validate(user, payload)
    year = datetime.now(SHANGHAI).year
    n = next_value(f"case:{data.region_code}:{year}")
    case = Case(case_number=f"{data.region_code}-{year}-{n:05d}", status="registered",
                created_by_id=getattr(user, "id", None), version=1)
    _apply(case, data, orgs)
    case.extension_days = 0
    case.due_date = handling_due(data.accepted_on)
    db.session.add(case)
    db.session.flush()
    audit.record("create", "case", case.id, f"登记信访事项 {case.case_number}《{case.title}》",
                 after=audit_view(_editable_values(case) | {"case_number": case.case_number, "due_date": case.due_date}),
                 subject=f"case:{case.id}")
    return case


def _check_version(case: Case, version) -> int:
    if version is None:
        raise ValidationFailed({"version": "必填：编辑前读取的版本号（用于检测并发修改）"})
    if isinstance(version, bool) or not isinstance(version, int):
        try:
            version = int(str(version))
        except ValueError:
            raise ValidationFailed({"version": "应为整数"}) from None
    if version != case.version:
        raise stale(case)
    return version


def stale(case: Case) -> Conflict:
    return Conflict("该信访事项已被他人修改，请刷新后在最新内容上重新修改", code="stale_version",
                    details={"current_version": case.version, "current": case_to_dict(case, attachments=False)})


def _bump_version(case: Case, expected: int) -> None:
    """Raise the version only if nobody else did in the meantime (row-level check in SQL, so two
    concurrent editors of the same version cannot both succeed)."""
    result = db.session.execute(
        update(Case).where(Case.id == case.id, Case.version == expected).values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(case)
        raise stale(case)
    case.version = expected + 1


def _require_open(case: Case, doing: str) -> None:
    if case.status == CLOSED:
        raise Conflict(f"信访事项已办结，不能{doing}", code="case_closed", details={"status": case.status})


def update_case(user, case: Case, payload: dict) -> Case:
    """PATCH semantics: the given fields over the current values, validated as a whole.
    ``payload["version"]`` must be the version read before editing (409 ``stale_version``)."""
    lock(case)
    if not perm.can_edit_case(user, case):
        raise Forbidden("无权修改该信访事项")
    if not isinstance(payload, dict):
        raise ValidationFailed({"_": "请求体应为 JSON 对象"})
    payload = dict(payload)
    version = _check_version(case, payload.pop("version", None))
    _require_open(case, "修改")
    payload = _without_read_only(case, payload)
    before = _editable_values(case)
    data, orgs = _validate(user, before | payload)
    old, new = audit.changes(_plain(before), _plain(data.model_dump()))
    if not new:
        return case
    _bump_version(case, version)
    _apply(case, data, orgs)
    # Recomputed under the rules in force, keeping the extension; audited whenever it moves.
    due = handling_due(data.accepted_on, case.extension_days)
    if due != case.due_date:
        old["due_date"], new["due_date"] = case.due_date, due
        case.due_date = due
    db.session.flush()
    labels = "、".join(FIELD_LABELS.get(k, k) for k in new)
    audit.record("update", "case", case.id, f"修改信访事项 {case.case_number}：{labels}", before=audit_view(old),
                 after=audit_view(new), subject=f"case:{case.id}")
    return case


def _without_read_only(case: Case, payload: dict) -> dict:
    """Drop the read-only fields a client echoes back from GET unchanged (ids of petitioners
    included); a read-only field sent with a different value is an error."""
    current = case_to_dict(case)
    errors: dict[str, str] = {}
    out = {}
    for key, value in payload.items():
        if key in EDITABLE:
            out[key] = value
        elif key in current:
            if value != current[key]:
                errors[key] = "状态请通过办结等操作修改" if key == "status" else "只读字段，不能修改"
        else:
            out[key] = value  # unknown: CaseIn reports it
    if isinstance(out.get("petitioners"), list):
        out["petitioners"] = [{k: v for k, v in p.items() if k != "id"} if isinstance(p, dict) else p
                              for p in out["petitioners"]]
    if errors:
        raise ValidationFailed(errors)
    return out


def extend_deadline(user, case: Case, payload: dict) -> Case:
    """Extend the handling deadline once, by 1 to the ``extension`` rule's days, with a reason
    (the demo seed's direct path; people file an extension request, app.supervision.services)."""
    lock(case)
    if not perm.can_edit_case(user, case):
        raise Forbidden("无权延长该信访事项的办理期限")
    data = parse_nested(ExtendIn, payload)  # days within the extension rule in force
    _require_open(case, "延期")
    if case.accepted_on is None or case.due_date is None:
        raise Conflict("尚未填写受理日期，没有可延长的办理期限", code="not_accepted")
    if extended_days(case) > 0:
        raise Conflict(f"办理期限已延长过 {extended_days(case)} 天，按《信访工作条例》只能延长一次",
                       code="already_extended", details={"due_date": case.due_date.isoformat()})
    before = case.due_date
    _bump_version(case, case.version)
    case.extension_days = data.days
    case.due_date = handling_due(case.accepted_on, data.days)
    db.session.flush()
    audit.record("extend", "case", case.id,
                 f"办理期限延长 {data.days} 天（{before.isoformat()} → {case.due_date.isoformat()}）：{data.reason}",
                 before={"due_date": before}, after={"due_date": case.due_date, "days": data.days, "reason": data.reason},
                 subject=f"case:{case.id}")
    return case


def close_case(user, case: Case, payload: dict | None = None) -> Case:
    """Mark the case 办结 (closed); closed cases cannot be edited."""
    lock(case)
    if not perm.can_edit_case(user, case):
        raise Forbidden("无权办结该信访事项")
    data = parse_nested(CloseIn, payload or {})
    _require_open(case, "重复办结")
    return set_status(case, CLOSED, f"信访事项办结{('：' + data.note) if data.note else ''}", action="close")


def reopen_case(user, case: Case) -> Case:
    """Admin only: undo a closure made by mistake."""
    lock(case)
    if not perm.can_reopen(user):
        raise Forbidden("只有系统管理员可以恢复已办结的信访事项")
    if case.status != CLOSED:
        raise Conflict("信访事项未办结，无需恢复", code="not_closed")
    return set_status(case, "registered", "恢复为已登记（撤销办结）", action="reopen")


def set_status(case: Case, status: str, summary: str = "", action: str = "status", actor=None) -> Case:
    """Move the case to ``status`` (for the consultation workflow: ``consulting``,
    ``opinion_issued`` …), raising its version and writing a timeline entry. No permission
    check: callers have checked theirs."""
    if status not in CASE_STATUSES:
        raise ValueError(f"unknown case status {status!r}")
    if case.status == status:
        return case
    before = case.status
    _bump_version(case, case.version)
    case.status = status
    db.session.flush()
    audit.record(action, "case", case.id,
                 summary or f"状态变更：{CASE_STATUSES.get(before, before)} → {CASE_STATUSES[status]}",
                 before={"status": before}, after={"status": status}, actor=actor, subject=f"case:{case.id}")
    return case
