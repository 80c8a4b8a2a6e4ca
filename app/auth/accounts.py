"""User accounts: creation and editing by admins (and the CLI), with role/organization rules."""

from __future__ import annotations

from typing import Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.audit import services as audit
from app.auth.models import User
from app.auth.services import password_problems, revoke_credentials
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.experts.models import Expert
from app.extensions import db
from app.orgs.models import Organization
from app.validation import parse

ROLE_ORG_KIND = {"officer": "petition_office", "agency": "handling_agency"}


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field(default="", max_length=64)
    email: str = Field(default="", max_length=120)
    role: Literal["admin", "officer", "agency", "expert"]
    organization_id: int | None = None
    expert_id: int | None = None


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    password: str | None = Field(default=None, max_length=128)
    display_name: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=120)
    organization_id: int | None = None
    is_active: bool | None = None


def _check_links(role: str, organization_id: int | None, expert_id: int | None, user_id: int | None = None) -> None:
    errors: dict[str, str] = {}
    if role in ROLE_ORG_KIND:
        org = db.session.get(Organization, organization_id) if organization_id else None
        if org is None:
            errors["organization_id"] = "该角色必须关联所属单位" if organization_id is None else "单位不存在"
        elif org.kind != ROLE_ORG_KIND[role]:
            errors["organization_id"] = "信访部门工作人员应属于信访部门" if role == "officer" else "经办人应属于有权处理机关"
    elif organization_id is not None and db.session.get(Organization, organization_id) is None:
        errors["organization_id"] = "单位不存在"
    if role == "expert":
        if expert_id is None:
            errors["expert_id"] = "专家账号必须关联专家库记录"
        elif db.session.get(Expert, expert_id) is None:
            errors["expert_id"] = "专家不存在"
        else:
            taken = db.session.execute(select(User.id).where(User.expert_id == expert_id)).scalar()
            if taken and taken != user_id:
                errors["expert_id"] = "该专家已有账号"
    elif expert_id is not None:
        errors["expert_id"] = "只有专家账号可以关联专家库记录"
    if errors:
        raise ValidationFailed(errors)


def _valid_email(value: str) -> str:
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationFailed({"email": "邮箱格式不正确"}) from None


def create_user(actor, payload: dict) -> User:
    """``actor`` None means the command line (trusted)."""
    if actor is not None and getattr(actor, "role", None) != "admin":
        raise Forbidden("只有系统管理员可以管理用户")
    data = parse(UserIn, payload)
    problems = password_problems(data.password, data.username)
    if problems:
        raise ValidationFailed({"password": "；".join(problems)})
    _check_links(data.role, data.organization_id, data.expert_id)
    if db.session.execute(select(User.id).where(User.username == data.username)).first():
        raise Conflict("用户名已存在", code="duplicate", details={"username": "用户名已存在"})
    email = _valid_email(data.email)
    user = User(username=data.username, display_name=data.display_name or data.username, role=data.role, email=email,
                organization_id=data.organization_id, expert_id=data.expert_id)
    user.set_password(data.password)
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, f"新增用户 {user.username}（{user.role_label}）", after=user.to_dict(), actor=actor)
    return user


def update_user(actor, user: User, payload: dict) -> User:
    if getattr(actor, "role", None) != "admin":
        raise Forbidden("只有系统管理员可以管理用户")
    data = parse(UserPatch, payload)
    before = user.to_dict()
    if data.password:
        problems = password_problems(data.password, user.username)
        if problems:
            raise ValidationFailed({"password": "；".join(problems)})
        user.set_password(data.password)
    if data.display_name:
        user.display_name = data.display_name
    if data.email is not None:
        user.email = _valid_email(data.email)
    if "organization_id" in payload:
        _check_links(user.role, data.organization_id, user.expert_id, user.id)
        user.organization_id = data.organization_id
    deactivated = data.is_active is False and user.is_active
    if data.is_active is not None:
        if user.id == actor.id and not data.is_active:
            raise ValidationFailed({"is_active": "不能停用自己的账号"})
        user.is_active_flag = data.is_active
    db.session.flush()
    old, new = audit.changes(before, user.to_dict())
    if data.password:
        new["password"] = "（已重置）"  # noqa: S105 (a label, not a secret)
    if new:
        audit.record("update", "user", user.id, f"修改用户 {user.username}", before=old, after=new)
    # Whoever held the old password (or the account before it was disabled) is signed out.
    if data.password or deactivated:
        revoke_credentials(user, "密码已重置" if data.password else "账号已停用")
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user
