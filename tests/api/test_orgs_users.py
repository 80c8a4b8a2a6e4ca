"""Organizations and user accounts through the API (admin only)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.orgs.models import Organization
from tests.api.helpers import assert_error
from tests.conftest import PASSWORD


def _org(**kw) -> dict:
    body = {"name": "苏州市信访局", "kind": "petition_office", "tier": "municipal", "region_code": "320500"}
    body.update(kw)
    return body


def _count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_admin_creates_organizations_in_a_hierarchy(client, world, api, db):
    h = api(world.admin)
    resp = client.post("/api/v1/organizations", json=_org(parent_id=world.js.id, doc_prefix="苏州信专审"), headers=h)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["id"] > 0
    assert {k: body[k] for k in ("name", "kind", "tier", "region_code", "parent_id", "doc_prefix")} == {
        "name": "苏州市信访局", "kind": "petition_office", "tier": "municipal", "region_code": "320500",
        "parent_id": world.js.id, "doc_prefix": "苏州信专审"}
    row = db.session.get(Organization, body["id"])
    assert (row.name, row.parent_id, row.region_code) == ("苏州市信访局", world.js.id, "320500")
    # a county under the new city, and an agency without a parent
    county = client.post("/api/v1/organizations", json=_org(name="苏州市姑苏区信访局", tier="county", region_code="320508",
                                                              parent_id=body["id"]), headers=h)
    assert county.status_code == 201, county.get_json()
    agency = client.post("/api/v1/organizations", json=_org(name="苏州市人力资源和社会保障局", kind="handling_agency"), headers=h)
    assert agency.status_code == 201 and agency.get_json()["parent_id"] is None
    # listed, with the pagination shape; filters work
    listing = client.get("/api/v1/organizations?per_page=100", headers=h).get_json()
    assert set(listing) == {"items", "total", "page", "per_page"}
    assert listing["total"] == 9 and len(listing["items"]) == 9
    names = {o["name"] for o in client.get("/api/v1/organizations?region_code=320500", headers=h).get_json()["items"]}
    assert names == {"苏州市信访局", "苏州市姑苏区信访局", "苏州市人力资源和社会保障局"}
    kinds = client.get("/api/v1/organizations?kind=handling_agency", headers=h).get_json()
    assert {o["name"] for o in kinds["items"]} == {"南京市住房保障和房产局", "苏州市人力资源和社会保障局"}
    one = client.get(f"/api/v1/organizations/{body['id']}", headers=h)
    assert one.status_code == 200 and one.get_json()["name"] == "苏州市信访局"
    assert_error(client.get("/api/v1/organizations/999999", headers=h), 404)


@pytest.mark.parametrize(("region_code", "tier"), [
    ("32050", "municipal"),        # five digits
    ("3205001", "municipal"),      # seven digits
    ("32O500", "municipal"),       # a letter O
    ("990500", "municipal"),       # no province 99
    ("320012", "county"),          # a county code without a prefecture
    ("320000", "municipal"),       # a provincial code for a municipal body
    ("320500", "provincial"),      # a municipal code for a provincial body
    ("320500", "national"),
])
def test_region_code_validation(client, world, api, db, region_code, tier):
    before = _count(db, Organization)
    resp = client.post("/api/v1/organizations", json=_org(region_code=region_code, tier=tier), headers=api(world.admin))
    err = assert_error(resp, 422, "validation_error", fields=("region_code",))
    assert "行政区划" in err["details"]["region_code"]
    assert _count(db, Organization) == before


def test_region_code_must_be_a_string(client, world, api):
    assert_error(client.post("/api/v1/organizations", json=_org(region_code=320500), headers=api(world.admin)), 422,
                 fields=("region_code",))


def test_child_must_lie_inside_parent_region(client, world, api, db):
    h = api(world.admin)
    # 杭州 is not inside 江苏
    err = assert_error(client.post("/api/v1/organizations", json=_org(name="错挂单位", region_code="330200", parent_id=world.js.id),
                                   headers=h), 422, fields=("region_code",))
    assert "320000" in err["details"]["region_code"]
    # a county of 杭州 under 南京's office
    assert_error(client.post("/api/v1/organizations", json=_org(name="错挂区县", tier="county", region_code="330106",
                                                               parent_id=world.nj.id), headers=h), 422, fields=("region_code",))
    # a province under a city
    assert_error(client.post("/api/v1/organizations", json=_org(name="倒挂单位", tier="provincial", region_code="320000",
                                                               parent_id=world.nj.id), headers=h), 422)
    # an unknown parent
    assert_error(client.post("/api/v1/organizations", json=_org(parent_id=999999), headers=h), 422, fields=("parent_id",))
    # an organization cannot become its own ancestor's child
    assert_error(client.patch(f"/api/v1/organizations/{world.js.id}", json={"parent_id": world.nj.id, "tier": "provincial"},
                              headers=h), 422)
    assert db.session.get(Organization, world.js.id).parent_id == world.national.id


def test_organization_bad_input(client, world, api):
    h = api(world.admin)
    assert_error(client.post("/api/v1/organizations", data="{'name':", content_type="application/json", headers=h), 400,
                 "malformed_json")
    assert_error(client.post("/api/v1/organizations", json={}, headers=h), 422,
                 fields=("name", "kind", "tier", "region_code"))
    assert_error(client.post("/api/v1/organizations", json=_org(kind="court", tier="city"), headers=h), 422,
                 fields=("kind", "tier"))
    assert_error(client.post("/api/v1/organizations", json=_org(colour="red"), headers=h), 422, fields=("colour",))
    assert_error(client.post("/api/v1/organizations", json=_org(name="南京市信访局", region_code="320100"), headers=h), 409)


def test_admin_updates_an_organization(client, world, api, db):
    h = api(world.admin)
    resp = client.patch(f"/api/v1/organizations/{world.hz.id}", json={"doc_prefix": "杭信专审"}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["doc_prefix"] == "杭信专审"
    db.session.expire_all()
    assert db.session.get(Organization, world.hz.id).doc_prefix == "杭信专审"
    assert_error(client.patch("/api/v1/organizations/999999", json={"doc_prefix": "x"}, headers=h), 404)


def _user(**kw) -> dict:
    body = {"username": "li.officer", "password": "Secure-pass-2026", "display_name": "李科员", "role": "officer",
            "organization_id": None, "expert_id": None}
    body.update(kw)
    return body


def test_admin_creates_users_who_can_sign_in(client, world, api, db):
    h = api(world.admin)
    resp = client.post("/api/v1/users", json=_user(organization_id=world.nj.id), headers=h)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["id"] > 0
    assert {k: body[k] for k in ("username", "display_name", "role", "organization_id", "expert_id")} == {
        "username": "li.officer", "display_name": "李科员", "role": "officer", "organization_id": world.nj.id,
        "expert_id": None}
    assert not any("password" in k for k in body)
    row = db.session.get(User, body["id"])
    assert row.password_hash != "Secure-pass-2026" and row.check_password("Secure-pass-2026")
    token = client.post("/api/v1/auth/token", json={"username": "li.officer", "password": "Secure-pass-2026"})
    assert token.status_code == 201 and token.get_json()["user"]["organization_id"] == world.nj.id
    # an expert account linked to its expert record, an agency clerk and another admin
    e = client.post("/api/v1/users", json=_user(username="wang.expert", role="expert", expert_id=world.e_hz.id), headers=h)
    assert e.status_code == 201 and e.get_json()["expert_id"] == world.e_hz.id
    a = client.post("/api/v1/users", json=_user(username="clerk", role="agency", organization_id=world.agency.id), headers=h)
    assert a.status_code == 201
    assert client.post("/api/v1/users", json=_user(username="root2", role="admin"), headers=h).status_code == 201
    listing = client.get("/api/v1/users?per_page=5&page=2", headers=h).get_json()
    assert listing["total"] == 11 and listing["page"] == 2 and len(listing["items"]) == 5


def test_duplicate_username_409(client, world, api, db):
    before = _count(db, User)
    err = assert_error(client.post("/api/v1/users", json=_user(username="officer_nj", organization_id=world.nj.id),
                                   headers=api(world.admin)), 409, fields=("username",))
    assert "用户名" in err["message"]
    assert _count(db, User) == before


@pytest.mark.parametrize("password", ["Short1", "alllettersnodigits", "1234567890123", "li.officer-2026x"])
def test_password_policy_422_naming_password(client, world, api, db, password):
    before = _count(db, User)
    err = assert_error(client.post("/api/v1/users", json=_user(password=password, organization_id=world.nj.id),
                                   headers=api(world.admin)), 422, fields=("password",))
    assert "密码" in err["details"]["password"]
    assert _count(db, User) == before


def test_password_policy_on_reset(client, world, api, db):
    h = api(world.admin)
    assert_error(client.patch(f"/api/v1/users/{world.officer_nj.id}", json={"password": "short"}, headers=h), 422,
                 fields=("password",))
    ok = client.patch(f"/api/v1/users/{world.officer_nj.id}", json={"password": "Brand-new-pass-9"}, headers=h)
    assert ok.status_code == 200
    assert client.post("/api/v1/auth/token", json={"username": "officer_nj", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "officer_nj", "password": "Brand-new-pass-9"}).status_code == 201


def test_role_links(client, world, api, db):
    h = api(world.admin)
    before = _count(db, User)
    err = assert_error(client.post("/api/v1/users", json=_user(username="exp1", role="expert"), headers=h), 422,
                       fields=("expert_id",))
    assert "专家" in err["details"]["expert_id"]
    assert_error(client.post("/api/v1/users", json=_user(username="exp2", role="expert", expert_id=999999), headers=h), 422,
                 fields=("expert_id",))
    # the world already links an account to 王建国
    assert_error(client.post("/api/v1/users", json=_user(username="exp3", role="expert", expert_id=world.e_nj.id), headers=h),
                 422, fields=("expert_id",))
    assert_error(client.post("/api/v1/users", json=_user(username="off1", role="officer"), headers=h), 422,
                 fields=("organization_id",))
    assert_error(client.post("/api/v1/users", json=_user(username="off2", role="officer", organization_id=world.agency.id),
                             headers=h), 422, fields=("organization_id",))
    assert_error(client.post("/api/v1/users", json=_user(username="agc1", role="agency", organization_id=world.nj.id), headers=h),
                 422, fields=("organization_id",))
    assert_error(client.post("/api/v1/users", json=_user(username="mix1", role="officer", organization_id=world.nj.id,
                                                         expert_id=world.e_hz.id), headers=h), 422, fields=("expert_id",))
    assert_error(client.post("/api/v1/users", json=_user(username="role1", role="superuser"), headers=h), 422, fields=("role",))
    assert_error(client.post("/api/v1/users", json={"password": "Secure-pass-2026"}, headers=h), 422,
                 fields=("username", "role"))
    assert_error(client.post("/api/v1/users", json=_user(username="bad name!"), headers=h), 422, fields=("username",))
    assert_error(client.post("/api/v1/users", data="[1,", content_type="application/json", headers=h), 400)
    assert _count(db, User) == before


@pytest.mark.parametrize("who", ["officer_nj", "officer_nat", "agency_user", "expert_user"])
def test_non_admin_gets_403(client, world, api, db, who):
    h = api(getattr(world, who))
    orgs, users = _count(db, Organization), _count(db, User)
    assert_error(client.post("/api/v1/organizations", json=_org(), headers=h), 403, "forbidden")
    assert_error(client.patch(f"/api/v1/organizations/{world.nj.id}", json={"doc_prefix": "x"}, headers=h), 403)
    assert_error(client.post("/api/v1/users", json=_user(organization_id=world.nj.id), headers=h), 403, "forbidden")
    # even an invalid body is refused for the role first
    assert_error(client.post("/api/v1/users", json={}, headers=h), 403)
    assert_error(client.get("/api/v1/users", headers=h), 403)
    assert_error(client.patch(f"/api/v1/users/{world.admin.id}", json={"is_active": False}, headers=h), 403)
    assert (_count(db, Organization), _count(db, User)) == (orgs, users)
    me = getattr(world, who)
    assert client.get(f"/api/v1/users/{me.id}", headers=h).status_code == 200
    assert_error(client.get(f"/api/v1/users/{world.admin.id}", headers=h), 404)


def test_admin_disables_a_user(client, world, api, db):
    h = api(world.admin)
    resp = client.patch(f"/api/v1/users/{world.agency_user.id}", json={"is_active": False}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["is_active"] is False
    assert client.post("/api/v1/auth/token", json={"username": "agency_nj", "password": PASSWORD}).status_code == 401
    assert_error(client.patch(f"/api/v1/users/{world.admin.id}", json={"is_active": False}, headers=h), 422,
                 fields=("is_active",))
