"""Admin pages: organizations, users and the audit log — outcomes, inline errors, access, CSRF."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from app.orgs.models import Organization
from tests.conftest import PASSWORD

NEW_PASSWORD = "Renew2026pass"


def page(resp) -> str:
    return resp.get_data(as_text=True)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def org_form(**overrides) -> dict:
    data = {"name": "南京市江宁区信访局", "kind": "petition_office", "tier": "county", "region_code": "320115",
            "parent_id": "", "doc_prefix": ""}
    data.update(overrides)
    return data


def user_form(**overrides) -> dict:
    data = {"username": "zhang_wei", "display_name": "张伟", "email": "", "role": "officer", "organization_id": "",
            "expert_id": "", "password": "Xinfang2026ok"}
    data.update(overrides)
    return data


def invalid_feedback(html: str) -> list[str]:
    return re.findall(r'<div class="invalid-feedback d-block">([^<]*)</div>', html)


def admin_urls(world) -> list[tuple[str, str]]:
    """Every admin route (method, URL) — the blueprint's whole url map, so a new route is covered."""
    from flask import current_app

    ids = {"org_id": world.nj.id, "user_id": world.officer_nj.id}
    urls = []
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        url = rule.build({k: ids[k] for k in rule.arguments})[1]
        urls.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return urls


# ------------------------------------------------------------------ access

def test_every_admin_route_needs_an_admin(client, world, login):
    urls = admin_urls(world)
    assert len(urls) >= 11
    for method, url in urls:
        resp = client.open(url, method=method)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], (method, url)
    for user in (world.officer_nat, world.agency_user, world.expert_user):
        login(user)
        for method, url in urls:
            resp = client.open(url, method=method, data={})
            assert resp.status_code == 403, (user.username, method, url)
        client.post("/logout")
    login(world.admin)
    for method, url in urls:
        if method == "GET":
            assert client.get(url).status_code in (200, 302), url


def test_pages_load_no_external_assets_and_carry_csrf_tokens(app, client, world, login):
    login(world.admin)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in ["/admin/organizations", "/admin/organizations/new", f"/admin/organizations/{world.nj.id}/edit",
                    "/admin/users", "/admin/users/new", f"/admin/users/{world.officer_nj.id}/edit", "/admin/audit"]:
            resp = client.get(url)
            html = page(resp)
            assert resp.status_code == 200, url
            assert not re.search(r'(src|href|action)="(https?:)?//', html), url
            assert "<script>" not in html and "<script type" not in html, url
            for form in re.findall(r'<form[^>]*method="post".*?</form>', html, flags=re.S):
                assert "csrf_token" in form, (url, form[:200])
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_post_without_csrf_token_is_refused(app, client, world, login):
    login(world.admin)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        before = count(Organization)
        resp = client.post("/admin/organizations/new", data=org_form(parent_id=str(world.nj.id)))
        assert resp.status_code == 302
        assert count(Organization) == before
        resp = client.post("/admin/audit/verify")
        assert resp.status_code == 302
        assert "校验通过" not in page(client.get("/admin/audit"))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# ------------------------------------------------------------------ organizations

def test_organization_list_shows_hierarchy_and_region_names(client, world, login):
    login(world.admin)
    html = page(client.get("/admin/organizations"))
    assert html.index("国家信访局") < html.index("江苏省信访局") < html.index("南京市信访局")
    assert "江苏省南京市" in html and "320100" in html
    filtered = page(client.get("/admin/organizations?kind=handling_agency"))
    assert "南京市住房保障和房产局" in filtered and "江苏省信访局" not in filtered


