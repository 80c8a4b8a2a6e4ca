"""Every dashboard figure equals a count computed directly in SQL on a seeded dataset, for each
viewer (南京 officer, 江苏 provincial officer, a 南京 agency, 杭州 officer, admin) and with filters;
every figure's drill-down list has exactly that many rows, and its .xlsx export opens in openpyxl
with them. Nothing outside the viewer's jurisdiction appears in any figure, list or export."""

from __future__ import annotations

import html
import io
import json
import re
import statistics
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from app.cases.models import CASE_STATUSES
from app.consultations.models import CONSULTATION_STATUSES
from app.timeutil import SHANGHAI
from expert_pool import deadlines as D
from expert_pool import regions
from expert_pool.codes import CATEGORIES, POOL_TIERS

TODAY = date(2026, 9, 29)
KIND_LABELS = {"case": "办理期限", "case_acceptance": "告知受理期限", "consultation": "会商出具意见",
               "supervision_notice": "督办单回复"}


# --------------------------------------------------------------------------- the rules as SQL

def case_scope(who: str, o) -> str:
    return {"officer_nj": f"(c.region_code LIKE '3201%' OR c.id IN (SELECT case_id FROM consultations WHERE office_id = {o.nj}))",
            "officer_js": f"(c.region_code LIKE '32%' OR c.id IN (SELECT case_id FROM consultations WHERE office_id = {o.js}))",
            "officer_hz": f"(c.region_code LIKE '3301%' OR c.id IN (SELECT case_id FROM consultations WHERE office_id = {o.hz}))",
            "agency": f"c.handling_org_id = {o.agency}", "admin": "1 = 1"}[who]


def cons_scope(who: str, o) -> str:
    return {"officer_nj": f"(k.office_id = {o.nj} OR c.region_code LIKE '3201%')",
            "officer_js": f"(k.office_id = {o.js} OR c.region_code LIKE '32%')",
            "officer_hz": f"(k.office_id = {o.hz} OR c.region_code LIKE '3301%')",
            "agency": f"c.handling_org_id = {o.agency}", "admin": "1 = 1"}[who]


FILTERS = {
    "none": ({}, "1 = 1", "1 = 1"),
    "filtered": ({"from": "2026-05-01", "to": "2026-09-29", "region_code": "320100", "category": "housing"},
                 "c.created_at >= :lo AND c.created_at < :hi AND c.region_code LIKE '3201%' AND c.category = 'housing'",
                 "k.created_at >= :lo AND k.created_at < :hi AND c.region_code LIKE '3201%' AND c.category = 'housing'"),
}
BOUNDS = {"lo": datetime(2026, 5, 1, tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None),
          "hi": datetime(2026, 9, 30, tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)}


def q(db, sql: str, **params):
    return db.session.execute(text(sql), {**BOUNDS, **params}).all()


def _d(value) -> date:
    return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value)[:10])


