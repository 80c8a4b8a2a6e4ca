"""Document numbers 〔YYYY〕<prefix><n>号 are unique and gap-free per office and year, even when
many opinions are issued at the same moment.

Twenty opinions of one office, each signed by its whole panel, are issued by twenty threads at
once, each with its own test client (so its own app context, database session and connection).
On PostgreSQL the requests really run in parallel and meet at the counter's row lock; on SQLite
they serialize on the single writer lock (WAL, busy timeout). The PDF/DOCX renderers are
replaced by stubs here only, so that the test measures numbering, not typesetting (the documents
are tested in tests/api/test_opinions.py and tests/documents/).
"""

from __future__ import annotations

import re
import threading
from datetime import datetime

import pytest

from app.audit import services as audit
from app.extensions import db
from app.opinions import issuing
from app.opinions.models import Opinion, OpinionSignature, OpinionVersion
from app.timeutil import SHANGHAI
from tests.api.helpers import stub_opinion_files
from tests.api.test_opinions import ANALYSIS, build_panel

COUNT = 20
NUMBER_RE = re.compile(r"^〔(\d{4})〕宁信专审([1-9]\d*)号$")


@pytest.fixture
def stub_renderers(monkeypatch):
    stub_opinion_files(monkeypatch, pdf=lambda doc: b"%PDF-1.7 stub " + doc.number.encode(),
                       docx=lambda doc: b"PK stub " + doc.number.encode())


def signed_draft(world, factory) -> Opinion:
    """A complete draft of a new consultation of 南京市信访局, signed by its three members."""
    panel = build_panel(world, factory)
    c = panel.consultation
    op = Opinion(consultation=c, case_id=c.case_id, status="draft", version=1, title=f"关于{c.case.title}的法律审查意见书",
                 addressee=world.agency.name, basic_facts="基本情况。", claims="诉求。", consultation_summary="会商情况。",
                 findings="查明事实。", analysis=ANALYSIS, conclusion="claim_unreasonable",
                 recommendations=["explain_and_educate"], legal_basis=["《信访工作条例》第三十五条"])
    db.session.add(op)
    db.session.flush()
    db.session.add(OpinionVersion(opinion=op, version=1, content={}))
    for user, expert in zip(panel.users, panel.experts, strict=True):
        db.session.add(OpinionSignature(opinion=op, expert_id=expert.id, user_id=user.id, version=1))
    db.session.commit()
    return op


def test_concurrent_issues_get_distinct_consecutive_numbers(app, client, world, factory, api, stub_renderers):
    world.nj.doc_prefix = "宁信专审"
    db.session.commit()
    ids = [signed_draft(world, factory).id for _ in range(COUNT)]
    headers = api(world.officer_nj)
    barrier = threading.Barrier(COUNT)
    results: dict[int, tuple[int, dict]] = {}

    def issue(opinion_id: int) -> None:
        own = app.test_client()
        barrier.wait()
        resp = own.post(f"/api/v1/opinions/{opinion_id}/issue", headers=headers)
        results[opinion_id] = (resp.status_code, resp.get_json())

    threads = [threading.Thread(target=issue, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == COUNT
    failures = {i: r for i, r in results.items() if r[0] != 200}
    assert not failures, failures
    numbers = [body["number"] for _, body in results.values()]
    year = datetime.now(SHANGHAI).year
    parsed = [NUMBER_RE.match(n) for n in numbers]
    assert all(parsed), numbers
    assert {int(m[1]) for m in parsed} == {year}
    assert sorted(int(m[2]) for m in parsed) == list(range(1, COUNT + 1))
    db.session.expire_all()
    stored = db.session.query(Opinion.number, Opinion.number_seq, Opinion.status).filter(Opinion.id.in_(ids)).all()
    assert sorted(seq for _, seq, _ in stored) == list(range(1, COUNT + 1))
    assert {status for _, _, status in stored} == {"issued"}
    assert audit.verify().ok  # the audit chain stayed intact under the concurrent writes


def test_failed_issue_returns_its_number(app, client, world, factory, api, stub_renderers, monkeypatch):
    world.nj.doc_prefix = "宁信专审"
    db.session.commit()
    first, second = signed_draft(world, factory), signed_draft(world, factory)
    headers = api(world.officer_nj)

    def broken(doc):
        raise RuntimeError("renderer crashed")

    with monkeypatch.context() as m:
        m.setattr(issuing, "render_pdf_bytes", broken)
        resp = client.post(f"/api/v1/opinions/{first.id}/issue", headers=headers)
        assert resp.status_code == 500
    db.session.expire_all()
    assert db.session.get(Opinion, first.id).status == "draft"
    numbers = [client.post(f"/api/v1/opinions/{i}/issue", headers=headers).get_json()["number"] for i in (second.id, first.id)]
    assert [int(NUMBER_RE.match(n)[2]) for n in numbers] == [1, 2]


def test_numbers_are_per_office(client, world, factory, api, stub_renderers):
    """Each office counts on its own: the provincial office's first opinion is number 1 too."""
    world.nj.doc_prefix = "宁信专审"
    db.session.commit()
    nj = signed_draft(world, factory)
    panel = build_panel(world, factory, office=world.js)
    c = panel.consultation
    js = Opinion(consultation=c, case_id=c.case_id, status="draft", version=1, title="关于某事项的法律审查意见书",
                 addressee="某机关", basic_facts="基本情况。", analysis="分析。", conclusion="claim_reasonable",
                 recommendations=["support_claim"], legal_basis=[])
    db.session.add(js)
    db.session.flush()
    for user, expert in zip(panel.users, panel.experts, strict=True):
        db.session.add(OpinionSignature(opinion=js, expert_id=expert.id, user_id=user.id, version=1))
    db.session.commit()
    a = client.post(f"/api/v1/opinions/{nj.id}/issue", headers=api(world.officer_nj)).get_json()["number"]
    b = client.post(f"/api/v1/opinions/{js.id}/issue", headers=api(world.officer_js)).get_json()["number"]
    assert a.endswith("宁信专审1号") and b.endswith("苏信专审1号")