def test_create_organization(client, world, login):
    login(world.admin)
    resp = client.post("/admin/organizations/new", data=org_form(parent_id=str(world.nj.id), doc_prefix="宁江信专审"))
    assert resp.status_code == 302, invalid_feedback(page(resp))
    org = db.session.execute(select(Organization).where(Organization.name == "南京市江宁区信访局")).scalar_one()
    assert (org.parent_id, org.tier, org.region_code, org.doc_prefix) == (world.nj.id, "county", "320115", "宁江信专审")
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "organization",
                                                        AuditEntry.object_id == org.id)).scalar_one()
    assert entry.action == "create" and entry.actor_name == world.admin.username
    assert "南京市江宁区信访局" in page(client.get("/admin/organizations"))


def test_invalid_region_code_is_shown_inline_and_nothing_is_created(client, world, login):
    login(world.admin)
    before = count(Organization)
    resp = client.post("/admin/organizations/new", data=org_form(region_code="990100", tier="municipal"))
    assert resp.status_code == 422
    html = page(resp)
    assert "省级代码 99 不存在" in " ".join(invalid_feedback(html))
    assert 'name="region_code"' in html and "is-invalid" in html
    assert count(Organization) == before


def test_child_outside_parent_region_is_refused(client, world, login):
    login(world.admin)
    resp = client.post("/admin/organizations/new",
                       data=org_form(name="杭州市西湖区信访局", region_code="330106", parent_id=str(world.nj.id)))
    assert resp.status_code == 422
    assert any("辖区" in e for e in invalid_feedback(page(resp)))
    assert db.session.execute(select(Organization).where(Organization.name == "杭州市西湖区信访局")).first() is None


def test_duplicate_organization_name_is_a_clear_conflict(client, world, login):
    login(world.admin)
    before = count(Organization)
    resp = client.post("/admin/organizations/new", data=org_form(name="南京市信访局", tier="municipal", region_code="320100"))
    assert resp.status_code == 409
    html = page(resp)
    assert 'class="alert alert-danger"' in html and "单位名称已存在" in html
    assert "单位名称已存在" in invalid_feedback(html)
    assert count(Organization) == before


def test_edit_organization(client, world, login):
    login(world.admin)
    url = f"/admin/organizations/{world.nj.id}/edit"
    html = page(client.get(url))
    assert 'value="南京市信访局"' in html
    data = org_form(name="南京市信访局", tier="municipal", region_code="320100", parent_id=str(world.js.id), doc_prefix="宁信专审")
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, world.nj.id).doc_prefix == "宁信专审"
    # A cycle (parent = own child) is refused inline.
    child = Organization(name="南京市鼓楼区信访局", kind="petition_office", tier="county", region_code="320106",
                         parent_id=world.nj.id)
    db.session.add(child)
    db.session.commit()
    resp = client.post(url, data={**data, "parent_id": str(child.id)})
    assert resp.status_code == 422
    assert any("上级单位" in e for e in invalid_feedback(page(resp)))


# ------------------------------------------------------------------ users

def test_user_list_filters(client, world, login):
    login(world.admin)
    html = page(client.get("/admin/users?role=officer"))
    assert "officer_nj" in html and "agency_nj" not in html
    html = page(client.get(f"/admin/users?organization_id={world.hz.id}"))
    assert "officer_hz" in html and "officer_nj" not in html
    world.agency_user.is_active_flag = False
    db.session.commit()
    html = page(client.get("/admin/users?active=0"))
    assert "agency_nj" in html and "officer_nj" not in html
    assert "expert_nj" in page(client.get("/admin/users?q=expert"))


def test_create_officer_who_can_then_sign_in(client, world, login):
    login(world.admin)
    html = page(client.get("/admin/users/new"))
    assert "密码至少 10 位" in html
    resp = client.post("/admin/users/new", data=user_form(organization_id=str(world.nj.id), email="zw@example.cn"))
    assert resp.status_code == 302, invalid_feedback(page(resp))
    user = db.session.execute(select(User).where(User.username == "zhang_wei")).scalar_one()
    assert (user.role, user.organization_id, user.display_name, user.email) == ("officer", world.nj.id, "张伟", "zw@example.cn")
    client.post("/logout")
    assert client.post("/login", data={"username": "zhang_wei", "password": "Xinfang2026ok"}).status_code == 302


