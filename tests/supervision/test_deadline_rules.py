"""The handling deadline follows the deadline rules in force (issue 10): registration, edits,
extensions (through the cases API, the supervision API and the seed's direct path) and
``flask supervision recompute-deadlines`` after an office changes ``SUPERVISION_RULES``.

Dates checked by hand on the 2026 schedule of the installed ``chinesecalendar``: Mid-Autumn
25–27 Sep, National Day 1–7 Oct, make-up workdays Sunday 20 Sep and Saturday 10 Oct.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.cases import services as case_services
from app.cases.models import Case
from app.errors import Conflict, ValidationFailed
from tests.security.parallel import run_parallel_calls

ID_1 = "320102198001011238"
WORKING = {"handling": {"days": 10, "unit": "working"}, "extension": {"days": 5, "unit": "working"}}


@pytest.fixture
def rules(app, monkeypatch):
    """rules(overrides) sets SUPERVISION_RULES for this test (as JSON, as the environment gives it)."""
    def set_rules(overrides: dict) -> None:
        monkeypatch.setitem(app.config, "SUPERVISION_RULES", json.dumps(overrides))
    return set_rules


def register(client, headers, world, **overrides) -> dict:
    body = {"title": "某小区房屋征收补偿争议", "summary": "信访人反映补偿标准偏低", "claims": "要求按市场评估价补偿",
            "category": "land_expropriation", "region_code": "320102", "handling_org_id": world.agency.id,
            "petitioners": [{"name": "张三", "id_number": ID_1, "phone": "13812345678"}]} | overrides
    resp = client.post("/api/v1/cases", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def approve(client, api, world, case_id: int, days: int, via: str = "extensions") -> dict:
    """The agency asks (``via`` the supervision API or the cases API's older name), the office approves."""
    resp = client.post(f"/api/v1/cases/{case_id}/{via}", json={"days": days, "reason": "涉及多个部门，需补充调查"},
                       headers=api(world.agency_user))
    assert resp.status_code == 201, resp.get_json()
    resp = client.post(f"/api/v1/extensions/{resp.get_json()['id']}/decision", json={"approve": True, "note": "同意"},
                       headers=api(world.officer_nj))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def read(client, headers, case_id: int) -> dict:
    return client.get(f"/api/v1/cases/{case_id}", headers=headers).get_json()


def ledger_row(client, headers, case_number: str) -> dict:
    book = load_workbook(io.BytesIO(client.get("/api/v1/cases/export?format=xlsx", headers=headers).data)).active
    rows = list(book.iter_rows(values_only=True))
    found = [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == case_number]
    assert len(found) == 1
    return found[0]


def audit_of(db, case_id: int, action: str) -> list[AuditEntry]:
    return list(db.session.execute(select(AuditEntry).where(AuditEntry.subject == f"case:{case_id}",
                                                            AuditEntry.action == action).order_by(AuditEntry.id)).scalars())


# --------------------------------------------------------------------------- registration and edits


def test_a_case_registered_under_a_working_day_rule_gets_the_working_day_due_date(client, db, api, login, sup,
                                                                                  frozen_at, rules):
    rules(WORKING)
    frozen_at(date(2026, 9, 30))
    h = api(sup.agency_user)
    case = register(client, h, sup, accepted_on="2026-09-28")
    # 29, 30 Sep (2); 1–7 Oct National Day; Thu 8, Fri 9 (4); make-up Sat 10 (5); 12–16 Oct (10)
    assert (case["due_date"], case["extended_days"]) == ("2026-10-16", 0)
    assert register(client, h, sup)["due_date"] is None  # not accepted: no deadline yet

    # a corrected acceptance date is recomputed under the same rule, and the move is audited
    moved = client.patch(f"/api/v1/cases/{case['id']}", json={"version": case["version"], "accepted_on": "2026-09-29"},
                         headers=h).get_json()
    assert moved["due_date"] == "2026-10-19"  # 30 Sep (1); 8, 9, 10 Oct (4); 12–16 (9); Mon 19 (10)
    [update] = audit_of(db, case["id"], "update")
    assert update.before["due_date"] == "2026-10-16" and update.after["due_date"] == "2026-10-19"

    login(sup.agency_user)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "data-due-date>2026-10-19" in html and "10个工作日办理期限" in html and "不超过 5个工作日" in html
    assert ledger_row(client, h, case["case_number"])["办理期限"].date() == date(2026, 10, 19)


def test_without_overrides_the_regulation_applies(client, api, sup, frozen_at):
    frozen_at(date(2026, 9, 30))
    case = register(client, api(sup.agency_user), sup, accepted_on="2026-09-28")
    assert case["due_date"] == "2026-11-27"  # 60 calendar days


# --------------------------------------------------------------------------- extensions


def test_an_extension_through_the_cases_api_counts_in_the_rule_and_only_once(client, db, api, sup, frozen_at, rules):
    rules(WORKING)
    frozen_at(date(2026, 9, 30))
    h = api(sup.agency_user)
    case = register(client, h, sup, accepted_on="2026-09-28")
    url = f"/api/v1/cases/{case['id']}/extend"
    resp = client.post(url, json={"days": 6, "reason": "需补充调查核实"}, headers=h)
    assert resp.status_code == 422 and resp.get_json()["error"]["details"]["days"] == "延长期限不得超过5个工作日"

    decided = approve(client, api, sup, case["id"], 3, via="extend")
    assert decided["case_due_on"] == "2026-10-21"  # 16 Oct + Mon 19, Tue 20, Wed 21
    body = read(client, h, case["id"])
    assert (body["due_date"], body["extended_days"]) == ("2026-10-21", 3)
    resp = client.post(url, json={"days": 1, "reason": "再次申请延期"}, headers=h)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_extended"

    # correcting the acceptance date keeps the extension: 29 Sep + 13 working days
    moved = client.patch(f"/api/v1/cases/{case['id']}", json={"version": body["version"], "accepted_on": "2026-09-29"},
                         headers=h).get_json()
    assert (moved["due_date"], moved["extended_days"]) == ("2026-10-22", 3)
    row = ledger_row(client, h, case["case_number"])
    assert (row["办理期限"].date(), row["已延期天数"]) == (date(2026, 10, 22), 3)


def test_an_approved_extension_request_counts_in_the_rule_and_only_once(client, db, api, login, sup, frozen_at, rules):
    rules(WORKING)
    frozen_at(date(2026, 9, 30))
    h = api(sup.agency_user)
    case = register(client, h, sup, accepted_on="2026-09-28")
    decided = approve(client, api, sup, case["id"], 5)
    assert decided["due_before"] == "2026-10-16" and decided["due_after"] == "2026-10-23"  # 19–23 Oct
    body = read(client, h, case["id"])
    assert (body["due_date"], body["extended_days"]) == ("2026-10-23", 5)
    resp = client.post(f"/api/v1/cases/{case['id']}/extensions", json={"days": 1, "reason": "第二次申请延期"}, headers=h)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_extended"
    login(sup.agency_user)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "已延长 5 个工作日" in html and "data-extend-form" not in html


def test_the_longest_extension_is_the_extension_rule(client, login, api, sup, frozen_at, rules):
    rules({"extension": {"days": 45}})
    frozen_at(date(2026, 9, 1))
    h = api(sup.agency_user)
    case = register(client, h, sup, accepted_on="2026-08-03")
    assert case["due_date"] == "2026-10-02"
    login(sup.agency_user)
    html = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'max="45"' in html and 'value="45"' in html and "不超过 45日" in html
    resp = client.post(f"/api/v1/cases/{case['id']}/extensions", json={"days": 46, "reason": "需补充调查核实"}, headers=h)
    assert resp.get_json()["error"]["details"]["days"] == "延长期限不得超过45日"
    assert approve(client, api, sup, case["id"], 45)["due_after"] == "2026-11-16"  # 3 Aug + 105 days


def test_the_direct_extension_follows_the_rules_too(app, db, sup, frozen_at, rules):
    """``extend_deadline``, the demo seed's path, computes like an approval and also only once."""
    rules(WORKING)
    frozen_at(date(2026, 9, 30))
    case = case_services.create_case(sup.agency_user, {
        "title": "种子事项", "summary": "经过", "claims": "诉求", "category": "land_expropriation", "region_code": "320102",
        "handling_org_id": sup.agency.id, "petitioners": [{"name": "张三", "id_number": ID_1}], "accepted_on": "2026-09-28"})
    with pytest.raises(ValidationFailed) as err:
        case_services.extend_deadline(sup.agency_user, case, {"days": 6, "reason": "需补充调查"})
    assert err.value.fields == {"days": "延长期限不得超过5个工作日"}
    case_services.extend_deadline(sup.agency_user, case, {"days": 2, "reason": "需补充调查"})
    assert (case.due_date, case.extension_days) == (date(2026, 10, 20), 2)
    with pytest.raises(Conflict):
        case_services.extend_deadline(sup.agency_user, case, {"days": 1, "reason": "再次延期"})
    db.session.rollback()


# --------------------------------------------------------------------------- recompute-deadlines


def recompute(runner, *args: str) -> str:
    result = runner.invoke(args=["supervision", "recompute-deadlines", *args])
    assert result.exit_code == 0, result.output
    return result.output


def snapshot(db) -> dict[str, tuple]:
    db.session.expire_all()
    return {c.title: (c.due_date, c.extension_days, c.version) for c in db.session.execute(select(Case)).scalars()}


def four_cases(client, api, world) -> dict[str, dict]:
    """Under the default rules: plain, extended by 10 days, closed, not accepted."""
    h = api(world.agency_user)
    cases = {name: register(client, h, world, title=name, **({"accepted_on": acc} if acc else {}))
             for name, acc in (("plain", "2026-09-28"), ("extended", "2026-09-01"), ("closed", "2026-09-01"),
                               ("unaccepted", None))}
    approve(client, api, world, cases["extended"]["id"], 10)
    assert client.post(f"/api/v1/cases/{cases['closed']['id']}/close", json={"note": "已答复"}, headers=h).status_code == 200
    return cases


def test_recompute_deadlines_moves_open_cases_to_the_new_rule_once(client, db, api, runner, sup, frozen_at, rules):
    frozen_at(date(2026, 9, 30))
    cases = four_cases(client, api, sup)
    before = snapshot(db)
    assert before["plain"][:2] == (date(2026, 11, 27), 0) and before["extended"][:2] == (date(2026, 11, 10), 10)
    assert before["closed"][0] == date(2026, 10, 31) and before["unaccepted"][0] is None

    rules({"handling": {"days": 10, "unit": "working"}})
    out = recompute(runner, "--dry-run")
    assert "期限变更 2 件" in out and "试运行" in out and snapshot(db) == before

    out = recompute(runner)
    assert "未办结且已受理的事项 2 件，期限变更 2 件" in out and "10个工作日" in out
    after = snapshot(db)
    assert after["plain"] == (date(2026, 10, 16), 0, before["plain"][2] + 1)
    # 1 Sep + 20 working days, the extension kept: 2–4, 7–11, 14–18 Sep (13), make-up Sun 20 (14),
    # 21–24 (18), Mid-Autumn 25–27, 28, 29 (20)
    assert after["extended"] == (date(2026, 9, 29), 10, before["extended"][2] + 1)
    assert after["closed"] == before["closed"] and after["unaccepted"] == before["unaccepted"]

    for name, old, new in (("plain", "2026-11-27", "2026-10-16"), ("extended", "2026-11-10", "2026-09-29")):
        [entry] = audit_of(db, cases[name]["id"], "deadline_recompute")
        assert entry.before == {"due_date": old} and entry.after == {"due_date": new, "reason": "期限规则变更"}
        assert "期限规则变更" in entry.summary and f"{old} → {new}" in entry.summary
    assert audit_of(db, cases["closed"]["id"], "deadline_recompute") == []
    timeline = client.get(f"/api/v1/cases/{cases['plain']['id']}/timeline", headers=api(sup.agency_user)).get_json()
    assert timeline["items"][0]["action"] == "deadline_recompute"
    assert read(client, api(sup.agency_user), cases["extended"]["id"])["extended_days"] == 10

    # idempotent: nothing left to change, nothing audited
    assert "期限变更 0 件" in recompute(runner)
    assert snapshot(db) == after
    assert len(audit_of(db, cases["plain"]["id"], "deadline_recompute")) == 1


def test_two_recomputes_at_once_change_each_case_once(app, client, db, api, sup, frozen_at, rules):
    from app.supervision import recompute as job

    frozen_at(date(2026, 9, 30))
    cases = four_cases(client, api, sup)
    before = snapshot(db)
    rules({"handling": {"days": 10, "unit": "working"}})

    def once():
        job.recompute()
        db.session.commit()

    results = run_parallel_calls(app, [once, once])
    assert [r for _, r in results] == ["ok", "ok"], results
    after = snapshot(db)
    assert after["plain"][2] == before["plain"][2] + 1 and after["extended"][2] == before["extended"][2] + 1
    assert sum(len(audit_of(db, c["id"], "deadline_recompute")) for c in cases.values()) == 2
