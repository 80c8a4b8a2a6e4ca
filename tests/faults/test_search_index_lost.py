"""The precedent-search index (Whoosh files) deleted while the app serves: searches answer 503
``search_unavailable`` with a Chinese message saying the index is being rebuilt, the app rebuilds
it from the database by itself, and an opinion issued while it was gone is found afterwards."""

from __future__ import annotations

import shutil
import time

from tests.faults.conftest import Api, audit_verifies, ready_opinion, ui_session

URL = "/api/v1/search/opinions?sort=date&per_page=100"


def test_search_index_deleted_while_serving(served):
    officer = Api(served.base_url, "nj_officer")
    before = officer.call("GET", URL, 200).json()
    assert before["total"] >= 1
    opinion_id, issuer = ready_opinion(served)
    page = ui_session(served.base_url, "nj_officer")

    shutil.rmtree(served.dir / "instance" / "search")
    resp = officer.call("GET", URL)
    assert resp.status_code == 503, resp.text[:300]
    err = resp.json()["error"]
    assert err["code"] == "search_unavailable" and "自动重建" in err["message"]
    ui = page.get(f"{served.base_url}/search?q=征收", timeout=30)
    assert ui.status_code in (200, 503) and "Traceback" not in ui.text
    assert "自动重建" in ui.text or "征收" in ui.text  # the notice, or already the rebuilt results

    # issuing goes on while the index is missing; the opinion waits for the rebuild
    issued = issuer.call("POST", f"/api/v1/opinions/{opinion_id}/issue", 200).json()

    deadline = time.monotonic() + 180
    while (resp := officer.call("GET", URL)).status_code != 200:
        assert resp.status_code == 503 and resp.json()["error"]["code"] == "search_unavailable", resp.text[:300]
        assert time.monotonic() < deadline, "the index was not rebuilt"
        time.sleep(1)
    after = resp.json()
    found = {item["opinion_id"] for item in after["items"]}
    assert {item["opinion_id"] for item in before["items"]} <= found
    assert opinion_id in found and after["total"] == before["total"] + 1
    assert any(item["number"] == issued["number"] for item in after["items"])
    check = served.flask("search", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    audit_verifies(served)