def test_create_expert_account_links_the_expert(client, world, login):
    login(world.admin)
    html = page(client.get("/admin/users/new"))
    assert "李秀英" in html  # experts without an account are offered
    resp = client.post("/admin/users/new", data=user_form(username="li_xy", role="expert", expert_id=str(world.e_hz.id)))
    assert resp.status_code == 302, invalid_feedback(page(resp))
    assert db.session.execute(select(User.expert_id).where(User.username == "li_xy")).scalar_one() == world.e_hz.id
    # An expert account without an expert is refused inline.
    resp = client.post("/admin/users/new", data=user_form(username="no_expert", role="expert"))
    assert resp.status_code == 422
    assert "专家账号必须关联专家库记录" in invalid_feedback(page(resp))


def test_duplicate_username_is_shown(client, world, login):
    login(world.admin)
    before = count(User)
    resp = client.post("/admin/users/new", data=user_form(username="officer_nj", organization_id=str(world.nj.id)))
    assert resp.status_code == 409
    html = page(resp)
    assert "用户名已存在" in invalid_feedback(html)
    assert 'class="alert alert-danger"' in html
    assert count(User) == before


@pytest.mark.parametrize("password, message", [
    ("short1", "密码至少 10 位"),
    ("onlyletterspassword", "密码须同时包含字母和数字"),
    ("zhang_wei2026x", "密码不能包含用户名"),
])
def test_password_policy_errors_inline(client, world, login, password, message):
    login(world.admin)
    resp = client.post("/admin/users/new", data=user_form(organization_id=str(world.nj.id), password=password))
    assert resp.status_code == 422
    assert any(message in e for e in invalid_feedback(page(resp)))
    assert db.session.execute(select(User).where(User.username == "zhang_wei")).first() is None


def test_officer_must_belong_to_a_petition_office(client, world, login):
    login(world.admin)
    resp = client.post("/admin/users/new", data=user_form(organization_id=str(world.agency.id)))
    assert resp.status_code == 422
    assert "信访部门工作人员应属于信访部门" in invalid_feedback(page(resp))


def test_edit_user_and_disable(client, world, login):
    login(world.admin)
    url = f"/admin/users/{world.officer_nj.id}/edit"
    assert 'value="测试用户"' in page(client.get(url))
    resp = client.post(url, data={"profile-display_name": "王小明", "profile-email": "",
                                  "profile-organization_id": str(world.js.id)})  # unchecked box = disabled
    assert resp.status_code == 302, invalid_feedback(page(resp))
    db.session.expire_all()
    user = db.session.get(User, world.officer_nj.id)
    assert (user.display_name, user.organization_id, user.is_active) == ("王小明", world.js.id, False)
    client.post("/logout")
    assert client.post("/login", data={"username": "officer_nj", "password": PASSWORD}).status_code == 401


def test_admin_cannot_disable_themself(client, world, login):
    login(world.admin)
    resp = client.post(f"/admin/users/{world.admin.id}/edit",
                       data={"profile-display_name": "管理员", "profile-organization_id": ""})
    assert resp.status_code == 422
    assert "不能停用自己的账号" in page(resp)


