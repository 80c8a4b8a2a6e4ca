"""Fault injection against a served instance: gunicorn (2 workers) on loopback over the demo data,
on the database of this test run (SQLite, or a scratch PostgreSQL database next to
TEST_DATABASE_URL's). One instance serves every fault test of the session (set-up ~30 s)."""

from __future__ import annotations

import itertools
import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from loadkit import DEMO_PASSWORD, Instance, free_port  # noqa: E402 (bench/ is not a package)
from load import id_number  # noqa: E402

_serial = itertools.count(500)


def db_kind() -> str:
    return "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") else "sqlite"


@pytest.fixture(scope="session")
def served():
    url = os.environ.get("TEST_DATABASE_URL", "")
    pg_admin = url.rsplit("/", 1)[0] + "/postgres" if url.startswith("postgres") else None
    smtp_port = free_port()  # nothing listens there until a test starts an SMTP server
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_TIMEOUT": "3",
           "OUTBOX_BACKOFF_SECONDS": "1", "OUTBOX_BACKOFF_MAX_SECONDS": "4"}
    with Instance(db_kind(), workers=2, extra_env=env, pg_admin=pg_admin) as inst:
        inst.smtp_port = smtp_port
        yield inst


class Api:
    """A signed-in API client (bearer token) of the served instance."""

    def __init__(self, base: str, username: str, password: str = DEMO_PASSWORD):
        self.base = base
        self.http = requests.Session()
        resp = self.http.post(f"{base}/api/v1/auth/token", json={"username": username, "password": password}, timeout=30)
        assert resp.status_code == 201, resp.text
        body = resp.json()
        self.user = body["user"]
        self.http.headers["Authorization"] = f"Bearer {body['token']}"

    def call(self, method: str, path: str, expect: int | tuple | None = None, **kw) -> requests.Response:
        resp = self.http.request(method, self.base + path, timeout=kw.pop("timeout", 60), **kw)
        if expect is not None:
            allowed = expect if isinstance(expect, tuple) else (expect,)
            assert resp.status_code in allowed, (method, path, resp.status_code, resp.text[:500])
        return resp


def expert_api(inst: Instance, admin: Api, expert_id: int) -> Api:
    from sqlalchemy import text

    with inst.engine().connect() as conn:
        row = conn.execute(text("SELECT e.name, u.username FROM experts e LEFT JOIN users u ON u.expert_id = e.id "
                                "WHERE e.id = :id"), {"id": expert_id}).one()
    username = row.username
    if username is None:
        username = f"faultexpert{expert_id}"
        admin.call("POST", "/api/v1/users", 201, json={"username": username, "password": DEMO_PASSWORD,
                                                      "display_name": row.name, "role": "expert", "expert_id": expert_id})
    return Api(inst.base_url, username)


def new_case(agency: Api, title: str = "故障演练信访事项") -> dict:
    return agency.call("POST", "/api/v1/cases", 201, json=case_body(agency, title)).json()


def ready_opinion(inst: Instance) -> tuple[int, Api]:
    """An opinion of 南京's office signed by its whole panel, ready to issue; (id, officer)."""
    admin, officer, agency = (Api(inst.base_url, u) for u in ("admin", "nj_officer", "nj_agency"))
    case = new_case(agency)
    c = agency.call("POST", f"/api/v1/cases/{case['id']}/consultations", 201, json={
        "questions": "征收补偿标准是否合法？应如何处理？",
        "required_specialties": ["administrative_law", "civil_law", "land_property_law", "petition_policy"],
        "panel_size": 3}).json()
    panel = officer.call("POST", f"/api/v1/consultations/{c['id']}/panel", 201, json={"reserves": 2}).json()
    members = [m["expert_id"] for m in panel["members"]]
    experts = {eid: expert_api(inst, admin, eid) for eid in members}
    for eid, api in experts.items():
        api.call("POST", f"/api/v1/consultations/{c['id']}/invitations/{eid}", 200, json={"response": "accept"})
    meeting = None
    day = date.today()
    for _ in range(12):
        day -= timedelta(days=1)
        resp = officer.call("POST", f"/api/v1/consultations/{c['id']}/meetings", (201, 422), json={
            "start": datetime(day.year, day.month, day.day, 9, 30).isoformat() + "+08:00", "duration_minutes": 90,
            "mode": "onsite", "location": "南京市信访局第一会议室", "held": True})
        if resp.status_code == 201:
            meeting = resp.json()["id"]
            break
    assert meeting is not None
    officer.call("POST", f"/api/v1/meetings/{meeting}/minutes", 201,
                 json={"text": "专家组就征收补偿标准进行了讨论。", "attendee_expert_ids": members})
    chair = next(m["expert_id"] for m in panel["members"] if m["role"] == "chair")
    op = experts[chair].call("POST", f"/api/v1/consultations/{c['id']}/opinion", 201, json={
        "basic_facts": "区人民政府作出征收补偿决定。", "findings": "补偿标准依据已公布的标准确定。",
        "analysis": "补偿标准不低于类似房地产市场价格。", "conclusion": "claim_partly_reasonable",
        "recommendations": ["explain_and_educate"], "legal_basis": ["信访工作条例第33条"]}).json()
    for api in experts.values():
        api.call("POST", f"/api/v1/opinions/{op['id']}/signatures", 201, json={})
    return op["id"], officer


def ui_session(base: str, username: str) -> requests.Session:
    """A browser-like session signed in through the real form (with its CSRF token)."""
    import re

    http = requests.Session()
    page = http.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    resp = http.post(f"{base}/login", data={"username": username, "password": DEMO_PASSWORD,
                                            "csrf_token": token.group(1) if token else ""},
                     allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text[:300]
    return http


def case_body(agency: Api, title: str = "故障演练信访事项") -> dict:
    n = next(_serial)
    return {"title": f"{title}{n}", "summary": "信访人反映房屋被征收后补偿标准偏低。", "claims": "要求按市场评估价补偿",
            "category": "land_expropriation", "region_code": "320102", "handling_org_id": agency.user["organization_id"],
            "cooperating_org_ids": [], "petitioners": [{"name": "刘某某", "id_number": id_number(n),
                                                        "phone": f"139{n:08d}", "address": "南京市某区某路1号"}],
            "first_petition_date": "2025-03-01", "repeat_letters": 1, "repeat_visits": 2, "repeat_online": 0,
            "cross_flags": [], "responsible_leader": "李副区长", "is_backlog": True}


def audit_verifies(inst: Instance) -> None:
    result = inst.flask("audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
