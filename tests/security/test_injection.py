"""Injection and out-of-range input (issue 8).

- SQL (``' OR 1=1--``, ``1; DROP TABLE users`` …) and search syntax (``*``, ``"``, ``AND OR NOT``,
  ``%``, ``_``, NUL, very long strings, unusual unicode) in every query parameter of every list,
  search and export route, UI and API: never a 5xx, API errors in the documented shape, and no
  row the caller cannot see without the parameter (ids ⊆ the unfiltered list's, total ≤ its
  total; other agencies' and other jurisdictions' case names never appear).
- Ids out of range (0, -1, 2**31, 2**63, 10**20) in every route that takes an id → 404, never
  5xx; page 0, -1, 10**20 and per_page 10**6 on every paged API list → 422 naming the field
  (api.md), on every paged UI list → the page (falling back to the first page), never 5xx.
"""

from __future__ import annotations

import re

import pytest

from tests.security import world
from tests.security.test_route_coverage import ROUTES

_clean_tables, sworld, mworld = world._clean_tables, world.sworld, world.mworld

PAYLOADS = ["' OR 1=1--", "1; DROP TABLE users", "1' UNION SELECT username, password_hash FROM users--", "' OR ''='",
            "*", '"', '"unclosed phrase', "AND OR NOT", "NOT", "-", "%", "_", "%_%", "\\", "()", "x" * 5000,
            "𠮷𡈽\u202e\u200b", "\x00", "1e309", "-1", "99999999999999999999"]
ID_OUT_OF_RANGE = [0, -1, 2**31, 2**63, 10**20]
PAGE_OUT_OF_RANGE = [("page", 0), ("page", -1), ("page", 10**20), ("page", "abc"), ("per_page", 0), ("per_page", 10**6),
                     ("per_page", 101)]

# (path, role, query parameters); path ids are world attributes in braces
API_LISTS = [
    ("/api/v1/cases", "agency", ["status", "category", "region_code", "overdue", "q", "page", "per_page"]),
    ("/api/v1/cases/export", "agency", ["format", "status", "category", "region_code", "overdue", "q"]),
    ("/api/v1/consultations", "agency", ["status", "queue", "case_id", "page", "per_page"]),
    ("/api/v1/consultations", "expert", ["status", "queue", "case_id"]),
    ("/api/v1/experts", "officer_same", ["tier", "region_code", "specialty", "status", "q", "page", "per_page"]),
    ("/api/v1/experts/export", "officer_same", ["format", "tier", "region_code", "specialty", "status", "q"]),
    ("/api/v1/notifications", "agency", ["unread", "page", "per_page"]),
    ("/api/v1/organizations", "agency", ["kind", "tier", "region_code", "q"]),
    ("/api/v1/consultations/{cons}/slots", "officer_same", ["from", "to", "duration_minutes"]),
    ("/api/v1/opinions/{draft}/diff", "officer_same", ["from", "to"]),
]
UI_LISTS = [
    ("/cases", "agency", ["status", "category", "region_code", "overdue", "q", "page", "per_page"]),
    ("/cases/export", "agency", ["format", "q", "status"]),
    ("/consultations", "agency", ["tab", "status", "page"]),
    ("/consultations", "officer_same", ["tab", "status", "page"]),
    ("/experts", "officer_same", ["tier", "region_code", "specialty", "status", "q", "page", "per_page"]),
    ("/experts/export", "officer_same", ["format", "q", "tier"]),
    ("/notifications", "agency", ["unread", "page"]),
    ("/admin/users", "admin", ["q", "role", "organization_id", "active", "page"]),
    ("/admin/audit", "admin", ["actor", "action", "object_type", "date_from", "date_to", "q", "page"]),
    ("/admin/organizations", "admin", ["kind", "tier", "q"]),
    ("/meetings/consultations/{cons}", "officer_same", ["from", "to"]),
    ("/opinions/{draft}/versions", "officer_same", ["from", "to"]),
    ("/consultations/new", "agency", ["case_id"]),
    ("/opinions/new", "officer_same", ["consultation_id"]),
]


BASE_ARGS = {"/api/v1/opinions/{draft}/diff": {"from": 1, "to": 1}}  # the arguments the route needs to answer 200


def _fill(path: str, w) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(getattr(w, m.group(1))), path)


def _item_ids(data) -> set:
    return {item.get("id", item.get("opinion_id")) for item in data["items"]}


def _hidden_names(role: str) -> tuple[str, ...]:
    """Names of rows the role must never see (another agency's and another jurisdiction's cases)."""
    hangzhou = ("周海燕", "杭州某小区", "杭州现场")
    return (*hangzhou, "某劳动争议") if role in ("agency", "expert") else hangzhou if role == "officer_same" else ()


@pytest.mark.parametrize(("path", "role", "param"), [(p, r, q) for p, r, qs in API_LISTS for q in qs],
                         ids=[f"{p} {q} [{r}]" for p, r, qs in API_LISTS for q in qs])