def test_reset_password(client, world, login):
    login(world.admin)
    url = f"/admin/users/{world.agency_user.id}/password"
    resp = client.post(url, data={"pw-password": "abc", "pw-confirm": "abc"})
    assert resp.status_code == 422 and "密码至少 10 位" in page(resp)
    resp = client.post(url, data={"pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD + "x"})
    assert resp.status_code == 422 and "两次输入的密码不一致" in page(resp)
    resp = client.post(url, data={"pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "agency_nj", "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={"username": "agency_nj", "password": NEW_PASSWORD}).status_code == 302
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "user", AuditEntry.action == "update",
                                                        AuditEntry.object_id == world.agency_user.id)).scalar_one()
    assert entry.after["password"] == "（已重置）" and NEW_PASSWORD not in str(entry.after)


# ------------------------------------------------------------------ audit log

def test_audit_log_lists_and_filters(client, world, login):
    login(world.admin)
    client.post("/admin/organizations/new", data=org_form(parent_id=str(world.nj.id)))
    html = page(client.get("/admin/audit"))
    assert "新增单位 南京市江宁区信访局" in html and "登录" in html
    assert "查看变更内容" in html and "320115" in html  # the expandable before/after
    html = page(client.get("/admin/audit?action=create"))
    assert "新增单位" in html and "admin1 登录成功" not in html
    html = page(client.get("/admin/audit?actor=admin&object_type=organization&q=江宁"))
    assert "新增单位 南京市江宁区信访局" in html
    assert "没有符合条件的审计记录" in page(client.get("/admin/audit?q=不存在的内容"))
    assert "没有符合条件的审计记录" in page(client.get("/admin/audit?date_to=2000-01-01"))
    resp = client.get("/admin/audit?date_from=not-a-date")
    assert resp.status_code == 200 and "日期格式应为 YYYY-MM-DD" in page(resp)


def test_audit_log_paginates_newest_first(client, world, login):
    from app.audit import services as audit

    audit.record_batch([{"action": "update", "object_type": "expert", "object_id": i, "summary": f"批量条目{i:03d}"}
                        for i in range(120)])
    db.session.commit()
    login(world.admin)
    first = page(client.get("/admin/audit?q=批量条目"))
    assert "共 120 条" in first and first.index("批量条目119") < first.index("批量条目100")
    assert "批量条目000" not in first
    assert "批量条目000" in page(client.get("/admin/audit?q=批量条目&page=3"))


def test_verify_button_reports_ok_then_the_tampered_row(client, world, login):
    login(world.admin)
    client.post("/admin/organizations/new", data=org_form(parent_id=str(world.nj.id)))
    resp = client.post("/admin/audit/verify", follow_redirects=True)
    total = count(AuditEntry)
    assert "哈希链校验通过" in page(resp) and f"共 {total} 条" in page(resp)
    victim = db.session.execute(select(AuditEntry.id).where(AuditEntry.object_type == "organization")).scalar_one()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET summary = '篡改后的摘要' WHERE id = :id"), {"id": victim})
    resp = client.post("/admin/audit/verify", follow_redirects=True)
    html = page(resp)
    assert "哈希链校验失败" in html and f"第一条异常记录 ID {victim}（" in html


def test_export_filtered_log_to_xlsx_is_itself_audited(client, world, login):
    login(world.admin)
    client.post("/admin/organizations/new", data=org_form(parent_id=str(world.nj.id)))
    resp = client.get("/admin/audit/export?object_type=organization")
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in resp.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "时间（北京时间）", "操作人", "操作")
    assert len(rows) == 2 and rows[1][3] == "新增" and rows[1][4] == "单位" and "南京市江宁区信访局" in rows[1][7]
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "export")).scalar_one()
    assert entry.object_type == "audit_log" and entry.actor_name == world.admin.username
    assert entry.after == {"count": 1, "filters": {"object_type": "organization"}}
    from app.audit.services import verify

    assert verify().ok


def test_audit_filters_offer_the_workflow_actions_and_objects(client, world, login):
    from app.audit import services as audit

    audit.record("draw_panel", "consultation", 7, "随机抽取专家组", actor=world.admin, subject="case:1")
    db.session.commit()
    login(world.admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="draw_panel">随机抽取专家组</option>' in page  # the label of app.audit.actions
    assert '<option value="consultation">会商申请</option>' in page
    filtered = client.get("/admin/audit?action=draw_panel&object_type=consultation").get_data(as_text=True)
    assert "随机抽取专家组" in filtered
