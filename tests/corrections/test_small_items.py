"""Issue 9, item 12: export names in China time, the petitioner hint, the conflict form by case
number with distinct ids, impossible dates named as such, case search by a full ID number."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import unquote

from app.experts.models import ConflictDeclaration
from app.extensions import db
from app.timeutil import date_problem
from tests.web.test_experts_ui import form_data

ID_NUMBER = "11010519491231002X"


def _download_name(resp) -> str:
    return unquote(resp.headers["Content-Disposition"].split("filename*=UTF-8''")[1])


def test_export_names_use_china_time(client, world, login, monkeypatch):
    # 2026-12-05 23:30 UTC is already 12-06 in China: every export is named 20261206.
    import app.timeutil as timeutil

    class Late(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 5, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(timeutil, "datetime", Late)
    login(world.officer_nj)
    assert _download_name(client.get("/experts/export?format=xlsx")) == "专家名册_20261206.xlsx"
    assert _download_name(client.get("/cases/export")) == "信访事项台账_20261206.xlsx"


def test_petitioner_hint_says_the_id_number_is_required(client, world, login):
    login(world.agency_user)
    html = client.get("/cases/new").get_data(as_text=True)
    assert "姓名和身份证号码必填" in html and "不需要的空行留空即可" not in html


def test_conflict_form_takes_the_case_number_and_ids_are_unique(client, world, login, case):
    login(world.officer_nj)
    eid = world.e_nj.id
    html = client.get(f"/experts/{eid}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'name="case_number"' in html and "信访事项编号（ID）" not in html
    resp = client.post(f"/experts/{eid}/conflicts", data={"case_number": "320100-2026-99999", "reason": "近亲属"})
    assert resp.status_code == 422 and "没有编号为 320100-2026-99999 的信访事项" in resp.get_data(as_text=True)
    resp = client.post(f"/experts/{eid}/conflicts", data={"case_number": case.case_number, "reason": "系信访人近亲属"})
    assert resp.status_code == 302
    row = db.session.query(ConflictDeclaration).filter_by(expert_id=eid).one()
    assert row.case_id == case.id
    assert f"信访事项：{case.case_number}" in client.get(f"/experts/{eid}").get_data(as_text=True)


def test_an_impossible_date_is_not_called_a_format_error(client, world, login, api):
    assert date_problem("2028-02-30") == "日期不存在：2028 年 2 月只有 29 天"
    assert date_problem("2027-02-29") == "日期不存在：2027 年 2 月只有 28 天"
    assert date_problem("2028-13-01") == "日期不存在：没有 13 月"
    assert date_problem("2028/02/30") == "日期格式应为 YYYY-MM-DD"
    login(world.officer_nj)
    resp = client.post("/experts/new", data=form_data(term_end="2028-02-30"))
    assert resp.status_code == 422 and "日期不存在：2028 年 2 月只有 29 天" in resp.get_data(as_text=True)
    body = form_data(term_end="2028-02-30", specialties=["civil_law"], max_open_consultations=3)
    body.pop("employer_organization_id")
    err = client.post("/api/v1/experts", json=body, headers=api(world.officer_nj)).get_json()["error"]
    assert err["details"]["term_end"] == "日期不存在：2028 年 2 月只有 29 天"


def test_staff_find_a_case_by_a_petitioners_full_id_number(client, world, login, case, pool):
    case.petitioners[0].id_number = ID_NUMBER
    db.session.commit()
    login(world.officer_nj)
    assert case.case_number in client.get(f"/cases?q={ID_NUMBER}").get_data(as_text=True)
    assert case.case_number in client.get(f"/cases?q={ID_NUMBER.lower()}").get_data(as_text=True)
    assert case.case_number not in client.get("/cases?q=110105194912310021").get_data(as_text=True)
    client.post("/logout")
    login(world.agency_user)
    assert case.case_number in client.get(f"/cases?q={ID_NUMBER}").get_data(as_text=True)


def test_experts_do_not_search_by_id_number(world):
    from app.cases.queries import CaseFilters, list_query

    sql = str(list_query(world.expert_user, CaseFilters(q=ID_NUMBER)))
    assert "id_number" not in sql
    assert "id_number" in str(list_query(world.officer_nj, CaseFilters(q=ID_NUMBER)))
