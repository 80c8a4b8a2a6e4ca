"""The input guard reads an API body as the views do (JSON whatever the content type says), so
neither a control character nor a body nested past the parser's stack gets past it."""

from __future__ import annotations


def test_deeply_nested_body_without_json_type_is_a_400(client, world, api):
    headers = api(world.agency_user) | {"Content-Type": "text/plain"}
    resp = client.post("/api/v1/cases", data="[" * 100_000 + "]" * 100_000, headers=headers)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "malformed_json"


def test_control_character_in_a_body_without_json_type_is_refused(client, world, api):
    headers = api(world.agency_user) | {"Content-Type": "text/plain"}
    resp = client.post("/api/v1/cases", data='{"title": "a\\u0001b"}', headers=headers)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["details"] == {"title": "不能包含不可见的控制字符"}
