"""The expert pool through the API: create, read, list, edit, suspend, retire, declarations,
and every bad-input case of the issue's acceptance list."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.experts.models import ConflictDeclaration, Expert, Unavailability
from tests.api.helpers import assert_error, expert_body

EXPERTS = "/api/v1/experts"


def _count(db, model=Expert) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _names(resp) -> list[str]:
    assert resp.status_code == 200, resp.get_json()
    return [e["name"] for e in resp.get_json()["items"]]


# ---------------------------------------------------------------- create / read

def test_officer_creates_an_expert_of_own_pool(client, world, api, db):
    resp = client.post(EXPERTS, json=expert_body(employer_organization_id=world.agency.id), headers=api(world.officer_nj))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body == {"id": body["id"], "name": "周立新", "tier": "municipal", "region_code": "320100",
                    "employer": "江苏某律师事务所", "employer_organization_id": world.agency.id, "title": "律师",
                    "specialties": ["civil_law", "labor_law"], "phone": "13812345678", "email": "zhou@example.cn",
                    "status": "active", "term_end": "2028-12-31", "max_open_consultations": 3, "version": 1}
    db.session.expire_all()
    row = db.session.get(Expert, body["id"])
    assert (row.name, row.tier, row.region_code, row.term_end) == ("周立新", "municipal", "320100", date(2028, 12, 31))
    assert row.specialties == ["civil_law", "labor_law"]
    got = client.get(f"{EXPERTS}/{body['id']}", headers=api(world.officer_nj))
    assert got.status_code == 200
    detail = got.get_json()
    assert {k: detail[k] for k in body} == body
    assert detail["conflicts"] == [] and detail["unavailability"] == []


def test_defaults_and_normalisation(client, world, api):
    body = expert_body(phone="138 1234-5678", email="Zhou@Example.CN", specialties=["civil_law", "civil_law"])
    for optional in ("status", "term_end", "max_open_consultations", "title"):
        body.pop(optional)
    resp = client.post(EXPERTS, json=body, headers=api(world.admin))
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert (got["phone"], got["status"], got["max_open_consultations"], got["term_end"], got["title"]) == (
        "13812345678", "active", 3, None, "")
    assert got["specialties"] == ["civil_law"]
    assert got["email"].lower() == "zhou@example.cn"


@pytest.mark.parametrize(("who", "body", "status"), [
    ("officer_nj", {"region_code": "330100"}, 403),                      # another city
    ("officer_nj", {"tier": "provincial", "region_code": "320000"}, 403),  # another tier
    ("officer_js", {}, 403),                                               # provincial office, municipal pool
    ("officer_js", {"tier": "provincial", "region_code": "320000"}, 201),
    ("officer_hz", {}, 403),
    ("officer_nat", {"tier": "national", "region_code": "000000"}, 201),
    ("officer_nat", {}, 403),
    ("agency_user", {}, 403),
    ("expert_user", {}, 403),
    ("admin", {"tier": "national", "region_code": "000000"}, 201),
])
def test_who_may_create_where(client, world, api, db, who, body, status):
    before = _count(db)
    resp = client.post(EXPERTS, json=expert_body(**body), headers=api(getattr(world, who)))
    assert resp.status_code == status, resp.get_json()
    assert _count(db) == before + (1 if status == 201 else 0)


# ---------------------------------------------------------------- bad input

def test_malformed_json_400(client, world, api, db):
    h = api(world.officer_nj)
    for raw in ('{"name": "周立新",', "not json at all", "", "[1, 2]", '"a string"', "null"):
        err = assert_error(client.post(EXPERTS, data=raw, content_type="application/json", headers=h), 400)
        assert err["code"] in ("malformed_json", "bad_request")
    assert_error(client.patch(f"{EXPERTS}/{world.e_nj.id}", data="{", content_type="application/json", headers=h), 400)
    assert_error(client.post(f"{EXPERTS}/{world.e_nj.id}/conflicts", data="{", content_type="application/json", headers=h), 400)
    assert_error(client.post(f"{EXPERTS}/{world.e_nj.id}/unavailability", data="x", content_type="application/json",
                             headers=h), 400)
    assert _count(db) == 4


def test_missing_fields_422_naming_each(client, world, api, db):
    err = assert_error(client.post(EXPERTS, json={}, headers=api(world.officer_nj)), 422, "validation_error",
                       fields=("name", "tier", "region_code", "employer", "specialties", "phone"))
    for optional in ("email", "status", "term_end", "max_open_consultations", "title"):
        assert optional not in err["details"]
    assert all(isinstance(v, str) and v for v in err["details"].values())
    assert _count(db) == 4


@pytest.mark.parametrize(("override", "field"), [
    ({"name": ""}, "name"),
    ({"name": 123}, "name"),
    ({"employer": ""}, "employer"),
    ({"specialties": "civil_law"}, "specialties"),
    ({"specialties": []}, "specialties"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "010-12345678"}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"status": "deleted"}, "status"),
    ({"term_end": "31.12.2028"}, "term_end"),
    ({"term_end": "2028-13-01"}, "term_end"),
    ({"max_open_consultations": "many"}, "max_open_consultations"),
    ({"max_open_consultations": 0}, "max_open_consultations"),
    ({"employer_organization_id": 999999}, "employer_organization_id"),
    ({"nickname": "老周"}, "nickname"),
])
def test_wrong_fields_422_naming_them(client, world, api, db, override, field):
    err = assert_error(client.post(EXPERTS, json=expert_body(**override), headers=api(world.officer_nj)), 422,
                       fields=(field,))
    assert set(err["details"]) == {field}, err
    assert _count(db) == 4


@pytest.mark.parametrize("code", ["32010", "3201000", "abcdef", "990100", "320001", 320100, ""])
def test_bad_region_code_422(client, world, api, db, code):
    err = assert_error(client.post(EXPERTS, json=expert_body(region_code=code), headers=api(world.admin)), 422,
                       fields=("region_code",))
    # details name the field for clients; the sentence people read names it in Chinese (issue 9)
    assert "行政区划" in err["message"] and "region_code" not in err["message"]
    assert _count(db) == 4


def test_region_code_must_match_the_tier(client, world, api):
    h = api(world.admin)
    assert_error(client.post(EXPERTS, json=expert_body(region_code="320000"), headers=h), 422, fields=("region_code",))
    assert_error(client.post(EXPERTS, json=expert_body(tier="provincial", region_code="320100"), headers=h), 422,
                 fields=("region_code",))
    assert_error(client.post(EXPERTS, json=expert_body(tier="national", region_code="320000"), headers=h), 422,
                 fields=("region_code",))
    assert_error(client.post(EXPERTS, json=expert_body(region_code="320102"), headers=h), 422, fields=("region_code",))


def test_unknown_specialty_422(client, world, api, db):
    err = assert_error(client.post(EXPERTS, json=expert_body(specialties=["civil_law", "astrology"]),
                                   headers=api(world.officer_nj)), 422, fields=("specialties",))
    assert "astrology" in err["details"]["specialties"]
    assert _count(db) == 4


@pytest.mark.parametrize("tier", ["county", "city", "", "Municipal", None])
def test_unknown_tier_422(client, world, api, db, tier):
    assert_error(client.post(EXPERTS, json=expert_body(tier=tier), headers=api(world.admin)), 422, fields=("tier",))
    assert _count(db) == 4


def test_duplicate_phone_in_same_tier_409(client, world, api, db):
    h = api(world.admin)
    assert client.post(EXPERTS, json=expert_body(), headers=h).status_code == 201
    err = assert_error(client.post(EXPERTS, json=expert_body(name="另一人", region_code="320200"), headers=h), 409,
                       fields=("phone",))
    assert "手机" in err["message"]
    # the same person may sit in another tier's pool
    other = client.post(EXPERTS, json=expert_body(tier="provincial", region_code="320000"), headers=h)
    assert other.status_code == 201
    assert _count(db) == 6
    # a PATCH onto a taken number is refused as well
    assert_error(client.patch(f"{EXPERTS}/{world.e_nj.id}", json={"phone": "13812345678"}, headers=h), 409)


# ---------------------------------------------------------------- list

def _more_experts(factory):
    factory.expert("孙丽", tier="municipal", region_code="320100", specialties=("labor_law", "psychology"),
                   employer="东南大学法学院", status="suspended")
    factory.expert("周敏", tier="municipal", region_code="320200", specialties=("labor_law",), employer="无锡某律师事务所")
    factory.expert("钱大为", tier="municipal", region_code="320100", specialties=("civil_law",), employer="南京市中级人民法院（退休）",
                   status="retired")


def test_list_filters(client, world, api, factory):
    _more_experts(factory)
    h = api(world.admin)
    assert sorted(_names(client.get(EXPERTS, headers=h))) == sorted(
        ["王建国", "李秀英", "陈志强", "赵文华", "孙丽", "周敏", "钱大为"])
    assert sorted(_names(client.get(f"{EXPERTS}?tier=municipal", headers=h))) == ["周敏", "孙丽", "李秀英", "王建国", "钱大为"]
    assert _names(client.get(f"{EXPERTS}?tier=national", headers=h)) == ["赵文华"]
    # a region filter covers the region and everything inside it
    assert sorted(_names(client.get(f"{EXPERTS}?region_code=320000", headers=h))) == sorted(
        ["王建国", "陈志强", "孙丽", "周敏", "钱大为"])
    assert sorted(_names(client.get(f"{EXPERTS}?region_code=320100", headers=h))) == ["孙丽", "王建国", "钱大为"]
    assert _names(client.get(f"{EXPERTS}?region_code=330100", headers=h)) == ["李秀英"]
    assert sorted(_names(client.get(f"{EXPERTS}?specialty=labor_law", headers=h))) == ["周敏", "孙丽", "陈志强"]
    assert _names(client.get(f"{EXPERTS}?specialty=psychology", headers=h)) == ["孙丽"]
    assert _names(client.get(f"{EXPERTS}?status=suspended", headers=h)) == ["孙丽"]
    assert _names(client.get(f"{EXPERTS}?status=retired", headers=h)) == ["钱大为"]
    assert len(_names(client.get(f"{EXPERTS}?status=active", headers=h))) == 5
    # free text on name or employer
    assert _names(client.get(f"{EXPERTS}?q=孙", headers=h)) == ["孙丽"]
    assert sorted(_names(client.get(f"{EXPERTS}?q=律师事务所", headers=h))) == ["周敏"]
    assert sorted(_names(client.get(f"{EXPERTS}?q=法院", headers=h))) == ["钱大为"]
    assert _names(client.get(f"{EXPERTS}?q=不存在的人", headers=h)) == []
    # the text is literal: no wildcards
    assert _names(client.get(f"{EXPERTS}", query_string={"q": "%"}, headers=h)) == []
    assert _names(client.get(f"{EXPERTS}", query_string={"q": "_"}, headers=h)) == []
    assert _names(client.get(f"{EXPERTS}", query_string={"q": "孙_"}, headers=h)) == []
    assert _names(client.get(f"{EXPERTS}", query_string={"q": "\\"}, headers=h)) == []
    # the text is literal: no wildcards
    assert _names(client.get(EXPERTS, query_string={"q": "%"}, headers=h)) == []
    assert _names(client.get(EXPERTS, query_string={"q": "_"}, headers=h)) == []
    assert _names(client.get(EXPERTS, query_string={"q": "孙_"}, headers=h)) == []
    assert _names(client.get(EXPERTS, query_string={"q": "\\"}, headers=h)) == []
    # combined
    assert _names(client.get(f"{EXPERTS}?tier=municipal&region_code=320100&specialty=labor_law&status=suspended&q=东南",
                             headers=h)) == ["孙丽"]
    assert _names(client.get(f"{EXPERTS}?tier=municipal&specialty=labor_law&status=active", headers=h)) == ["周敏"]


def test_list_is_limited_to_the_jurisdiction(client, world, api, factory):
    _more_experts(factory)
    assert sorted(_names(client.get(EXPERTS, headers=api(world.officer_nj)))) == ["孙丽", "王建国", "钱大为"]
    assert _names(client.get(EXPERTS, headers=api(world.officer_hz))) == ["李秀英"]
    assert sorted(_names(client.get(EXPERTS, headers=api(world.officer_js)))) == sorted(
        ["王建国", "陈志强", "孙丽", "周敏", "钱大为"])
    assert len(_names(client.get(EXPERTS, headers=api(world.officer_nat)))) == 7
    # a filter cannot widen it
    assert _names(client.get(f"{EXPERTS}?region_code=330100", headers=api(world.officer_nj))) == []
    assert _names(client.get(f"{EXPERTS}?q=李秀英", headers=api(world.officer_nj))) == []


@pytest.mark.parametrize(("query", "field"), [
    ("tier=county", "tier"), ("tier=xyz", "tier"), ("specialty=astrology", "specialty"), ("status=gone", "status"),
    ("region_code=abc", "region_code"), ("per_page=101", "per_page"), ("per_page=0", "per_page"),
    ("per_page=ten", "per_page"), ("page=0", "page"), ("page=-1", "page"),
])
def test_list_bad_arguments_422(client, world, api, query, field):
    assert_error(client.get(f"{EXPERTS}?{query}", headers=api(world.admin)), 422, fields=(field,))


def test_pagination_shape(client, world, api, factory):
    for i in range(21):
        factory.expert(f"分页专家{i:02d}", region_code="320100")
    h = api(world.officer_nj)
    first = client.get(EXPERTS, headers=h).get_json()
    assert set(first) == {"items", "total", "page", "per_page"}
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (22, 1, 20, 20)
    pages = [client.get(f"{EXPERTS}?page={p}&per_page=10", headers=h).get_json() for p in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [10, 10, 2, 0]
    assert all(p["total"] == 22 and p["per_page"] == 10 for p in pages)
    ids = [e["id"] for p in pages for e in p["items"]]
    assert len(ids) == len(set(ids)) == 22  # stable order, no duplicates, nothing skipped
    full = client.get(f"{EXPERTS}?per_page=100", headers=h).get_json()
    assert full["per_page"] == 100 and len(full["items"]) == 22
    item = full["items"][0]
    assert {"id", "name", "tier", "region_code", "employer", "specialties", "phone", "email", "status", "term_end",
            "max_open_consultations", "version"} <= set(item)


# ---------------------------------------------------------------- edit, suspend, retire

def test_patch_changes_fields_and_bumps_version(client, world, api, db):
    h = api(world.officer_nj)
    url = f"{EXPERTS}/{world.e_nj.id}"
    resp = client.patch(url, json={"title": "二级教授", "specialties": ["administrative_law", "petition_policy"]}, headers=h)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["title"], body["specialties"], body["version"]) == ("二级教授", ["administrative_law", "petition_policy"], 2)
    assert body["name"] == "王建国" and body["phone"] == world.e_nj.phone  # untouched fields kept
    db.session.expire_all()
    row = db.session.get(Expert, world.e_nj.id)
    assert (row.title, row.version, row.specialties) == ("二级教授", 2, ["administrative_law", "petition_policy"])
    # a PATCH that changes nothing keeps the version
    same = client.patch(url, json={"title": "二级教授"}, headers=h)
    assert same.status_code == 200 and same.get_json()["version"] == 2


def test_suspend_and_retire(client, world, api, db):
    h = api(world.officer_nj)
    url = f"{EXPERTS}/{world.e_nj.id}"
    assert client.patch(url, json={"status": "suspended", "version": 1}, headers=h).get_json()["status"] == "suspended"
    assert _names(client.get(f"{EXPERTS}?status=suspended", headers=h)) == ["王建国"]
    assert client.patch(url, json={"status": "retired", "version": 2}, headers=h).get_json()["status"] == "retired"
    db.session.expire_all()
    assert db.session.get(Expert, world.e_nj.id).status == "retired"
    assert client.patch(url, json={"status": "active"}, headers=h).get_json()["status"] == "active"
    assert_error(client.patch(url, json={"status": "deleted"}, headers=h), 422, fields=("status",))


def test_stale_version_409(client, world, api, db):
    h = api(world.officer_nj)
    url = f"{EXPERTS}/{world.e_nj.id}"
    assert client.patch(url, json={"title": "研究员", "version": 1}, headers=h).status_code == 200
    err = assert_error(client.patch(url, json={"title": "副研究员", "version": 1}, headers=h), 409, "stale_version")
    assert err["details"]["current_version"] == 2
    db.session.expire_all()
    assert db.session.get(Expert, world.e_nj.id).title == "研究员"
    assert client.patch(url, json={"title": "副研究员", "version": 2}, headers=h).get_json()["version"] == 3


def test_patch_bad_input(client, world, api, db):
    h = api(world.officer_nj)
    url = f"{EXPERTS}/{world.e_nj.id}"
    assert_error(client.patch(url, json={"region_code": "32"}, headers=h), 422, fields=("region_code",))
    assert_error(client.patch(url, json={"specialties": ["magic"]}, headers=h), 422, fields=("specialties",))
    assert_error(client.patch(url, json={"tier": "county"}, headers=h), 422, fields=("tier",))
    assert_error(client.patch(url, json={"favourite": 1}, headers=h), 422, fields=("favourite",))
    # moving the expert out of the officer's pool is refused
    assert_error(client.patch(url, json={"region_code": "320200"}, headers=h), 403)
    assert_error(client.patch(url, json={"tier": "provincial", "region_code": "320000"}, headers=h), 403)
    db.session.expire_all()
    row = db.session.get(Expert, world.e_nj.id)
    assert (row.region_code, row.tier, row.version) == ("320100", "municipal", 1)
    assert_error(client.patch(f"{EXPERTS}/999999", json={"title": "x"}, headers=h), 404)


def test_officer_of_another_province_cannot_read_or_change(client, world, api, db):
    """江苏 officers (provincial and 南京 municipal) see nothing of a 浙江 municipal expert."""
    url = f"{EXPERTS}/{world.e_hz.id}"
    for officer in (world.officer_js, world.officer_nj):
        h = api(officer)
        assert_error(client.get(url, headers=h), 404, "not_found")
        assert_error(client.patch(url, json={"title": "改"}, headers=h), 404)
        assert_error(client.post(f"{url}/conflicts", json={"person_name": "张三", "reason": "亲属"}, headers=h), 404)
        assert_error(client.post(f"{url}/unavailability", json={"start": "2026-12-08T09:00:00+08:00",
                                                                 "end": "2026-12-08T12:00:00+08:00"}, headers=h), 404)
        assert_error(client.get(f"{url}/conflicts", headers=h), 404)
    # the answer is the same as for an expert that does not exist
    assert client.get(url, headers=api(world.officer_nj)).get_json() == client.get(
        f"{EXPERTS}/999999", headers=api(world.officer_nj)).get_json()
    db.session.expire_all()
    assert db.session.get(Expert, world.e_hz.id).title == "教授"
    assert _count(db, ConflictDeclaration) == 0 and _count(db, Unavailability) == 0


def test_provincial_officer_reads_but_does_not_manage_municipal_experts(client, world, api):
    h = api(world.officer_js)
    assert client.get(f"{EXPERTS}/{world.e_nj.id}", headers=h).status_code == 200
    assert_error(client.patch(f"{EXPERTS}/{world.e_nj.id}", json={"title": "改"}, headers=h), 403)
    assert client.patch(f"{EXPERTS}/{world.e_js.id}", json={"title": "研究员"}, headers=h).status_code == 200


def test_expert_reads_only_own_record_and_cannot_patch_it(client, world, api, factory):
    other = factory.expert("同城专家", region_code="320100")
    h = api(world.expert_user)
    own = client.get(f"{EXPERTS}/{world.e_nj.id}", headers=h)
    assert own.status_code == 200 and own.get_json()["name"] == "王建国"
    for target in (other, world.e_hz, world.e_nat):
        assert_error(client.get(f"{EXPERTS}/{target.id}", headers=h), 404)
        assert_error(client.patch(f"{EXPERTS}/{target.id}", json={"title": "x"}, headers=h), 404)
    assert_error(client.patch(f"{EXPERTS}/{world.e_nj.id}", json={"title": "自封教授"}, headers=h), 403)
    assert_error(client.get(EXPERTS, headers=h), 403)


def test_agency_cannot_list_or_read_experts(client, world, api):
    h = api(world.agency_user)
    assert_error(client.get(EXPERTS, headers=h), 403, "forbidden")
    assert_error(client.get(f"{EXPERTS}/{world.e_nj.id}", headers=h), 404)
    assert_error(client.get(f"{EXPERTS}/export?format=csv", headers=h), 403)


# ---------------------------------------------------------------- declarations

def test_conflicts(client, world, api, db):
    h = api(world.officer_nj)
    url = f"{EXPERTS}/{world.e_nj.id}/conflicts"
    resp = client.post(url, json={"organization_id": world.agency.id, "reason": "曾担任该局法律顾问"}, headers=h)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert {k: body[k] for k in ("expert_id", "organization_id", "person_name", "case_id", "reason")} == {
        "expert_id": world.e_nj.id, "organization_id": world.agency.id, "person_name": None, "case_id": None,
        "reason": "曾担任该局法律顾问"}
    person = client.post(url, json={"person_name": "张某某", "reason": "近亲属"}, headers=h)
    assert person.status_code == 201
    listing = client.get(url, headers=h).get_json()["items"]
    assert [c["reason"] for c in listing] == ["曾担任该局法律顾问", "近亲属"]
    detail = client.get(f"{EXPERTS}/{world.e_nj.id}", headers=h).get_json()
    assert len(detail["conflicts"]) == 2
    assert client.delete(f"{url}/{body['id']}", headers=h).status_code == 204
    assert_error(client.delete(f"{url}/{body['id']}", headers=h), 404)
    assert _count(db, ConflictDeclaration) == 1
    # bad input
    assert_error(client.post(url, json={"reason": "没说和谁"}, headers=h), 422)
    assert_error(client.post(url, json={"person_name": "张三"}, headers=h), 422, fields=("reason",))
    assert_error(client.post(url, json={"organization_id": 999999, "reason": "x"}, headers=h), 422,
                 fields=("organization_id",))
    assert_error(client.post(url, json={"case_id": "abc", "reason": "x"}, headers=h), 422, fields=("case_id",))
    assert_error(client.post(f"{EXPERTS}/999999/conflicts", json={"person_name": "张三", "reason": "x"}, headers=h), 404)
    assert _count(db, ConflictDeclaration) == 1


def test_unavailability(client, world, api, db):
    h = api(world.officer_nj)
    url = f"{EXPERTS}/{world.e_nj.id}/unavailability"
    resp = client.post(url, json={"start": "2026-12-08T09:30:00+08:00", "end": "2026-12-10T17:30:00+08:00",
                                  "reason": "出差"}, headers=h)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["start"], body["end"], body["reason"]) == ("2026-12-08T09:30:00+08:00", "2026-12-10T17:30:00+08:00", "出差")
    # a naive datetime is read as Asia/Shanghai; another offset is converted
    naive = client.post(url, json={"start": "2027-01-04T09:00:00", "end": "2027-01-04T04:00:00Z"}, headers=h)
    assert naive.status_code == 201, naive.get_json()
    assert (naive.get_json()["start"], naive.get_json()["end"]) == ("2027-01-04T09:00:00+08:00", "2027-01-04T12:00:00+08:00")
    assert len(client.get(url, headers=h).get_json()["items"]) == 2
    assert client.delete(f"{url}/{body['id']}", headers=h).status_code == 204
    assert _count(db, Unavailability) == 1


def test_unavailability_end_before_start_422(client, world, api, db):
    h = api(world.expert_user)
    url = f"{EXPERTS}/{world.e_nj.id}/unavailability"
    err = assert_error(client.post(url, json={"start": "2026-12-10T09:00:00+08:00", "end": "2026-12-08T09:00:00+08:00"},
                                   headers=h), 422, fields=("end",))
    assert "晚于" in err["details"]["end"]
    assert_error(client.post(url, json={"start": "2026-12-10T09:00:00+08:00", "end": "2026-12-10T09:00:00+08:00"},
                             headers=h), 422, fields=("end",))
    assert_error(client.post(url, json={"start": "明天上午", "end": "2026-12-08T09:00:00+08:00"}, headers=h), 422,
                 fields=("start",))
    assert_error(client.post(url, json={"reason": "x"}, headers=h), 422, fields=("start", "end"))
    assert _count(db, Unavailability) == 0


def test_expert_maintains_own_declarations_only(client, world, api, db, factory):
    other = factory.expert("同城专家", region_code="320100")
    h = api(world.expert_user)
    own = f"{EXPERTS}/{world.e_nj.id}"
    c = client.post(f"{own}/conflicts", json={"person_name": "王某", "reason": "同学"}, headers=h)
    assert c.status_code == 201
    u = client.post(f"{own}/unavailability", json={"start": "2026-12-08T09:00:00+08:00", "end": "2026-12-08T17:00:00+08:00"},
                    headers=h)
    assert u.status_code == 201
    assert client.delete(f"{own}/conflicts/{c.get_json()['id']}", headers=h).status_code == 204
    for target in (other, world.e_hz):
        assert_error(client.post(f"{EXPERTS}/{target.id}/conflicts", json={"person_name": "王某", "reason": "同学"},
                                 headers=h), 404)
        assert_error(client.post(f"{EXPERTS}/{target.id}/unavailability",
                                 json={"start": "2026-12-08T09:00:00+08:00", "end": "2026-12-08T17:00:00+08:00"}, headers=h), 404)
    assert _count(db, ConflictDeclaration) == 0 and _count(db, Unavailability) == 1


def test_declaration_of_another_experts_row_is_404(client, world, api, factory):
    h = api(world.admin)
    c = client.post(f"{EXPERTS}/{world.e_hz.id}/conflicts", json={"person_name": "李某", "reason": "亲属"}, headers=h).get_json()
    u = client.post(f"{EXPERTS}/{world.e_hz.id}/unavailability", json={"start": "2026-12-08T09:00:00+08:00",
                                                                      "end": "2026-12-08T17:00:00+08:00"}, headers=h).get_json()
    # the expert of 南京 cannot remove 杭州's rows through their own URL
    e = api(world.expert_user)
    assert_error(client.delete(f"{EXPERTS}/{world.e_nj.id}/conflicts/{c['id']}", headers=e), 404)
    assert_error(client.delete(f"{EXPERTS}/{world.e_nj.id}/unavailability/{u['id']}", headers=e), 404)
    assert len(client.get(f"{EXPERTS}/{world.e_hz.id}/conflicts", headers=h).get_json()["items"]) == 1
