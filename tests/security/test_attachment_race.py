"""Issue 8, defect 5: deleting an attachment while the same bytes are uploaded again removed the
shared content-addressed file (12 of 40 runs), and the new attachment then answered 404
"附件文件缺失". Run from separate processes on the suite's database."""

from __future__ import annotations

import io

from tests.security.parallel import run_parallel

PDF = b"%PDF-1.4\n" + b"%race test\n" * 200 + b"%%EOF\n"


def _upload(client, headers, case_id):
    return client.post(f"/api/v1/cases/{case_id}/attachments", headers=headers,
                       data={"file": (io.BytesIO(PDF), "材料.pdf")}, content_type="multipart/form-data")


def test_delete_racing_an_upload_of_the_same_bytes(app, client, api, world, factory):
    case = factory.case(world.agency, title="附件并发测试", category="housing")
    headers = api(world.agency_user)
    for _ in range(8):
        first = _upload(client, headers, case.id)
        assert first.status_code == 201, first.get_json()
        url = f"/api/v1/cases/{case.id}/attachments/{first.get_json()['id']}"
        results = run_parallel(app, [("DELETE", url, headers, None),
                                     ("UPLOAD", f"/api/v1/cases/{case.id}/attachments", headers, (PDF, "材料.pdf"))])
        statuses = [status for _, status, _ in results]
        assert statuses == [204, 201], results
        new_id = results[1][2]["id"]
        download = client.get(f"/api/v1/cases/{case.id}/attachments/{new_id}", headers=headers)
        assert download.status_code == 200 and download.data == PDF
        # leave no row behind for the next round (its file goes with it)
        assert client.delete(f"/api/v1/cases/{case.id}/attachments/{new_id}", headers=headers).status_code == 204
