"""The one transaction boundary (app/transactions.py), through real routes: a page action
commits once on success; an error the page answers (ValidationFailed re-shown with 422, a
Conflict flashed) rolls back what the service had already written; an error it does not
answer reaches the error page, rolled back too. The API commits after a successful state
change only, never on a 4xx it answers itself, and its errors all have one shape."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.cases import services as case_services
from app.extensions import db as _db
from app.supervision import services as extension_services
from app.supervision.models import ExtensionRequest
from app.errors import Conflict, Forbidden, ValidationFailed
from app.experts.models import Expert
from app.timeutil import SHANGHAI
from tests.api.helpers import csv_bytes, roster_row, upload

TODAY = datetime.now(SHANGHAI).date()


@contextmanager
def counting_commits():
    """How many transactions every session commits inside the block."""
    seen: list[int] = []

    def count(session) -> None:
        seen.append(1)

    event.listen(Session, "after_commit", count)
    try:
        yield seen
    finally:
        event.remove(Session, "after_commit", count)


def audit_count(db, action: str) -> int:
    return db.session.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)).scalar_one()


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


@pytest.fixture
def case(world, db):
    """An accepted case of the 南京 agency, committed, with a deadline to extend."""
    case = case_services.create_case(world.agency_user, {
        "title": "事务边界测试事项", "summary": "经过", "claims": "诉求", "category": "land_expropriation",
        "region_code": "320102", "handling_org_id": world.agency.id, "accepted_on": TODAY.isoformat(),
        "petitioners": [{"name": "张三", "id_number": "320102198001011238", "phone": "13812345678"}]})
    db.session.commit()
    return case


def _page_state(db, case) -> tuple:
    """The case page's extension form files a request (issue 10): the deadline stays, a request row
    and its audit entry are written."""
    db.session.expire_all()
    requests = db.session.execute(select(func.count()).select_from(ExtensionRequest)
                                  .where(ExtensionRequest.case_id == case.id)).scalar_one()
    return case.due_date, case.version, requests, audit_count(db, "extension_request")


def _requested_then(raise_error, monkeypatch):
    """The extension request doing its whole work (request row, audit entry, notification,
    flushed) and then raising: what the page does must undo all of it."""
    real = extension_services.request_extension

    def request_then_fail(user, case_id, payload):
        real(user, case_id, payload)
        _db.session.flush()
        raise raise_error

    monkeypatch.setattr(extension_services, "request_extension", request_then_fail)


def test_success_commits_once_flashes_and_redirects(client, world, login, db, case):
    login(world.agency_user)
    due, version, requests, audits = _page_state(db, case)
    with counting_commits() as commits:
        resp = client.post(f"/cases/{case.id}/extend", data={"days": "20", "reason": "需补充调查"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/cases/{case.id}")
    assert len(commits) == 1
    assert _page_state(db, case) == (due, version, requests + 1, audits + 1)  # the office decides
    assert flashes(client) == [("success", "延期申请已提交，等待信访部门审批；批准后办理期限才会延长。")]


def test_validation_failed_re_renders_with_422_and_commits_nothing(client, world, login, db, case, monkeypatch):
    login(world.agency_user)
    before = _page_state(db, case)
    _requested_then(ValidationFailed({"reason": "测试：理由不充分"}), monkeypatch)
    with counting_commits() as commits:
        resp = client.post(f"/cases/{case.id}/extend", data={"days": "20", "reason": "需补充调查"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "测试：理由不充分" in html  # at the field, on the re-shown form
    # rolled back before the page was drawn: it shows the deadline as stored, not the one written
    assert f"data-due-date>{before[0]}" in html and str(before[0] + timedelta(days=20)) not in html
    assert commits == []
    assert _page_state(db, case) == before
    assert flashes(client) == []


def test_conflict_rolls_back_flashes_and_goes_back(client, world, login, db, case, monkeypatch):
    login(world.agency_user)
    before = _page_state(db, case)
    _requested_then(Conflict("测试：已被他人处理"), monkeypatch)
    with counting_commits() as commits:
        resp = client.post(f"/cases/{case.id}/extend", data={"days": "20", "reason": "需补充调查"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/cases/{case.id}")
    assert commits == []
    assert _page_state(db, case) == before
    assert flashes(client) == [("warning", "测试：已被他人处理")]


def test_an_error_the_page_does_not_answer_reaches_the_error_page_rolled_back(client, world, login, db, case, monkeypatch):
    login(world.agency_user)
    before = _page_state(db, case)
    _requested_then(Forbidden("测试：无权"), monkeypatch)
    with counting_commits() as commits:
        resp = client.post(f"/cases/{case.id}/extend", data={"days": "20", "reason": "需补充调查"})
    assert resp.status_code == 403 and "测试：无权" in resp.get_data(as_text=True)
    assert commits == []
    assert _page_state(db, case) == before


def test_an_audited_export_commits_its_entry(client, world, login, db, case):
    login(world.agency_user)
    before = audit_count(db, "export")
    with counting_commits() as commits:
        resp = client.get("/cases/export?format=xlsx")
    assert resp.status_code == 200
    assert len(commits) == 1 and audit_count(db, "export") == before + 1


def test_api_commits_a_successful_change_once_and_never_a_read(client, world, api, db, case):
    h = api(world.agency_user)
    with counting_commits() as commits:
        resp = client.post(f"/api/v1/cases/{case.id}/extend", headers=h, json={"days": 10, "reason": "需补充调查"})
    assert resp.status_code == 201, resp.get_json()
    assert len(commits) == 1 and audit_count(db, "extension_request") == 1
    with counting_commits() as commits:
        assert client.get("/api/v1/consultations", headers=h).status_code == 200
    assert commits == []
    with counting_commits() as commits:  # a read that records: the full view of petitioners' data (issue 9)
        assert client.get(f"/api/v1/cases/{case.id}", headers=h).status_code == 200
    assert len(commits) == 1 and audit_count(db, "view_personal_data") == 1
    with counting_commits() as commits:  # a GET that records: the export's audit entry
        assert client.get("/api/v1/cases/export", headers=h).status_code == 200
    assert len(commits) == 1


def test_api_error_raised_after_writing_is_rolled_back(client, world, api, db, case, monkeypatch):
    h = api(world.agency_user)
    before = _page_state(db, case)
    _requested_then(Conflict("测试：已被他人处理", code="test_conflict"), monkeypatch)
    with counting_commits() as commits:
        resp = client.post(f"/api/v1/cases/{case.id}/extend", headers=h, json={"days": 10, "reason": "需补充调查"})
    assert resp.status_code == 409
    assert resp.get_json() == {"error": {"code": "test_conflict", "message": "测试：已被他人处理", "details": {}}}
    assert commits == []
    assert _page_state(db, case) == before


def test_api_4xx_answered_by_the_view_writes_nothing(client, world, api, db):
    h = api(world.admin)
    def count() -> int:
        return db.session.execute(select(func.count()).select_from(Expert)).scalar_one()

    experts = count()
    rows = [roster_row(1), roster_row(2, 专业领域="占星术")]  # one good row, one bad: the file is refused whole
    with counting_commits() as commits:
        resp = upload(client, h, "roster.csv", csv_bytes(rows))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "import_invalid"
    assert commits == []
    assert count() == experts


@pytest.mark.parametrize(("path", "method", "status", "code"), [
    ("/api/v1/no-such-thing", "get", 404, "not_found"),
    ("/api/v1/cases", "delete", 405, "method_not_allowed"),
    ("/api/v1/cases/999999", "get", 404, "not_found"),
])
def test_api_errors_share_one_shape(client, world, api, path, method, status, code):
    resp = getattr(client, method)(path, headers=api(world.admin))
    assert resp.status_code == status
    body = resp.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
