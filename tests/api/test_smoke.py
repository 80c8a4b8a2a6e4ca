def test_token_and_taxonomy(client, world, api):
    headers = api(world.admin)
    resp = client.get("/api/v1/taxonomy", headers=headers)
    assert resp.status_code == 200
    assert {"code": "land_expropriation", "label": "征地拆迁"} in resp.get_json()["categories"]


def test_create_expert(client, world, api):
    headers = api(world.officer_nj)
    body = {"name": "周立新", "tier": "municipal", "region_code": "320100", "employer": "江苏某律师事务所",
            "title": "律师", "specialties": ["civil_law", "labor_law"], "phone": "13812345678",
            "email": "zhou@example.cn", "status": "active", "term_end": "2028-12-31", "max_open_consultations": 3}
    resp = client.post("/api/v1/experts", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    eid = resp.get_json()["id"]
    assert client.get(f"/api/v1/experts/{eid}", headers=api(world.officer_hz)).status_code == 404
    listing = client.get("/api/v1/experts?specialty=labor_law", headers=headers).get_json()
    assert [e["name"] for e in listing["items"]] == ["周立新"]
