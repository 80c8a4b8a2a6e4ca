"""Organizations: validated creation and editing, hierarchy rules."""

from __future__ import annotations

from sqlalchemy import select

from app.audit import services as audit
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.orgs.models import Organization
from app.orgs.schemas import OrganizationIn
from app.validation import parse
from expert_pool import regions
from expert_pool.codes import TIER_RANK

TIER_LEVEL_HINT = {
    "national": "国家级单位的行政区划代码应为 000000",
    "provincial": "省级单位的行政区划代码应为省级代码（后四位为0000）",
    "municipal": "市级单位的行政区划代码应为地市级代码（后两位为00）",
    "county": "县级单位的行政区划代码应为县级代码",
}


def _require_admin(user) -> None:
    if getattr(user, "role", None) != "admin":
        raise Forbidden("只有系统管理员可以管理单位")


def _validate_hierarchy(data: OrganizationIn, org_id: int | None = None) -> Organization | None:
    if regions.level(data.region_code) != data.tier:
        raise ValidationFailed({"region_code": TIER_LEVEL_HINT[data.tier]})
    parent = None
    if data.parent_id is not None:
        parent = db.session.get(Organization, data.parent_id)
        if parent is None:
            raise ValidationFailed({"parent_id": "上级单位不存在"})
        if org_id is not None and (parent.id == org_id or any(a.id == org_id for a in parent.ancestors())):
            raise ValidationFailed({"parent_id": "上级单位不能是本单位或其下级单位"})
        if not regions.contains(parent.region_code, data.region_code):
            raise ValidationFailed({"region_code": f"下级单位的行政区划应位于上级单位（{parent.region_code}）辖区内"})
        if TIER_RANK[data.tier] < TIER_RANK[parent.tier]:
            raise ValidationFailed({"tier": "下级单位的层级不能高于上级单位"})
    return parent


def _check_unique_name(name: str, org_id: int | None = None) -> None:
    stmt = select(Organization.id).where(Organization.name == name)
    if org_id:
        stmt = stmt.where(Organization.id != org_id)
    if db.session.execute(stmt).first():
        raise Conflict("单位名称已存在", code="duplicate", details={"name": "单位名称已存在"})


def create_organization(user, payload: dict) -> Organization:
    _require_admin(user)
    data = parse(OrganizationIn, payload)
    _validate_hierarchy(data)
    _check_unique_name(data.name)
    org = Organization(**data.model_dump())
    db.session.add(org)
    db.session.flush()
    audit.record("create", "organization", org.id, f"新增单位 {org.name}", after=org.to_dict())
    return org


def update_organization(user, org: Organization, payload: dict) -> Organization:
    _require_admin(user)
    before = org.to_dict()
    merged = {k: before[k] for k in OrganizationIn.model_fields} | {k: v for k, v in payload.items() if k != "id"}
    data = parse(OrganizationIn, merged)
    _validate_hierarchy(data, org.id)
    _check_unique_name(data.name, org.id)
    for key, value in data.model_dump().items():
        setattr(org, key, value)
    db.session.flush()
    old, new = audit.changes(before, org.to_dict())
    if new:
        audit.record("update", "organization", org.id, f"修改单位 {org.name}", before=old, after=new)
    return org


def get_organization(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound("单位不存在")
    return org
