"""Use cases of the expert pool. Each public function is one transaction's worth of work; the
caller (a route or a CLI command) commits. Permission checks happen here too, so the UI and the
API cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.cases.models import Case
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.experts import permissions as perm
from app.experts.models import (
    ConflictDeclaration,
    Expert,
    ExpertSpecialty,
    Unavailability,
)
from app.experts.schemas import ConflictIn, ExpertIn, UnavailabilityIn
from app.extensions import db
from app.orgs.models import Organization
from app.timeutil import parse_datetime
from app.validation import parse
from app.locking import lock
from app.sorting import Sortable
from expert_pool import regions

EDITABLE = tuple(ExpertIn.model_fields)
# Chinese names of the editable fields, for audit summaries people read.
FIELD_LABELS = {
    "name": "姓名", "tier": "层级", "region_code": "行政区划", "employer": "工作单位",
    "employer_organization_id": "关联单位", "title": "职称/职务", "specialties": "专业领域", "phone": "手机",
    "email": "邮箱", "status": "状态", "term_end": "聘期截止", "max_open_consultations": "最多同时承担会商数",
}


# Database integer columns are 32-bit: a larger id cannot exist (and PostgreSQL would refuse it).
MAX_ID = 2**31 - 1


def _id_ok(value: int | None) -> bool:
    return value is None or 0 < value <= MAX_ID


@dataclass
class ExpertFilters:
    tier: str | None = None
    region_code: str | None = None
    specialty: str | None = None
    status: str | None = None
    q: str | None = None


def get_visible(user, expert_id: int) -> Expert:
    """The expert, or NotFound when it does not exist or ``user`` may not see it."""
    expert = db.session.get(Expert, expert_id) if _id_ok(expert_id) else None
    if expert is None or not perm.can_view_expert(user, expert):
        raise NotFound("专家不存在")
    return expert


def list_query(user, filters: ExpertFilters):
    if not perm.can_list_pool(user):
        raise Forbidden("无权查看专家库")
    stmt = select(Expert).where(perm.visible_experts_clause(user))
    if filters.tier:
        stmt = stmt.where(Expert.tier == filters.tier)
    if filters.region_code:
        stmt = stmt.where(Expert.region_code.startswith(_region_prefix(filters.region_code)))
    if filters.status:
        stmt = stmt.where(Expert.status == filters.status)
    if filters.specialty:
        stmt = stmt.where(Expert.id.in_(select(ExpertSpecialty.expert_id).where(ExpertSpecialty.specialty == filters.specialty)))
    if filters.q:
        text = filters.q.replace(chr(0), "").strip()  # PostgreSQL text cannot hold NUL
        # The user's text is literal: % and _ are not wildcards.
        text = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{text}%"
        stmt = stmt.where(or_(Expert.name.like(like, escape="\\"), Expert.employer.like(like, escape="\\")))
    return stmt.order_by(Expert.tier, Expert.region_code, Expert.id)


_TIER_ORDER = case({"national": 0, "provincial": 1, "municipal": 2}, value=Expert.tier, else_=3)
# The roster's sortable columns (app.sorting); by default pool by pool, national first.
EXPERT_SORT = Sortable({
    "name": Expert.name, "tier": _TIER_ORDER, "region": Expert.region_code, "employer": Expert.employer,
    "title": Expert.title, "status": Expert.status, "term_end": Expert.term_end,
}, default="tier", tiebreak=Expert.id, default_order=(Expert.tier, Expert.region_code))


def _region_prefix(code: str) -> str:
    """A region filter matches the region and everything inside it (320000 → 32…)."""
    code = code.strip()
    if len(code) == 6 and code.isdigit():
        return regions.prefix(code)
    return code


def paginate(stmt, page: int, per_page: int) -> tuple[list, int]:
    items = db.session.execute(
        stmt.options(selectinload(Expert.specialty_rows)).limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    if page == 1 and len(items) < per_page:
        return list(items), len(items)  # everything is on this page: no need to count
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    return list(items), total


def _check_employer_org(data: ExpertIn) -> None:
    if data.employer_organization_id is not None and db.session.get(Organization, data.employer_organization_id) is None:
        raise ValidationFailed({"employer_organization_id": "单位不存在"})


def _check_unique_phone(tier: str, phone: str, exclude_id: int | None = None) -> None:
    stmt = select(Expert.id).where(Expert.tier == tier, Expert.phone == phone)
    if exclude_id:
        stmt = stmt.where(Expert.id != exclude_id)
    if db.session.execute(stmt).first():
        raise Conflict("同一层级专家库中已有使用该手机号码的专家", code="duplicate",
                       details={"phone": "同一层级专家库中已有使用该手机号码的专家"})


def create_expert(user, payload: dict) -> Expert:
    data = parse(ExpertIn, payload)
    if not perm.can_manage_pool(user, data.tier, data.region_code):
        raise Forbidden("只能管理本级、本辖区的专家库")
    _check_employer_org(data)
    _check_unique_phone(data.tier, data.phone)
    expert = Expert()
    _apply(expert, data)
    db.session.add(expert)
    db.session.flush()
    audit.record("create", "expert", expert.id, f"新增专家 {expert.name}", after=expert.to_dict())
    return expert


def update_expert(user, expert: Expert, payload: dict) -> Expert:
    lock(expert)
    if not perm.can_manage_expert(user, expert):
        raise Forbidden("只能管理本级、本辖区的专家库")
    if not isinstance(payload, dict):
        raise ValidationFailed({"_": "请求体应为 JSON 对象"})
    payload = dict(payload)
    payload.pop("id", None)
    version = payload.pop("version", None)
    if version is not None and version != expert.version:
        raise Conflict("该专家信息已被他人修改，请刷新后重试", code="stale_version",
                       details={"current_version": expert.version, "current": expert.to_dict()})
    before = expert.to_dict()
    merged = {k: before[k] for k in EDITABLE} | payload
    data = parse(ExpertIn, merged)
    if not perm.can_manage_pool(user, data.tier, data.region_code):
        raise Forbidden("不能将专家移出本级、本辖区的专家库")
    _check_employer_org(data)
    _check_unique_phone(data.tier, data.phone, exclude_id=expert.id)
    _apply(expert, data)
    after = expert.to_dict()
    old, new = audit.changes({k: before[k] for k in EDITABLE}, {k: after[k] for k in EDITABLE})
    if new:
        expert.version += 1
        db.session.flush()
        changed = "、".join(FIELD_LABELS.get(k, k) for k in new)
        audit.record("update", "expert", expert.id, f"修改专家 {expert.name}：{changed}", before=old, after=new)
    return expert


def set_status(user, expert: Expert, status: str, version: int | None = None) -> Expert:
    lock(expert)
    return update_expert(user, expert, {"status": status, "version": version})


def _apply(expert: Expert, data: ExpertIn) -> None:
    for field in EDITABLE:
        if field != "specialties":
            setattr(expert, field, getattr(data, field))
    expert.specialties = data.specialties


def add_conflict(user, expert: Expert, payload: dict) -> ConflictDeclaration:
    lock(expert)
    if not perm.can_maintain_declarations(user, expert):
        raise Forbidden("只能维护本人或本辖区专家的回避申报")
    data = parse(ConflictIn, payload)
    if not _id_ok(data.organization_id) or (data.organization_id is not None
                                            and db.session.get(Organization, data.organization_id) is None):
        raise ValidationFailed({"organization_id": "单位不存在"})
    if not _id_ok(data.case_id):
        raise ValidationFailed({"case_id": "信访事项编号无效"})
    case_id = data.case_id
    if data.case_number:
        # A declaration names a case the expert knows of, visible to them or not: the number is enough.
        found = db.session.scalar(select(Case.id).where(Case.case_number == data.case_number))
        if found is None or (case_id is not None and case_id != found):
            raise ValidationFailed({"case_number": f"没有编号为 {data.case_number} 的信访事项（格式如 320102-2026-00001）"})
        case_id = found
    row = ConflictDeclaration(expert=expert, created_by_id=getattr(user, "id", None),
                              **data.model_dump(exclude={"case_number", "case_id"}), case_id=case_id)
    db.session.add(row)
    db.session.flush()
    audit.record("create", "conflict", row.id, f"专家 {expert.name} 申报回避：{data.reason}", after=row.to_dict(),
                 subject=f"expert:{expert.id}")
    return row


def delete_conflict(user, expert: Expert, conflict_id: int) -> None:
    lock(expert)
    if not perm.can_maintain_declarations(user, expert):
        raise Forbidden("只能维护本人或本辖区专家的回避申报")
    row = db.session.get(ConflictDeclaration, conflict_id) if _id_ok(conflict_id) else None
    if row is None or row.expert_id != expert.id:
        raise NotFound("回避申报不存在")
    audit.record("delete", "conflict", row.id, f"专家 {expert.name} 撤回回避申报", before=row.to_dict(),
                 subject=f"expert:{expert.id}")
    db.session.delete(row)


def add_unavailability(user, expert: Expert, payload: dict) -> Unavailability:
    lock(expert)
    if not perm.can_maintain_declarations(user, expert):
        raise Forbidden("只能维护本人或本辖区专家的不可出席时段")
    data = parse(UnavailabilityIn, payload)
    errors: dict[str, str] = {}
    times = {}
    for field in ("start", "end"):
        try:
            times[field] = parse_datetime(getattr(data, field))
        except ValueError:
            errors[field] = "时间格式应为 ISO 8601，如 2026-12-08T09:30:00+08:00"
            continue
        if not 2000 <= times[field].year <= 2100:  # also keeps the UTC conversion in range
            errors[field] = "时间应在 2000 年至 2100 年之间"
    if not errors and times["end"] <= times["start"]:
        errors["end"] = "结束时间应晚于开始时间"
    if errors:
        raise ValidationFailed(errors)
    row = Unavailability(expert=expert, start=times["start"], end=times["end"], reason=data.reason)
    db.session.add(row)
    db.session.flush()
    audit.record("create", "unavailability", row.id, f"专家 {expert.name} 登记不可出席时段", after=row.to_dict(),
                 subject=f"expert:{expert.id}")
    return row


def delete_unavailability(user, expert: Expert, row_id: int) -> None:
    lock(expert)
    if not perm.can_maintain_declarations(user, expert):
        raise Forbidden("只能维护本人或本辖区专家的不可出席时段")
    row = db.session.get(Unavailability, row_id) if _id_ok(row_id) else None
    if row is None or row.expert_id != expert.id:
        raise NotFound("不可出席时段不存在")
    audit.record("delete", "unavailability", row.id, f"专家 {expert.name} 删除不可出席时段", before=row.to_dict(),
                 subject=f"expert:{expert.id}")
    db.session.delete(row)


def history(expert: Expert) -> list:
    """Audit entries about this expert and its declarations, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.subject == f"expert:{expert.id}").order_by(AuditEntry.id.desc())
    return list(db.session.execute(stmt).scalars())


def pool_statistics(user) -> dict:
    """Counts by tier, specialty and status over the experts ``user`` may see."""
    visible = perm.visible_experts_clause(user)
    by_tier = dict(db.session.execute(select(Expert.tier, func.count()).where(visible).group_by(Expert.tier)).all())
    by_status = dict(db.session.execute(select(Expert.status, func.count()).where(visible).group_by(Expert.status)).all())
    by_specialty = dict(db.session.execute(
        select(ExpertSpecialty.specialty, func.count())
        .join(Expert, Expert.id == ExpertSpecialty.expert_id)
        .where(visible, Expert.status == "active")
        .group_by(ExpertSpecialty.specialty)
    ).all())
    return {"by_tier": by_tier, "by_status": by_status, "by_specialty": by_specialty, "total": sum(by_tier.values())}
