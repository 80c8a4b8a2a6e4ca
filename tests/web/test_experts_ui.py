"""Expert-pool pages: list and filters, create, detail, edit with optimistic concurrency, status
changes, conflict declarations, unavailability, history, access per role, CSRF and escaping."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.experts.models import Expert
from app.extensions import db


def form_data(**overrides) -> dict:
    data = {
        "name": "周立新", "tier": "municipal", "region_code": "320100", "employer": "江苏某律师事务所",
        "employer_organization_id": "", "title": "律师", "specialties": ["civil_law", "medical_law"],
        "phone": "13812345678", "email": "zhou@example.cn", "status": "active", "term_end": "2028-12-31",
        "max_open_consultations": "3",
    }
    data.update(overrides)
    return data


def page(resp) -> str:
    return resp.get_data(as_text=True)


def count_experts() -> int:
    return db.session.execute(select(func.count()).select_from(Expert)).scalar_one()


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(rf'value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def edit_data(expert: Expert, **overrides) -> dict:
    data = form_data(name=expert.name, tier=expert.tier, region_code=expert.region_code, employer=expert.employer,
                     title=expert.title, specialties=expert.specialties, phone=expert.phone, email=expert.email,
                     status=expert.status, term_end=expert.term_end.isoformat() if expert.term_end else "",
                     max_open_consultations=str(expert.max_open_consultations), version=str(expert.version))
    data.update(overrides)
    return data


# ------------------------------------------------------------------ access

def test_anonymous_is_sent_to_sign_in(client, world):
    for url in ["/experts", "/experts/new", f"/experts/{world.e_nj.id}", "/experts/import"]:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
    resp = client.post("/experts/new", data=form_data())
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert count_experts() == 4


@pytest.mark.parametrize("who", ["agency_user", "expert_user"])
def test_list_create_import_export_refused_to_agency_and_expert(client, world, login, who):
    login(getattr(world, who))
    for url in ["/experts", "/experts/new", "/experts/import", "/experts/export?format=csv", "/experts/import/template"]:
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert "无权" in page(resp)
    assert client.post("/experts/new", data=form_data()).status_code == 403
    assert count_experts() == 4


def test_officer_of_hangzhou_gets_404_on_nanjing_expert(client, world, login):
    login(world.officer_hz)
    eid = world.e_nj.id
    assert client.get(f"/experts/{eid}").status_code == 404
    assert client.get(f"/experts/{eid}/edit").status_code == 404
    assert client.post(f"/experts/{eid}/edit", data=edit_data(world.e_nj, employer="改掉")).status_code == 404
    assert client.post(f"/experts/{eid}/status", data={"status": "retired"}).status_code == 404
    assert client.post(f"/experts/{eid}/conflicts", data={"person_name": "某人", "reason": "亲属"}).status_code == 404
    listing = page(client.get("/experts"))
    assert "李秀英" in listing and "王建国" not in listing
    db.session.expire_all()
    expert = db.session.get(Expert, eid)
    assert expert.employer == "南京大学法学院" and expert.status == "active" and not expert.conflicts


def test_provincial_officer_reads_but_cannot_edit_municipal_expert(client, world, login):
    login(world.officer_js)
    eid = world.e_nj.id
    resp = client.get(f"/experts/{eid}")
    assert resp.status_code == 200
    assert f"/experts/{eid}/edit" not in page(resp)
    assert client.get(f"/experts/{eid}/edit").status_code == 403
    assert client.post(f"/experts/{eid}/status", data={"status": "suspended", "version": "1"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Expert, eid).status == "active"


def test_expert_sees_only_own_record_and_maintains_own_declarations(client, world, login):
    login(world.expert_user)
    own = world.e_nj.id
    resp = client.get(f"/experts/{own}")
    assert resp.status_code == 200 and "王建国" in page(resp)
    assert f"/experts/{own}/edit" not in page(resp)
    assert "申报回避" in page(resp)
    assert client.get(f"/experts/{world.e_hz.id}").status_code == 404
    assert client.get(f"/experts/{own}/edit").status_code == 403
    assert client.post(f"/experts/{own}/status", data={"status": "retired", "version": "1"}).status_code == 403
    resp = client.post(f"/experts/{own}/conflicts", data={"organization_id": str(world.agency.id), "reason": "三年内曾在该单位任职"})
    assert resp.status_code == 302
    resp = client.get(resp.headers["Location"])
    assert "南京市住房保障和房产局" in page(resp) and "三年内曾在该单位任职" in page(resp)
    assert client.post(f"/experts/{world.e_hz.id}/conflicts", data={"person_name": "某", "reason": "x"}).status_code == 404


# ------------------------------------------------------------------ create

def test_create_through_form_stores_expert_and_specialty_filter_finds_it(client, world, login):
    login(world.officer_nj)
    resp = client.get("/experts/new")
    html = page(resp)
    assert resp.status_code == 200
    # an officer creates only in the office's own tier, in its region by default
    assert re.search(r'<select[^>]*name="tier"[^>]*>\s*<option selected value="municipal">', html) or 'value="municipal" selected' in html
    assert 'value="provincial"' not in html
    assert 'name="region_code"' in html and 'value="320100"' in html

    resp = client.post("/experts/new", data=form_data(employer_organization_id=str(world.agency.id)))
    assert resp.status_code == 302
    expert = db.session.execute(select(Expert).where(Expert.name == "周立新")).scalar_one()
    assert resp.headers["Location"].endswith(f"/experts/{expert.id}")
    assert expert.specialties == ["civil_law", "medical_law"]
    assert (expert.tier, expert.region_code, expert.phone, expert.employer_organization_id) == \
        ("municipal", "320100", "13812345678", world.agency.id)
    assert str(expert.term_end) == "2028-12-31" and expert.max_open_consultations == 3

    detail = page(client.get(resp.headers["Location"]))
    assert "已新增专家 周立新" in detail and "医疗卫生法" in detail and "南京市住房保障和房产局" in detail

    found = page(client.get("/experts?specialty=medical_law"))
    assert "周立新" in found and "王建国" not in found
    assert "周立新" not in page(client.get("/experts?specialty=labor_law"))


def test_create_shows_field_errors_inline_and_stores_nothing(client, world, login):
    login(world.officer_nj)
    resp = client.post("/experts/new", data=form_data(name="", phone="12345", region_code="320000", specialties=[],
                                                     term_end="明年", max_open_consultations="99", email="not-an-email"))
    html = page(resp)
    assert resp.status_code == 422
    assert "请填写姓名" in html and "请至少选择一个专业领域" in html
    assert count_experts() == 4
    # the form-level checks passed: the service's per-field messages appear next to the fields
    resp = client.post("/experts/new", data=form_data(phone="12345", region_code="320000", term_end="明年",
                                                     max_open_consultations="99", email="not-an-email"))
    html = page(resp)
    assert resp.status_code == 422
    assert "手机号码应为11位大陆手机号" in html
    assert "市级专家库的行政区划代码应为地市级代码" in html
    assert "日期格式应为 YYYY-MM-DD" in html
    assert "不能大于 20" in html
    assert "邮箱格式不正确" in html
    assert html.count("invalid-feedback") >= 5
    assert 'value="周立新"' in html  # input kept
    assert count_experts() == 4


def test_officer_cannot_create_outside_own_tier_or_jurisdiction(client, world, login):
    login(world.officer_nj)
    resp = client.post("/experts/new", data=form_data(tier="provincial", region_code="320000"))
    assert resp.status_code == 422 and "只能选择本单位所管理的专家库层级" in page(resp)
    resp = client.post("/experts/new", data=form_data(region_code="330100"))
    assert resp.status_code == 403 and "只能管理本级、本辖区的专家库" in page(resp)
    assert count_experts() == 4


def test_admin_may_create_in_any_tier(client, world, login):
    login(world.admin)
    html = page(client.get("/experts/new"))
    assert 'value="national"' in html and 'value="provincial"' in html
    resp = client.post("/experts/new", data=form_data(tier="provincial", region_code="330000"))
    assert resp.status_code == 302
    assert db.session.execute(select(Expert.tier).where(Expert.name == "周立新")).scalar_one() == "provincial"


def test_duplicate_phone_is_a_clear_conflict_showing_the_existing_expert(client, world, login):
    login(world.officer_nj)
    resp = client.post("/experts/new", data=form_data(phone=world.e_nj.phone))
    html = page(resp)
    assert resp.status_code == 409
    assert "同一层级专家库中已有使用该手机号码的专家" in html
    assert "王建国" in html and f"/experts/{world.e_nj.id}" in html
    assert count_experts() == 4


# ------------------------------------------------------------------ list

def test_list_filters_and_pagination(client, world, login, factory):
    for i in range(23):
        factory.expert(f"南京专家{i:02d}", employer="东南大学法学院" if i % 2 else "南京某律师事务所",
                       specialties=("labor_law",) if i < 5 else ("civil_law",), status="suspended" if i == 7 else "active")
    login(world.officer_nj)
    first = page(client.get("/experts"))
    assert "共 24 条" in first and "第 1/2 页" in first
    assert "南京专家00" in first and "李秀英" not in first  # 杭州 lies outside 江苏 jurisdiction
    thead = first[first.index("<thead"):first.index("</thead>")]
    for col in ("姓名", "层级", "行政区划", "工作单位", "职称", "专业领域", "状态", "聘期截止"):
        assert col in thead
    second = page(client.get("/experts?page=2"))
    assert "第 2/2 页" in second and second.count("data-expert-id=") == 4

    assert page(client.get("/experts?q=东南大学")).count("data-expert-id=") == 11
    assert page(client.get("/experts?q=南京专家0")).count("data-expert-id=") == 10
    labor = page(client.get("/experts?specialty=labor_law"))
    assert labor.count("data-expert-id=") == 5  # 陈志强 (江苏省) is outside a 南京 office's jurisdiction
    suspended = page(client.get("/experts?status=suspended"))
    assert suspended.count("data-expert-id=") == 1 and "南京专家07" in suspended
    assert page(client.get("/experts?tier=municipal&region_code=320100&per_page=50")).count("data-expert-id=") == 24
    # the pager keeps the filters
    assert "specialty=civil_law" in page(client.get("/experts?specialty=civil_law"))  # export links carry them
    paged = page(client.get("/experts?q=南京&per_page=20"))
    assert re.search(r'href="/experts\?[^"]*page=2[^"]*q=%E5%8D%97%E4%BA%AC|href="/experts\?[^"]*q=%E5%8D%97%E4%BA%AC[^"]*page=2', paged)


def test_list_bad_input_is_a_message_not_a_crash(client, world, login):
    login(world.officer_nat)
    for url in ["/experts?page=abc", "/experts?page=-3", "/experts?per_page=zzz", "/experts?per_page=100000", "/experts?page=999"]:
        assert client.get(url).status_code == 200, url
    resp = client.get("/experts?specialty=bogus&tier=city")
    html = page(resp)
    assert resp.status_code == 422
    assert "专业领域：未知的专业领域" in html and "层级：未知的层级" in html
    resp = client.get("/experts?region_code=abc")
    assert resp.status_code == 422 and "行政区划代码应为数字" in page(resp)
    assert client.get("/experts?q=" + "长" * 500).status_code == 200


def test_national_officer_sees_all_regions(client, world, login):
    login(world.officer_nat)
    html = page(client.get("/experts"))
    for name in ("王建国", "李秀英", "陈志强", "赵文华"):
        assert name in html


def test_user_data_is_escaped(client, world, login, factory):
    factory.expert('<script>alert("x")</script>', employer="<b>单位</b>")
    login(world.officer_nj)
    for url in ["/experts", f"/experts/{world.e_nj.id + 4}"]:
        html = page(client.get(url))
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html
        assert "<b>单位</b>" not in html


# ------------------------------------------------------------------ export from the list

def test_export_keeps_filters_and_is_audited(client, world, login, factory):
    factory.expert("刘医生", specialties=("medical_law",))
    login(world.officer_nj)
    html = page(client.get("/experts?specialty=medical_law"))
    assert "/experts/export?format=csv&amp;specialty=medical_law" in html or "/experts/export?specialty=medical_law&amp;format=csv" in html
    resp = client.get("/experts/export?format=csv&specialty=medical_law")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["姓名", "层级", "行政区划代码"]
    assert [r[0] for r in rows[1:]] == ["刘医生"]
    resp = client.get("/experts/export?format=xlsx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    assert db.session.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export")).scalar_one() == 2
    assert client.get("/experts/export?format=pdf").status_code == 422
    resp = client.get("/experts/export?format=csv&specialty=bogus")
    assert resp.status_code == 422 and "未知的专业领域" in page(resp)


# ------------------------------------------------------------------ edit, history, status

def test_edit_saves_and_history_shows_readable_before_and_after(client, world, login):
    login(world.officer_nj)
    expert = world.e_nj
    html = page(client.get(f"/experts/{expert.id}/edit"))
    assert 'name="version"' in html and hidden_value(html, "version") == "1"
    changed = edit_data(expert, employer="东南大学法学院", specialties=["administrative_law", "petition_policy"], status="suspended")
    resp = client.post(f"/experts/{expert.id}/edit", data=changed)
    assert resp.status_code == 302
    db.session.expire_all()
    expert = db.session.get(Expert, expert.id)
    assert (expert.employer, expert.specialties, expert.status, expert.version) == \
        ("东南大学法学院", ["administrative_law", "petition_policy"], "suspended", 2)
    detail = page(client.get(f"/experts/{expert.id}"))
    assert "已保存对专家 王建国 的修改" in detail
    history = detail[detail.index('id="history"'):]
    assert "测试用户（officer_nj）" in history and "修改专家" in history
    assert "工作单位" in history and "南京大学法学院" in history and "东南大学法学院" in history
    assert "专业领域" in history and "行政法与行政诉讼、信访政策" in history
    assert "状态" in history and "在库" in history and "暂停" in history
    # saving without changes keeps the version
    resp = client.post(f"/experts/{expert.id}/edit", data=edit_data(expert))
    assert resp.status_code == 302
    assert "未作任何修改" in page(client.get(resp.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).version == 2


def test_edit_with_stale_version_shows_conflict_and_does_not_overwrite(client, world, login, app):
    expert = world.e_nj
    login(world.officer_nj)
    stale_form = edit_data(expert, employer="我的修改：东南大学", version="1")
    # someone else saves first (another browser)
    other = app.test_client()
    assert other.post("/login", data={"username": "admin1", "password": "Passw0rd-test"}).status_code == 302
    assert other.post(f"/experts/{expert.id}/edit", data=edit_data(expert, title="二级教授", version="1")).status_code == 302

    resp = client.post(f"/experts/{expert.id}/edit", data=stale_form)
    html = page(resp)
    assert resp.status_code == 409
    assert "该专家信息已被他人修改" in html
    assert "二级教授" in html  # the other person's current values
    assert html.count("data-differs") == 2  # 职称 (theirs) and 工作单位 (mine) differ from what was submitted
    assert 'value="我的修改：东南大学"' in html  # nothing the user typed is lost
    assert hidden_value(html, "version") == "2"
    db.session.expire_all()
    current = db.session.get(Expert, expert.id)
    assert (current.employer, current.title, current.version) == ("南京大学法学院", "二级教授", 2)
    # saving again, knowingly, against the version now shown
    resp = client.post(f"/experts/{expert.id}/edit", data=dict(stale_form, version=hidden_value(html, "version")))
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).employer == "我的修改：东南大学"


def test_edit_validation_errors_are_inline(client, world, login):
    login(world.officer_nj)
    expert = world.e_nj
    resp = client.post(f"/experts/{expert.id}/edit", data=edit_data(expert, phone="abc", region_code="330100"))
    assert resp.status_code == 422 and "手机号码应为11位大陆手机号" in page(resp)
    resp = client.post(f"/experts/{expert.id}/edit", data=edit_data(expert, region_code="330100"))
    assert resp.status_code == 403 and "不能将专家移出本级、本辖区的专家库" in page(resp)
    resp = client.post(f"/experts/{expert.id}/edit", data=edit_data(expert, employer_organization_id="999999"))
    assert resp.status_code == 422 and "请从列表中选择" in page(resp)
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).region_code == "320100"


def test_status_suspend_resume_retire_with_confirmation(client, world, login):
    login(world.officer_nj)
    eid = world.e_nj.id
    html = page(client.get(f"/experts/{eid}"))
    assert 'data-confirm="确定暂停专家 王建国？' in html and 'data-confirm="确定退出专家 王建国？' in html
    resp = client.post(f"/experts/{eid}/status", data={"status": "suspended", "version": "1"})
    assert resp.status_code == 302
    assert "已将专家 王建国 的状态改为“暂停”" in page(client.get(resp.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(Expert, eid).status == "suspended"
    # a button from a page shown before that change is refused
    resp = client.post(f"/experts/{eid}/status", data={"status": "retired", "version": "1"})
    assert "该专家信息已被他人修改" in page(client.get(resp.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(Expert, eid).status == "suspended"
    html = page(client.get(f"/experts/{eid}"))
    assert "确定恢复专家 王建国" in html
    assert client.post(f"/experts/{eid}/status", data={"status": "active", "version": "2"}).status_code == 302
    assert client.post(f"/experts/{eid}/status", data={"status": "bogus", "version": "3"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, eid).status == "active"


# ------------------------------------------------------------------ declarations

def test_conflict_declarations_add_validate_withdraw(client, world, login):
    login(world.officer_nj)
    eid = world.e_nj.id
    resp = client.post(f"/experts/{eid}/conflicts", data={"reason": "没有对象"})
    html = page(resp)
    assert resp.status_code == 422 and "请至少填写利益冲突的单位、人员或信访事项之一" in html
    assert "<details class=\"declaration-form\" open" in html
    resp = client.post(f"/experts/{eid}/conflicts", data={"person_name": "张三", "case_number": "abc", "reason": "近亲属"})
    assert resp.status_code == 422 and "没有编号为 abc 的信访事项" in page(resp)
    resp = client.post(f"/experts/{eid}/conflicts", data={"person_name": "张三", "reason": "系信访人近亲属"})
    assert resp.status_code == 302
    html = page(client.get(f"/experts/{eid}"))
    assert "人员：张三" in html and "系信访人近亲属" in html
    cid = int(re.search(r'data-conflict-id="(\d+)"', html).group(1))
    assert "申报回避" in html[html.index('id="history"'):]
    resp = client.post(f"/experts/{eid}/conflicts/{cid}/withdraw")
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, eid).conflicts == []
    assert client.post(f"/experts/{eid}/conflicts/{cid}/withdraw").status_code == 404
    history = page(client.get(f"/experts/{eid}"))
    assert "撤回回避申报" in history


def test_unavailability_is_read_as_shanghai_time(client, world, login):
    login(world.expert_user)
    eid = world.e_nj.id
    resp = client.post(f"/experts/{eid}/unavailability", data={"start": "2026-12-08T09:30", "end": "2026-12-08T12:00", "reason": "开庭"})
    assert resp.status_code == 302
    db.session.expire_all()
    row = db.session.get(Expert, eid).unavailability[0]
    assert row.start == datetime(2026, 12, 8, 1, 30, tzinfo=UTC)
    html = page(client.get(f"/experts/{eid}"))
    assert "2026-12-08 09:30" in html and "2026-12-08 12:00" in html and "开庭" in html
    resp = client.post(f"/experts/{eid}/unavailability", data={"start": "2026-12-08T09:30", "end": "2026-12-08T08:00"})
    assert resp.status_code == 422 and "结束时间应晚于开始时间" in page(resp)
    resp = client.post(f"/experts/{eid}/unavailability", data={"start": "", "end": "明天"})
    assert resp.status_code == 422 and "请填写开始时间" in page(resp)
    resp = client.post(f"/experts/{eid}/unavailability/{row.id}/delete")
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, eid).unavailability == []


# ------------------------------------------------------------------ CSRF

def test_post_without_csrf_token_is_refused(client, world, login, app, monkeypatch):
    login(world.officer_nj)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    resp = client.post("/experts/new", data=form_data(), headers={"Referer": "http://localhost/experts/new"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/experts/new")
    assert "页面已过期或表单校验失败" in page(client.get("/experts/new"))
    assert count_experts() == 4
    assert client.post(f"/experts/{world.e_nj.id}/status", data={"status": "retired", "version": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, world.e_nj.id).status == "active"
    # with the page's token the same post goes through
    token = hidden_value(page(client.get("/experts/new")), "csrf_token")
    resp = client.post("/experts/new", data=form_data(csrf_token=token))
    assert resp.status_code == 302 and "/experts/" in resp.headers["Location"]
    assert count_experts() == 5


def test_hostile_input_is_refused_cleanly_on_every_backend(client, world, login):
    """Out-of-range ids and page numbers, NUL characters and absurd dates: a 404 or a message,
    never a database error (PostgreSQL refuses what SQLite would swallow)."""
    login(world.officer_nj)
    eid = world.e_nj.id
    assert client.get("/experts/99999999999999999999").status_code == 404
    assert client.post(f"/experts/{eid}/conflicts/99999999999999999/withdraw").status_code == 404
    assert client.post(f"/experts/{eid}/unavailability/4294967296/delete").status_code == 404
    assert client.get("/experts?page=99999999999999999999").status_code == 200
    assert client.get("/experts?q=%25%00").status_code == 422  # control characters are refused (input_guard)
    resp = client.post(f"/experts/{eid}/conflicts", data={"case_number": "99999999999999", "reason": "x"})
    assert resp.status_code == 422 and "没有编号为 99999999999999 的信访事项" in page(resp)
    resp = client.post(f"/experts/{eid}/unavailability", data={"start": "0001-01-01T00:00", "end": "0001-01-01T01:00"})
    assert resp.status_code == 422 and "时间应在 2000 年至 2100 年之间" in page(resp)
    resp = client.post("/experts/new", data=form_data(name="周\x00立新", employer="律所\x00"))
    assert resp.status_code == 422 and "控制字符" in page(resp)
    assert db.session.execute(select(Expert.employer).where(Expert.name == "周立新")).scalar_one_or_none() is None
