"""The consultation list is one query (app/consultations/queries.py): the page and the API show
the same consultations in the same order — work first — for the same filters and page."""

from __future__ import annotations

import re

import pytest

from app.consultations.models import Consultation
from app.extensions import db
from tests.api.meeting_fixtures import make_case

STATUSES = ("submitted", "accepted", "returned", "panel_drawn", "closed")


@pytest.fixture
def listed(world):
    """25 consultations over two cases and two offices (南京, 江苏), every status and urgency mixed,
    so that the work-first order differs from plain newest first and the list needs two pages."""
    cases = [make_case(world), make_case(world, number="320100-2026-91002", title="某企业欠薪信访事项")]
    for i in range(25):
        db.session.add(Consultation(
            case_id=cases[i % 2].id, questions=f"第{i}个会商问题的内容", required_specialties=["civil_law"], panel_size=3,
            status=STATUSES[i % len(STATUSES)], urgency="urgent" if i % 3 == 0 else "normal", tier="municipal",
            office_id=world.nj.id if i % 4 else world.js.id, requesting_org_id=world.agency.id))
    db.session.commit()
    return cases


def _page_ids(client, query: str) -> list[int]:
    html = client.get("/consultations" + query).get_data(as_text=True)
    return list(dict.fromkeys(int(n) for n in re.findall(r"会商 #(\d+)", html)))


def _api_ids(client, headers, query: str) -> list[int]:
    resp = client.get("/api/v1/consultations" + query, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return [item["id"] for item in resp.get_json()["items"]]


@pytest.mark.parametrize(("role", "page_query", "api_query"), [
    ("officer_nj", "?tab=queue", "?queue=true"),
    ("officer_nj", "?tab=all", ""),
    ("officer_nj", "?tab=all&status=submitted", "?status=submitted"),
    ("officer_nj", "?tab=queue&status=closed", "?queue=true&status=closed"),
    ("officer_js", "?tab=all&page=2", "?page=2"),
    ("officer_js", "?tab=queue", "?queue=true"),
    ("agency_user", "", ""),
    ("agency_user", "?page=2", "?page=2"),
    ("agency_user", "?case_id={case0}", "?case_id={case0}"),
    ("admin", "?status=returned&case_id={case1}", "?status=returned&case_id={case1}"),
])
def test_page_and_api_list_the_same_consultations_in_the_same_order(client, world, login, api, listed, role,
                                                                     page_query, api_query):
    user = getattr(world, role)
    fill = {"case0": listed[0].id, "case1": listed[1].id}
    headers = api(user)
    login(user)
    from_api = _api_ids(client, headers, api_query.format(**fill))
    assert from_api, "the filter should leave something to compare"
    assert _page_ids(client, page_query.format(**fill)) == from_api


def test_work_comes_first(client, world, api, listed):
    """Waiting for acceptance first, then urgent, then newest."""
    ids = _api_ids(client, api(world.admin), "?per_page=100")
    rows = {c.id: c for c in db.session.query(Consultation)}
    keys = [(rows[i].status != "submitted", rows[i].urgency != "urgent", -i) for i in ids]
    assert keys == sorted(keys) and len(ids) == 25


def test_api_refuses_a_bad_case_id_naming_it(client, world, api, listed):
    resp = client.get("/api/v1/consultations?case_id=abc", headers=api(world.admin))
    assert resp.status_code == 422 and "case_id" in resp.get_json()["error"]["details"]
