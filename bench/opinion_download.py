"""Benchmark: downloading an issued opinion's PDF (target ≤ 20 ms) against rendering it on the fly.

Run: ``.venv/bin/python bench/opinion_download.py [--requests 100] [--database-url URL]`` (≈15 s).
Builds a fresh database (a temporary SQLite file unless ``--database-url``/``BENCH_DATABASE_URL``
names a PostgreSQL database), a consultation whose panel signed a realistic ~5-page opinion
(the text of ``tests.documents.sample``), issues it through the API (rendering and storing PDF and
DOCX once), then times ``GET /api/v1/opinions/<id>/pdf`` through the Flask test client — the
whole request: bearer-token check, access check, the stored bytes — and, for comparison, what a
download would cost if the PDF were rendered per request (the draft path). Prints p50/p95 and the
ratio to the 20 ms target (< 1.0 = within target).
"""

from __future__ import annotations

import argparse
import gc
import io
import hashlib
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_MS = 20.0
PASSWORD = "Bench-passw0rd"


def build(db):
    """Offices, an agency, a case with a 5-member panel that accepted and signed the sample opinion."""
    from app.auth.models import User
    from app.cases.models import Case, Petitioner
    from app.consultations.models import Consultation, PanelMember
    from tests.documents import sample
    from app.experts.models import Expert
    from app.opinions.models import Opinion, OpinionSignature, OpinionVersion
    from app.orgs.models import Organization

    office = Organization(name="江苏省信访局", kind="petition_office", tier="provincial", region_code="320000",
                          doc_prefix="苏信专审")
    agency = Organization(name="南京市江宁区人民政府", kind="handling_agency", tier="county", region_code="320115")
    db.session.add_all([office, agency])
    db.session.flush()
    officer = User(username="bench_officer", display_name="经办人", role="officer", organization_id=office.id)
    officer.set_password(PASSWORD)
    case = Case(case_number="320115-2026-00001", title="王堃反映征地补偿安置问题信访事项", summary="见意见书。",
                claims="提高补偿标准", category="land_expropriation", region_code="320115", handling_org_id=agency.id,
                first_petition_date=date(2022, 4, 1), cross_flags=[], is_backlog=True, status="consulting")
    case.petitioners = [Petitioner(name="王堃")]
    c = Consultation(case=case, questions="补偿与安置是否合法？", required_specialties=["land_property_law"], panel_size=5,
                     status="deliberated", tier="provincial", office_id=office.id, requesting_org_id=agency.id)
    experts = [Expert(name=s.name, tier="provincial", region_code="320000", employer=s.employer, title=s.title,
                      phone=f"1390000000{i}", status="active") for i, s in enumerate(sample.SIGNERS)]
    db.session.add_all([officer, case, c, *experts])
    db.session.flush()
    c.members = [PanelMember(expert_id=e.id, role="chair" if i == 0 else "member", status="accepted")
                 for i, e in enumerate(experts)]
    op = Opinion(consultation=c, case_id=case.id, status="draft", version=1,
                 title="关于王堃反映征地补偿安置问题信访事项的法律审查意见书", addressee=agency.name, claims=sample.CLAIMS,
                 basic_facts=sample.BASIC_FACTS, consultation_summary=sample.MEETING_NOTE, findings=sample.FINDINGS,
                 analysis=sample.ANALYSIS, conclusion="claim_partly_reasonable",
                 recommendations=["reprocess", "explain_and_educate", "mediation", "social_assistance"],
                 legal_basis=["《中华人民共和国土地管理法》第四十八条", "《中华人民共和国城乡规划法》第六十五条",
                              "《信访工作条例》第三十三条", "《信访工作条例》第三十五条"],
                 dissent=sample.DISSENT, cc="南京市信访局、江宁区信访局")
    db.session.add(op)
    db.session.flush()
    db.session.add(OpinionVersion(opinion=op, version=1, content={}))
    for e in experts:
        db.session.add(OpinionSignature(opinion=op, expert_id=e.id, version=1))
    db.session.commit()
    return officer, op.id


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db

    tmp = tempfile.mkdtemp(prefix="bench-opinion-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    schema = None
    if url.startswith("postgres"):
        # A schema of its own, dropped at the end: never touches the database's other tables.
        from sqlalchemy import create_engine, text

        url = "postgresql+psycopg://" + url.split("://", 1)[1]
        schema = f"bench_opinion_{os.getpid()}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": tmp})
    try:
        return run(app, args, url)
    finally:
        if schema:
            with app.app_context():
                db.engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def run(app, args, url: str) -> int:
    from app.extensions import db

    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        officer, opinion_id = build(db)
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": officer.username, "password": PASSWORD}).get_json()
        headers = {"Authorization": f"Bearer {token['token']}"}

        t0 = time.perf_counter()
        issued = client.post(f"/api/v1/opinions/{opinion_id}/issue", headers=headers)
        issue_s = time.perf_counter() - t0
        assert issued.status_code == 200, issued.get_json()
        body = issued.get_json()

        from app.opinions import issuing
        from app.opinions.models import Opinion

        doc = issuing.document_for(db.session.get(Opinion, opinion_id))
        renders = []
        for _ in range(3):
            start = time.perf_counter()
            issuing.render_pdf_bytes(doc)
            renders.append((time.perf_counter() - start) * 1000)
        db.session.remove()

    # Each request below runs in its own app context and database session, as in production:
    # nothing is cached between requests but the connection pool.
    gc.collect()

    def download(extra: dict | None = None) -> tuple[float, object]:
        start = time.perf_counter()
        resp = client.get(f"/api/v1/opinions/{opinion_id}/pdf", headers={**headers, **(extra or {})})
        return (time.perf_counter() - start) * 1000, resp

    _, first = download()  # warm-up (statement cache)
    assert first.status_code == 200 and hashlib.sha256(first.data).hexdigest() == body["pdf_sha256"]
    times = [download()[0] for _ in range(args.requests)]
    etag = first.headers["ETag"]
    cached = [download({"If-None-Match": etag})[0] for _ in range(args.requests)]

    pages = len(PdfReader(io.BytesIO(first.data)).pages)
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    render_p50 = statistics.median(renders)
    print(f"database           {url.split(':', 1)[0]}")
    print(f"python             {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"opinion            {body['number']}, {pages} pages, PDF {len(first.data) / 1024:.0f} KiB")
    print(f"issue (render+store PDF and DOCX, number, audit; first render in the process) {issue_s * 1000:.0f} ms")
    print(f"download issued PDF ×{args.requests}: p50 {p50:.2f} ms  p95 {p95:.2f} ms  "
          f"(target {TARGET_MS:.0f} ms, ratio p50/target {p50 / TARGET_MS:.2f})")
    print(f"revalidate (If-None-Match → 304) ×{args.requests}: p50 {statistics.median(cached):.2f} ms")
    print(f"render per request instead (draft path) ×3: p50 {render_p50:.0f} ms "
          f"→ stored bytes are {render_p50 / p50:.0f}× faster")
    return 0 if p50 <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
