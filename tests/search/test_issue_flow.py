"""Through the real flow, on every backend: an opinion issued through the API is searchable when the
call returns, ``check`` reports a stale index and ``rebuild`` repairs it."""

from __future__ import annotations

from app.extensions import db
from app.search import service
from app.search.backends.base import SearchRequest
from tests.api.test_opinion_numbers import signed_draft, stub_renderers  # noqa: F401 (fixture)


def test_issued_opinion_is_found_at_once_and_rebuild_repairs(search_backend, client, world, factory, api,
                                                             stub_renderers):  # noqa: F811
    world.nj.doc_prefix = "宁信专审"
    db.session.commit()
    opinion = signed_draft(world, factory)
    assert client.post(f"/api/v1/opinions/{opinion.id}/issue", headers=api(world.officer_nj)).status_code == 200
    resp = client.get("/api/v1/search/opinions?q=查明事实", headers=api(world.officer_nj))
    assert resp.status_code == 200
    assert [item["opinion_id"] for item in resp.get_json()["items"]] == [opinion.id]
    assert service.check().ok

    search_backend.delete([opinion.id])
    db.session.commit()
    report = service.check()
    assert report.missing == [opinion.id] and not report.ok
    assert service.rebuild() == 1
    assert service.check().ok
    assert [h.opinion_id for h in search_backend.search(SearchRequest('"查明事实"')).hits] == [opinion.id]