def test_api_query_parameter_injection(app, client, sworld, path, role, param):
    url = _fill(path, sworld)
    headers = {"Authorization": f"Bearer {sworld.tokens[role]}"}
    params = next(qs for p, r, qs in API_LISTS if p == path and r == role)
    base_args = dict(BASE_ARGS.get(path, {}))
    if "per_page" in params and param not in ("page", "per_page"):
        base_args["per_page"] = 100
    baseline = client.get(url, headers=headers, query_string=base_args)
    assert baseline.status_code == 200, baseline.get_data(as_text=True)[:300]
    base = baseline.get_json() if baseline.is_json else None
    for payload in PAYLOADS:
        resp = client.get(url, headers=headers, query_string={**base_args, param: payload})
        shown = f"{path}?{param}={payload[:40]!r} as {role}: {resp.status_code}"
        assert resp.status_code < 500, shown + "\n" + resp.get_data(as_text=True)[:300]
        if resp.status_code >= 400:
            assert resp.status_code in (400, 422), shown
            err = resp.get_json()["error"]
            assert set(err) == {"code", "message", "details"} and err["code"] and err["message"], shown
            continue
        if base is not None and "items" in base and resp.is_json:
            data = resp.get_json()
            assert _item_ids(data) <= _item_ids(base), f"{shown}: rows the unfiltered list does not show"
            if "total" in base:
                assert data["total"] <= base["total"], shown
        body = resp.get_data().decode("utf-8", errors="replace")
        for name in _hidden_names(role):
            assert name not in body, f"{shown}: reveals {name}"


@pytest.mark.parametrize(("path", "role", "param"), [(p, r, q) for p, r, qs in UI_LISTS for q in qs],
                         ids=[f"{p} {q} [{r}]" for p, r, qs in UI_LISTS for q in qs])
def test_ui_query_parameter_injection(app, client, sworld, path, role, param):
    url = _fill(path, sworld)
    client.set_cookie("session", sworld.cookies[role])
    assert client.get(url).status_code < 500
    for payload in PAYLOADS:
        resp = client.get(url, query_string={param: payload})
        shown = f"{path}?{param}={payload[:40]!r} as {role}: {resp.status_code}"
        assert resp.status_code < 500, shown
        assert resp.status_code in (200, 302, 400, 404, 422), shown
        body = resp.get_data().decode("utf-8", errors="replace")
        for name in _hidden_names(role):
            assert name not in body, f"{shown}: reveals {name}"


def test_search_text_is_not_a_wildcard(app, client, sworld):
    """``%`` / ``_`` / ``*`` are literal characters in a keyword, not patterns matching everything."""
    headers = {"Authorization": f"Bearer {sworld.tokens['officer_same']}"}
    everything = client.get("/api/v1/cases", headers=headers, query_string={"per_page": 100}).get_json()["total"]
    assert everything > 0
    for pattern in ("%", "_", "*", "%%", "' OR 1=1--", "' OR ''='"):
        for path in ("/api/v1/cases", "/api/v1/experts"):
            data = client.get(path, headers=headers, query_string={"q": pattern}).get_json()
            assert data["total"] == 0, f"{path}?q={pattern!r} matched {data['total']} rows"


# --------------------------------------------------------------------------- ids and pages out of range

ID_ROUTES = [(m, r) for m, r in ROUTES if re.search(r"<(\w+)>", r) and "<filename>" not in r]
KNOWN_IDS = {"case_id": "case", "consultation_id": "cons", "meeting_id": "meeting", "opinion_id": "draft",
             "attachment_id": "attachment", "comment_id": "comment", "expert_id": "e_nj", "org_id": "nj",
             "user_id": None, "notification_id": None, "conflict_id": None, "row_id": None, "version": None}


def _id_params():
    for method, rule in ID_ROUTES:
        for var in re.findall(r"<(\w+)>", rule):
            yield pytest.param(method, rule, var, id=f"{method} {rule} {var}")


@pytest.mark.parametrize(("method", "rule", "var"), list(_id_params()))
def test_id_out_of_range_is_404(app, client, sworld, method, rule, var):
    api = rule.startswith("/api/")
    headers = {"Authorization": f"Bearer {sworld.tokens['admin']}"} if api else {}
    if not api:
        client.set_cookie("session", sworld.cookies["admin"])
    body = {"json": {}} if api and method in ("POST", "PUT", "PATCH") else {"data": {}} if method == "POST" else {}
    for bad in ID_OUT_OF_RANGE:
        def value(m, bad=bad):
            name = m.group(1)
            if name == var:
                return str(bad)
            known = KNOWN_IDS.get(name)
            return "1" if known is None else str(getattr(sworld, known))

        url = re.sub(r"<(\w+)>", value, rule)
        resp = client.open(url, method=method, headers=headers, **body)
        assert resp.status_code == 404, f"{method} {url}: {resp.status_code}\n{resp.get_data(as_text=True)[:300]}"
        if api:
            assert resp.get_json()["error"]["code"] == "not_found"


API_PAGED = ["/api/v1/cases", "/api/v1/consultations", "/api/v1/experts", "/api/v1/notifications"]
UI_PAGED = [("/cases", "agency"), ("/consultations", "agency"), ("/experts", "officer_same"), ("/notifications", "agency"),
            ("/admin/users", "admin"), ("/admin/audit", "admin")]


@pytest.mark.parametrize("path", API_PAGED)
def test_api_page_out_of_range_is_422(app, client, sworld, path):
    headers = {"Authorization": f"Bearer {sworld.tokens['officer_same']}"}
    for name, bad in PAGE_OUT_OF_RANGE:
        resp = client.get(path, headers=headers, query_string={name: bad})
        assert resp.status_code == 422, f"{path}?{name}={bad}: {resp.status_code} {resp.get_data(as_text=True)[:200]}"
        err = resp.get_json()["error"]
        assert name in err["details"], err
    far = client.get(path, headers=headers, query_string={"page": 10**6})  # in range, past the end: an empty page
    assert far.status_code == 200 and far.get_json()["items"] == []


@pytest.mark.parametrize(("path", "role"), UI_PAGED)
def test_ui_page_out_of_range_falls_back(app, client, sworld, path, role):
    client.set_cookie("session", sworld.cookies[role])
    for name, bad in PAGE_OUT_OF_RANGE:
        resp = client.get(path, query_string={name: bad})
        assert resp.status_code == 200, f"{path}?{name}={bad}: {resp.status_code}"
