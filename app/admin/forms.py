"""Admin forms. They collect input only: the rules live in the services (app.orgs.services,
app.auth.accounts), whose per-field errors are shown on these forms (see util.apply_errors)."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.audit.actions import ACTIONS
from app.auth.accounts import ROLE_ORG_KIND
from app.timeutil import date_problem
from expert_pool.codes import ORG_KINDS, ORG_TIERS, ROLES

AUDIT_OBJECT_LABELS_EXTRA = {"audit_log": "审计日志"}

ACTIVE_CHOICES = {"": "全部", "1": "启用", "0": "停用"}


def password_policy_text() -> str:
    """The policy of app.auth.services.password_problems, in words, for help texts."""
    min_len = current_app.config.get("PASSWORD_MIN_LENGTH", 10)
    return f"密码至少 {min_len} 位，须同时包含字母和数字，且不能包含用户名。"


def optional_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class LocalDateField(DateField):
    """A date field whose parse error is in Chinese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(date_problem(valuelist[0] if valuelist else "")) from None


class OrganizationForm(FlaskForm):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称"), Length(max=120)])
    kind = SelectField("单位类型", choices=dict(ORG_KINDS), validate_choice=False)
    tier = SelectField("层级", choices=dict(ORG_TIERS), validate_choice=False)
    region_code = StringField("行政区划", validators=[DataRequired("请选择行政区划")],
                              render_kw={"maxlength": 6, "inputmode": "numeric", "placeholder": "如 320100"})
    parent_id = SelectField("上级单位", choices={}, validate_choice=False)
    doc_prefix = StringField("发文字号前缀", validators=[Optional(), Length(max=20)],
                             render_kw={"placeholder": "如 宁信专审（信访部门出具意见书时使用）"})
    print_issuer_mark = BooleanField("意见书印制发文机关标志（信函格式，红色机关名称）")
    issuer_mark = StringField("发文机关标志文字", validators=[Optional(), Length(max=60)],
                              render_kw={"placeholder": "留空则使用单位名称"})

    def payload(self) -> dict:
        return {
            "name": (self.name.data or "").strip(),
            "kind": self.kind.data,
            "tier": self.tier.data,
            "region_code": (self.region_code.data or "").strip(),
            "parent_id": optional_int(self.parent_id.data),
            "doc_prefix": (self.doc_prefix.data or "").strip() or None,
            "print_issuer_mark": bool(self.print_issuer_mark.data),
            "issuer_mark": (self.issuer_mark.data or "").strip() or None,
        }


class UserCreateForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)],
                           render_kw={"autocomplete": "off", "placeholder": "字母、数字、下划线、点或连字符"})
    display_name = StringField("姓名", validators=[Length(max=64)])
    email = StringField("邮箱（接收会商通知）", validators=[Length(max=120)], render_kw={"type": "email"})
    role = SelectField("角色", choices=dict(ROLES), default="officer", validate_choice=False)
    organization_id = SelectField("所属单位", choices={}, validate_choice=False)
    expert_id = SelectField("关联专家（专家角色必选）", choices={}, validate_choice=False)
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码"), Length(max=128)],
                             render_kw={"autocomplete": "new-password"})

    def payload(self) -> dict:
        return {
            "username": (self.username.data or "").strip(),
            "display_name": (self.display_name.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "role": self.role.data,
            "organization_id": optional_int(self.organization_id.data),
            "expert_id": optional_int(self.expert_id.data),
            "password": self.password.data or "",
        }


class UserEditForm(FlaskForm):
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=64)])
    email = StringField("邮箱（接收会商通知）", validators=[Length(max=120)], render_kw={"type": "email"})
    organization_id = SelectField("所属单位", choices={}, validate_choice=False)
    is_active = BooleanField("账号启用（停用后无法登录，已签发的 API 令牌也随即失效）")

    def payload(self) -> dict:
        return {
            "display_name": (self.display_name.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "organization_id": optional_int(self.organization_id.data),
            "is_active": bool(self.is_active.data),
        }


class PasswordResetForm(FlaskForm):
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=128)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"),
                                                  EqualTo("password", "两次输入的密码不一致")],
                            render_kw={"autocomplete": "new-password"})


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("用户名/姓名")
    role = SelectField("角色", choices={"": "全部角色", **ROLES}, validate_choice=False)
    organization_id = SelectField("单位", choices={}, validate_choice=False)
    active = SelectField("状态", choices=ACTIVE_CHOICES, validate_choice=False)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField("操作人")
    action = SelectField("操作", choices={"": "全部操作", **ACTIONS}, validate_choice=False)
    object_type = SelectField("对象类型", choices={}, validate_choice=False)
    date_from = LocalDateField("起始日期", validators=[Optional()])
    date_to = LocalDateField("截止日期", validators=[Optional()])
    q = StringField("摘要关键字")


def role_org_hint() -> dict[str, str]:
    """Which organization kind each role belongs to, for the user form's help text."""
    return {role: ORG_KINDS[kind] for role, kind in ROLE_ORG_KIND.items()}
