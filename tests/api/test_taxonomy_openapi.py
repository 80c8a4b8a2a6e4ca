"""The code lists of domain.md through /taxonomy, and the OpenAPI document."""

from __future__ import annotations

import json
import re

import pytest

from tests.api.helpers import assert_error

# Copied from shared/domain.md ("Fixed code lists"), the source of truth; not imported from the app.
DOMAIN_LISTS = {
    "categories": {
        "urban_construction": "城乡建设", "land_expropriation": "征地拆迁", "natural_resources": "自然资源",
        "housing": "住房保障与物业", "agriculture": "农村农业", "labor_social_security": "劳动和社会保障",
        "health": "卫生健康", "education": "教育文体", "civil_affairs": "民政与社会救助", "veterans": "退役军人事务",
        "law_litigation": "政法/涉法涉诉", "discipline": "纪检监察", "personnel": "组织人事",
        "party_government": "党务政务", "economy_enterprise": "经济管理/企业改制", "finance": "金融",
        "transport": "交通运输", "environment": "生态环境", "market_regulation": "市场监管", "water": "水利",
        "science_info": "科技与信息", "ethnic_religion": "统战民族宗教", "other": "其他",
    },
    "specialties": {
        "administrative_law": "行政法与行政诉讼", "civil_law": "民商法", "labor_law": "劳动与社会保障法",
        "land_property_law": "土地与房地产法", "environmental_law": "环境资源法", "criminal_law": "刑事法",
        "procedure_arbitration": "诉讼与仲裁程序", "family_inheritance": "婚姻家庭与继承",
        "medical_law": "医疗卫生法", "social_assistance": "社会救助政策", "petition_policy": "信访政策",
        "psychology": "心理疏导", "enterprise_restructuring": "企业改制与国资", "finance_law": "金融法",
    },
    "cross_flags": {
        "cross_region": "跨地区", "cross_department": "跨部门", "cross_industry": "跨行业",
        "person_household_separated": "人户分离", "person_matter_separated": "人事分离",
        "person_matter_household_separated": "人事户分离",
    },
    "conclusions": {"claim_reasonable": "诉求合理", "claim_partly_reasonable": "诉求部分合理",
                    "claim_unreasonable": "诉求不合理"},
    "recommendations": {
        "support_claim": "支持诉求、解决到位", "explain_and_educate": "解释说明、思想疏导",
        "terminate_per_law": "依法终结", "social_assistance": "纳入救助帮扶",
        "mediation": "组织调解（人民/行政/司法调解）", "legal_channel": "引导通过诉讼、仲裁、复议等法定途径解决",
        "reprocess": "建议责任单位重新处理", "hearing": "组织听证", "joint_handling": "建议联合办理或上级协调",
    },
}
# Lists the app adds beyond the contract's five; their codes are fixed by domain.md as well.
EXTRA_CODES = {
    "tiers": {"national", "provincial", "municipal", "county"},
    "expert_statuses": {"active", "suspended", "retired"},
    "organization_kinds": {"petition_office", "handling_agency", "other"},
    "roles": {"admin", "officer", "agency", "expert"},
    "recusal_reasons": {"same_employer", "declared_conflict", "prior_involvement", "unavailable", "inactive",
                        "term_expired", "over_capacity", "specialty_mismatch"},
}


def test_taxonomy_lists_every_code_list_of_domain_md(client, world, api):
    for user in (world.admin, world.officer_hz, world.agency_user, world.expert_user):
        resp = client.get("/api/v1/taxonomy", headers=api(user))
        assert resp.status_code == 200
        body = resp.get_json()
        for name, expected in DOMAIN_LISTS.items():
            items = body[name]
            assert all(set(i) == {"code", "label"} for i in items), name
            # same codes, same labels, in domain.md's order
            assert [(i["code"], i["label"]) for i in items] == list(expected.items()), name
        for name, codes in EXTRA_CODES.items():
            assert codes <= {i["code"] for i in body[name]}, name


def test_taxonomy_needs_a_token(client, world):
    assert_error(client.get("/api/v1/taxonomy"), 401)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule).removeprefix("/api/v1")


def test_openapi_validates_against_the_openapi_3_specification(client):
    """openapi-spec-validator checks the document against the OpenAPI 3 schema and its rules
    (path parameters declared, unique operation ids, resolvable $refs …)."""
    spec = pytest.importorskip("openapi_spec_validator", reason="openapi-spec-validator is in requirements.txt")
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    doc = client.get("/api/v1/openapi.json").get_json()
    spec.validate(doc)  # raises OpenAPIValidationError on an invalid document
    with pytest.raises(OpenAPIValidationError):  # the validator does bite
        spec.validate({**doc, "paths": {"/x": {"get": {"responses": "nope"}}}})
    with pytest.raises(OpenAPIValidationError):
        spec.validate({**doc, "paths": {"/x/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}}})


def test_openapi_is_an_openapi_3_document_listing_every_api_route(client, app):
    resp = client.get("/api/v1/openapi.json")  # public: no token needed
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert all(path.startswith("/") for path in doc["paths"])

    base = doc["servers"][0]["url"]
    assert base == "/api/v1"
    expected = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            expected.add((_openapi_path(rule.rule), method.lower()))
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops
                  if method in ("get", "post", "put", "patch", "delete")}
    assert expected, "no API routes found"
    assert expected - documented == set(), "routes missing from openapi.json"
    assert documented - expected == set(), "openapi.json documents routes that do not exist"

    op_ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(op_ids) == len(set(op_ids))
    for path, ops in doc["paths"].items():
        names = re.findall(r"{(\w+)}", path)
        for method, op in ops.items():
            assert op["summary"], (path, method)
            assert op["responses"], (path, method)
            in_path = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            assert sorted(in_path) == sorted(names), (path, method)
            public = (path, method) in {("/auth/token", "post"), ("/openapi.json", "get"), ("/verify", "post")}
            assert bool(op.get("security")) != public, (path, method)


def test_openapi_documents_bodies_and_contract_statuses(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    assert "201" in paths["/experts"]["post"]["responses"]
    assert "422" in paths["/experts"]["post"]["responses"]
    assert "204" in paths["/auth/token"]["delete"]["responses"]
    ref = paths["/experts"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"name", "tier", "region_code", "employer", "specialties", "phone"} <= set(schema["required"])
    assert {"email", "status", "term_end", "max_open_consultations", "employer_organization_id", "title"} <= set(schema["properties"])
    # optional fields in OpenAPI 3.0's own dialect (no JSON Schema 2020 "null" type)
    if doc["openapi"].startswith("3.0"):
        assert schema["properties"]["term_end"]["nullable"] is True
        assert '"null"' not in json.dumps(doc["components"])
    upload = paths["/experts/import"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["file"]["format"] == "binary"
    params = {p["name"] for p in paths["/experts"]["get"]["parameters"]}
    assert {"tier", "region_code", "specialty", "status", "q", "page", "per_page"} <= params
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