def _dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def expected(db, who: str, o, fkey: str) -> dict:
    _, cf, kf = FILTERS[fkey]
    cs = f"{case_scope(who, o)} AND {cf}"
    ks = f"{cons_scope(who, o)} AND {kf}"
    today = TODAY.isoformat()
    out = {}
    [(n_open, n_over, n_closed)] = q(db, f"""SELECT
        SUM(CASE WHEN c.status <> 'closed' THEN 1 ELSE 0 END),
        SUM(CASE WHEN c.status <> 'closed' AND c.due_date < :today THEN 1 ELSE 0 END),
        SUM(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END) FROM cases c WHERE {cs}""", today=today)
    out["cases"] = {"未办结": n_open or 0, "超过办理期限": n_over or 0, "已办结": n_closed or 0}
    rows = dict(q(db, f"SELECT c.status, COUNT(*) FROM cases c WHERE {cs} AND c.is_backlog = :t AND c.status <> 'closed' "
                      "GROUP BY c.status", t=True))
    out["backlog"] = {CASE_STATUSES[s]: rows.get(s, 0) for s in CASE_STATUSES if s != "closed"}
    rows = dict(q(db, f"SELECT c.category, COUNT(*) FROM cases c WHERE {cs} AND c.status <> 'closed' GROUP BY c.category"))
    out["category"] = {CATEGORIES[k]: n for k, n in rows.items()}
    rows = dict(q(db, f"SELECT substr(c.region_code, 1, 4), COUNT(*) FROM cases c WHERE {cs} AND c.status <> 'closed' "
                      "GROUP BY substr(c.region_code, 1, 4)"))
    out["region"] = {regions.name(k + "00"): n for k, n in rows.items()}
    # deadlines: stored due dates compared in SQL; computed ones from the raw rows and the rules
    th = D.Thresholds()
    rules = D.rules_from()
    dues = {
        "case": [_d(r[0]) for r in q(db, f"SELECT c.due_date FROM cases c WHERE {cs} AND c.status <> 'closed' "
                                         "AND c.due_date IS NOT NULL")],
        "case_acceptance": [rules["acceptance"].due(_local(r[0])).due_on for r in q(
            db, f"SELECT c.created_at FROM cases c WHERE {cs} AND c.status <> 'closed' AND c.accepted_on IS NULL")],
        "consultation": [rules["consultation"].due(_local(r[0])).due_on for r in q(
            db, f"SELECT k.created_at FROM consultations k JOIN cases c ON c.id = k.case_id WHERE {ks} AND k.status IN "
                "('submitted','accepted','panel_drawn','scheduled','deliberated')")],
        "supervision_notice": [_d(r[0]) for r in q(db, f"SELECT n.due_on FROM supervision_notices n JOIN cases c "
                                                       f"ON c.id = n.case_id WHERE {cs} AND n.status = 'open'")],
    }
    states = {k: [D.state(TODAY, d, th) for d in v] for k, v in dues.items()}
    out["deadlines"] = {
        "即将到期": {KIND_LABELS[k]: v.count(D.DUE_SOON) for k, v in states.items()},
        "已超期": {KIND_LABELS[k]: v.count(D.OVERDUE) + v.count(D.ESCALATED) for k, v in states.items()},
        "超期已提级督办": {KIND_LABELS[k]: v.count(D.ESCALATED) for k, v in states.items()},
    }
    rows = dict(q(db, f"SELECT k.status, COUNT(*) FROM consultations k JOIN cases c ON c.id = k.case_id WHERE {ks} "
                      "GROUP BY k.status"))
    out["consultations"] = {CONSULTATION_STATUSES[s]: rows.get(s, 0) for s in CONSULTATION_STATUSES}
    issued = (f"SELECT o.id FROM opinions o JOIN consultations k ON k.id = o.consultation_id JOIN cases c ON c.id = k.case_id "
              f"WHERE {ks} AND o.issued_at IS NOT NULL AND o.id NOT IN (SELECT supersedes_id FROM opinions "
              "WHERE supersedes_id IS NOT NULL AND issued_at IS NOT NULL)")
    spans = sorted((_dt(i) - _dt(c)).total_seconds() / 86400 for c, i in q(
        db, f"SELECT k.created_at, o.issued_at FROM opinions o JOIN consultations k ON k.id = o.consultation_id "
            f"WHERE o.id IN ({issued})"))
    median = round(statistics.median(spans), 1) if spans else None
    p90 = round(spans[max(-(-90 * len(spans) // 100) - 1, 0)], 1) if spans else None
    out["turnaround"] = {"中位数": median, "第90百分位": p90}
    fb = q(db, f"SELECT f.adopted, f.outcome FROM opinion_feedback f WHERE f.id IN (SELECT MAX(id) FROM opinion_feedback "
               f"WHERE opinion_id IN ({issued}) GROUP BY opinion_id)")
    n_issued = q(db, f"SELECT COUNT(*) FROM ({issued}) x")[0][0]
    out["feedback"] = {"已出具意见": n_issued, "已反馈": len(fb), "已采纳": sum(1 for a, _ in fb if a),
                       "已化解": sum(1 for _, r in fb if r == "resolved")}
    rows = dict(q(db, f"SELECT e.to_tier, COUNT(*) FROM escalations e JOIN consultations k ON k.id = e.consultation_id "
                      f"JOIN cases c ON c.id = k.case_id WHERE {ks} GROUP BY e.to_tier"))
    out["escalations"] = {POOL_TIERS[t]: rows.get(t, 0) for t in POOL_TIERS}
    rows = q(db, f"SELECT x.name, COUNT(*) FROM panel_members m JOIN experts x ON x.id = m.expert_id "
                 f"JOIN consultations k ON k.id = m.consultation_id JOIN cases c ON c.id = k.case_id WHERE {ks} "
                 "AND m.role IN ('chair','member') AND m.status IN ('invited','accepted') "
                 "AND k.status IN ('accepted','panel_drawn','scheduled','deliberated') GROUP BY x.name")
    out["experts"] = dict(rows)
    return out


def _local(value) -> date:
    dt = _dt(value)
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(SHANGHAI).date()


# --------------------------------------------------------------------------- the page

def charts_of(client, args: dict) -> dict:
    resp = client.get("/supervision/", query_string=args)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    specs = [json.loads(html.unescape(m)) for m in re.findall(r'data-chart="([^"]*)"', resp.get_data(as_text=True))]
    return {s["id"]: s for s in specs}


def as_map(spec: dict) -> dict:
    if len(spec["series"]) == 1:
        return dict(zip(spec["labels"], spec["series"][0]["values"], strict=True))
    return {s["name"]: dict(zip(spec["labels"], s["values"], strict=True)) for s in spec["series"]}


def _without_zero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


@pytest.mark.parametrize("fkey", list(FILTERS))
@pytest.mark.parametrize("who", ["officer_nj", "officer_js", "agency", "officer_hz", "admin"])
def test_every_figure_equals_sql_and_its_drill_down(client, db, login, seeded, freeze_clock, who, fkey):
    o, users = seeded
    freeze_clock(datetime.combine(TODAY, time(9), SHANGHAI).astimezone(UTC))
    login(users[who])
    want = expected(db, who, o, fkey)
    charts = charts_of(client, FILTERS[fkey][0])
    for chart_id, values in want.items():
        spec = charts.get(chart_id)
        got = as_map(spec) if spec else {}
        if chart_id in ("category", "region", "experts"):
            assert _without_zero(got) == _without_zero(values), chart_id
        else:
            assert got == values, chart_id
    # drill-downs: every linked number opens a list of exactly that many rows; exports agree
    checked = 0
    for spec in charts.values():
        for s in spec["series"]:
            for value, link in zip(s["values"], s["links"], strict=True):
                if not link or not link.startswith("/supervision/list/") or spec["id"] == "turnaround":
                    continue
                page = client.get(link)
                assert page.status_code == 200, link
                total = int(re.search(r"data-total>(\d+)<", page.get_data(as_text=True)).group(1))
                assert total == value, (spec["id"], link, total, value)
                if checked < 12 or value:
                    export = client.get(link.replace("/supervision/list/", "/supervision/list/", 1).split("?")[0] + "/export?"
                                        + link.split("?", 1)[1])
                    assert export.status_code == 200, link
                    ws = load_workbook(io.BytesIO(export.data), read_only=True).active
                    assert sum(1 for _ in ws.iter_rows(min_row=2)) == value, link
                checked += 1
    assert checked > 20


def test_lists_and_exports_hold_nothing_outside_the_jurisdiction(client, db, login, seeded, freeze_clock):
    o, users = seeded
    freeze_clock(datetime.combine(TODAY, time(9), SHANGHAI).astimezone(UTC))
    login(users["officer_hz"])
    body = client.get("/supervision/list/cases?status=open").get_data(as_text=True)
    assert "江苏省" not in body and "杭州市" in body
    export = client.get("/supervision/list/cases/export?status=open")
    ws = load_workbook(io.BytesIO(export.data), read_only=True).active
    assert all(str(r[3]).startswith("浙江省杭州市") for r in ws.iter_rows(min_row=2, values_only=True))
    client.post("/logout")
    login(users["agency"])
    export = client.get("/supervision/list/deadlines/export")
    ws = load_workbook(io.BytesIO(export.data)).active
    header = next(ws.iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("期限类型", "事项", "行政区划") and ws.freeze_panes == "A2"
    titles = {r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    own = {t for (t,) in q(db, f"SELECT title FROM cases WHERE handling_org_id = {o.agency}")}
    assert titles and all(t in own or any(t.endswith(" " + x) for x in own) for t in titles), titles - own


def test_tables_export_with_chinese_headers(client, db, login, seeded, freeze_clock):
    _, users = seeded
    freeze_clock(datetime.combine(TODAY, time(9), SHANGHAI).astimezone(UTC))
    login(users["officer_js"])
    charts = charts_of(client, {})
    for chart_id, spec in charts.items():
        resp = client.get(f"/supervision/tables/{chart_id}/export")
        assert resp.status_code == 200
        ws = load_workbook(io.BytesIO(resp.data)).active
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] and all(isinstance(h, str) for h in rows[0] if h is not None)
        assert [r[0] for r in rows[1:]] == spec["labels"]
        assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width >= 12
    assert client.get("/supervision/tables/nonsense/export").status_code == 404


def test_api_overview_matches_the_dashboard(client, db, api, seeded, freeze_clock):
    o, users = seeded
    freeze_clock(datetime.combine(TODAY, time(9), SHANGHAI).astimezone(UTC))
    body = client.get("/api/v1/stats/overview", headers=api(users["agency"])).get_json()
    want = expected(db, "agency", o, "none")
    assert body["cases"] == {"open": want["cases"]["未办结"], "overdue": want["cases"]["超过办理期限"],
                             "closed": want["cases"]["已办结"]}
    assert body["request_to_opinion_days"] == {"median": want["turnaround"]["中位数"], "p90": want["turnaround"]["第90百分位"]}
    fb = want["feedback"]
    assert body["adoption_rate"] == (round(fb["已采纳"] / fb["已反馈"], 4) if fb["已反馈"] else None)
    assert sum(body["by_region"].values()) == want["cases"]["未办结"]
    assert set(body["by_region"]) <= {"320100"}
    assert client.get("/api/v1/stats/overview?region_code=99", headers=api(users["agency"])).status_code == 422

