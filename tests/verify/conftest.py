"""Issued opinions for the authenticity tests: issued through the API (signed by 南京市信访局's
certificate, made at the first issue in this session's PKI), with a seal when a test asks."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw

from app.extensions import db
from tests.api.test_opinions import build_panel, draft_ready

PETITIONER = "刘德明"
CASE_TITLE = "刘德明房屋征收补偿信访事项"


def seal_png(color=(220, 0, 0, 255), background=(0, 0, 0, 0), size=420) -> bytes:
    """A round seal: a ring and a star, ``color`` on ``background``."""
    image = Image.new("RGBA", (size, size), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, size - 10, size - 10), outline=color, width=size // 24)
    draw.regular_polygon((size // 2, size // 2, size // 5), 5, fill=color)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def issue(client, api, officer, opinion_id: int) -> dict:
    resp = client.post(f"/api/v1/opinions/{opinion_id}/issue", headers=api(officer))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


@pytest.fixture
def with_seal(world):
    from app.pki import services

    services.upload_seal(world.admin, world.nj, seal_png())
    db.session.commit()


@pytest.fixture
def issued(client, world, api, factory):
    """An opinion of 南京市信访局 issued through the API, with its stored PDF and DOCX."""
    panel = build_panel(world, factory, title=CASE_TITLE, petitioner=PETITIONER)
    op = draft_ready(client, api, panel)
    body = issue(client, api, world.officer_nj, op["id"])
    headers = api(world.officer_nj)
    pdf = client.get(f"/api/v1/opinions/{op['id']}/pdf", headers=headers).data
    docx = client.get(f"/api/v1/opinions/{op['id']}/docx", headers=headers).data
    return SimpleNamespace(id=op["id"], number=body["number"], body=body, pdf=pdf, docx=docx, panel=panel)
