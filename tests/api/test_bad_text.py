"""Text no database should store: a NUL character anywhere in a JSON body is a 422 naming the
field (PostgreSQL would otherwise fail with a 500), and nothing is written."""

from app.experts.models import Expert
from app.extensions import db


def test_nul_in_json_body_is_422_naming_the_field(client, world, api):
    body = {"name": "周\u0000立新", "tier": "municipal", "region_code": "320100", "employer": "某律师事务所",
            "specialties": ["civil_law"], "phone": "13812345678"}
    before = db.session.query(Expert).count()
    resp = client.post("/api/v1/experts", json=body, headers=api(world.officer_nj))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["details"] == {"name": "不能包含空字符（NUL）"}
    assert db.session.query(Expert).count() == before


def test_nul_nested_in_a_list_is_named_by_path(client, world, api):
    body = {"name": "周立新", "tier": "municipal", "region_code": "320100", "employer": "某律师事务所",
            "specialties": ["civil_law", "x\u0000"], "phone": "13812345678"}
    resp = client.post("/api/v1/experts", json=body, headers=api(world.officer_nj))
    assert resp.status_code == 422
    assert "specialties[1]" in resp.get_json()["error"]["details"]


def test_favicon_is_served_locally(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").status_code == 200
