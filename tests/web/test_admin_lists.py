"""The admin lists share their queries with the API (app/auth/queries.py, app/orgs/queries.py):
the same filters give the same rows in the same order."""

from __future__ import annotations

import pytest


def _in_page_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


@pytest.mark.parametrize(("page_query", "api_query"), [
    ("", ""), ("?role=officer", "?role=officer"), ("?q=nj", "?q=nj"), ("?active=1", "?active=true"),
])
def test_users_page_and_api_agree(client, world, login, api, page_query, api_query):
    headers = api(world.admin)
    resp = client.get("/api/v1/users" + api_query, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    names = [u["username"] for u in resp.get_json()["items"]]
    assert names
    login(world.admin)
    html = client.get("/admin/users" + page_query).get_data(as_text=True)
    assert all(n in html for n in names) and _in_page_order(html, names) == names


@pytest.mark.parametrize("query", ["?kind=petition_office", "?tier=provincial", "?q=南京", "?q=32"])
def test_organizations_page_and_api_agree(client, world, login, api, query):
    resp = client.get("/api/v1/organizations" + query, headers=api(world.admin))
    names = [o["name"] for o in resp.get_json()["items"]]
    assert names
    login(world.admin)
    html = client.get("/admin/organizations" + query).get_data(as_text=True)
    assert all(n in html for n in names) and _in_page_order(html, names) == names


def test_users_api_names_a_bad_filter(client, world, api):
    resp = client.get("/api/v1/users?role=chief&active=maybe", headers=api(world.admin))
    assert resp.status_code == 422 and {"role", "active"} <= set(resp.get_json()["error"]["details"])
