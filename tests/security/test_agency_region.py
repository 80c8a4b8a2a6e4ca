"""Issue 8, defect 7: an agency registered cases in any region (杭州's agency created cases in
320104 and 110101, and the consultation then went to 南京's office). Agencies are held to their
organization's region and below, as officers are to their jurisdiction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cases.models import Case
from app.extensions import db
from tests.api.test_cases import case_body


@pytest.mark.parametrize("region", ["330106", "110101", "320000", "000000"])
def test_agency_cannot_register_outside_its_region(client, api, world, region):
    resp = client.post("/api/v1/cases", json=case_body(world, region_code=region), headers=api(world.agency_user))
    assert resp.status_code == 403, resp.get_json()
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 0


@pytest.mark.parametrize("region", ["320100", "320104", "320115"])
def test_agency_registers_in_its_region_and_below(client, api, world, region):
    resp = client.post("/api/v1/cases", json=case_body(world, region_code=region), headers=api(world.agency_user))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["region_code"] == region


def test_agency_cannot_move_its_case_out_of_its_region(client, api, world):
    headers = api(world.agency_user)
    case = client.post("/api/v1/cases", json=case_body(world, region_code="320104"), headers=headers).get_json()
    resp = client.patch(f"/api/v1/cases/{case['id']}", json={"region_code": "330106", "version": case["version"]},
                        headers=headers)
    assert resp.status_code == 403
    assert db.session.get(Case, case["id"]).region_code == "320104"


def test_agency_ui_form_refuses_another_region(client, login, world):
    from tests.web.test_cases_ui import form_data

    login(world.agency_user)
    resp = client.post("/cases/new", data=form_data(world, region_code="330106"))
    assert resp.status_code in (403, 422)
    assert db.session.execute(select(func.count()).select_from(Case)).scalar_one() == 0
