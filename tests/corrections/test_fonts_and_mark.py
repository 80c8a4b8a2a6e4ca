"""Issue 9, items 6 and 8: the administrators' font report, and the per-office 发文机关标志
setting carried into issued opinions."""

from __future__ import annotations

import json

from app.documents.fonts import ROLES, font_report
from app.extensions import db
from app.opinions.models import OpinionFile
from app.orgs.models import Organization
from tests.api.test_opinions import build_panel, draft_ready


def test_font_report_names_each_role_and_what_prints_it():
    rows = font_report()
    assert [r.role for r in rows] == list(ROLES)
    for row in rows:
        assert row.label and row.official_names
        assert row.official == (row.family in row.official_names) or not row.family


def test_admin_sees_the_font_report(client, world, login):
    login(world.admin)
    html = client.get("/admin/fonts").get_data(as_text=True)
    assert "data-font-report" in html and "仿宋_GB2312" in html and "方正小标宋简体" in html
    for row in font_report():
        assert f'data-role="{row.role}"' in html
        assert (row.family or "未找到字体") in html
    assert ("data-fonts-official" in html) == all(r.official for r in font_report())


def test_officer_may_not_see_the_font_report(client, world, login):
    login(world.officer_nj)
    assert client.get("/admin/fonts").status_code == 403


def test_issuer_mark_is_an_office_setting_off_by_default(client, world, api, login, factory):
    office = db.session.get(Organization, world.nj.id)
    assert office.print_issuer_mark is False and office.issuer_mark_text == ""
    login(world.admin)
    resp = client.post(f"/admin/organizations/{office.id}/edit", data={
        "name": office.name, "kind": office.kind, "tier": office.tier, "region_code": office.region_code,
        "parent_id": str(office.parent_id or ""), "doc_prefix": office.doc_prefix or "", "print_issuer_mark": "y",
        "issuer_mark": "南京市信访局"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    db.session.expire_all()
    assert db.session.get(Organization, office.id).issuer_mark_text == "南京市信访局"
    panel = build_panel(world, factory)
    op = draft_ready(client, api, panel)
    resp = client.post(f"/api/v1/opinions/{op['id']}/issue", headers=api(world.officer_nj))
    assert resp.status_code == 200, resp.get_json()
    content = json.loads(db.session.query(OpinionFile).filter_by(opinion_id=op["id"], kind="content").one().data)
    assert content["issuer_mark"] == "南京市信访局" and content["issued_at"]
    pdf = client.get(f"/api/v1/opinions/{op['id']}/pdf", headers=api(world.officer_nj)).data
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert document.pages[0].extract_text().splitlines()[0].replace(" ", "") == "南京市信访局"
