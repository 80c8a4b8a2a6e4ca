"""Opinion pages: drafting from the consultation, the editor (versions, stale-save conflict that
keeps the user's text, inline errors), comments, signing with the password, dissent, issuing,
downloads, preview, version diff, correction, feedback — and who may see and do what."""

from __future__ import annotations

import html as htmllib
import io
import re

import pytest
from docx import Document
from flask import g

from app.extensions import db
from app.opinions.models import Opinion
from tests.api.test_opinions import ANALYSIS, build_panel
from tests.conftest import PASSWORD


def page(resp) -> str:
    return resp.get_data(as_text=True)


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, name
    return htmllib.unescape(match.group(1)).removeprefix("\r\n").removeprefix("\n")


def hidden(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html)
    assert match, name
    return match.group(1)


class UserClient:
    """A test client signed in as one user. The requests of a test run inside the test's own
    app context, so Flask-Login's per-context cache of the current user (``g._login_user``)
    would carry one user's identity into another client's request: it is dropped first."""

    def __init__(self, client):
        self.client = client

    def _call(self, method: str, *args, **kwargs):
        g.pop("_login_user", None)
        return getattr(self.client, method)(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._call("post", *args, **kwargs)


@pytest.fixture
def as_user(app):
    """as_user(user) → a test client signed in as ``user`` through the sign-in form."""

    def sign_in(user):
        c = UserClient(app.test_client())
        resp = c.post("/login", data={"username": user.username, "password": PASSWORD})
        assert resp.status_code == 302, page(resp)[:300]
        return c

    return sign_in


@pytest.fixture
def panel(world, factory):
    return build_panel(world, factory)


def editor_data(opinion: Opinion, **overrides) -> dict:
    data = {"version": str(opinion.version), "title": opinion.title, "addressee": opinion.addressee,
            "claims": opinion.claims, "basic_facts": "区人民政府作出征收补偿决定。", "consultation_summary": opinion.consultation_summary,
            "findings": "补偿标准依据公布的标准确定。", "analysis": ANALYSIS, "conclusion": "claim_partly_reasonable",
            "recommendations": ["explain_and_educate", "legal_channel"],
            "legal_basis": "信访工作条例第33条\n《中华人民共和国土地管理法》第四十八条", "dissent": "", "cc": ""}
    data.update(overrides)
    return data


def start_draft(client, consultation_id: int) -> Opinion:
    resp = client.post(f"/opinions/new?consultation_id={consultation_id}")
    assert resp.status_code == 302, page(resp)[:500]
    opinion_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    return db.session.get(Opinion, opinion_id)


def ready_to_issue(as_user, panel) -> Opinion:
    chair = as_user(panel.chair)
    opinion = start_draft(chair, panel.consultation.id)
    assert chair.post(f"/opinions/{opinion.id}/save", data=editor_data(opinion)).status_code == 302
    for user in panel.users:
        resp = as_user(user).post(f"/opinions/{opinion.id}/sign", data={"sign-password": PASSWORD})
        assert resp.status_code == 302, page(resp)[:500]
    db.session.expire_all()
    return db.session.get(Opinion, opinion.id)


def test_anonymous_is_sent_to_sign_in(client, panel):
    resp = client.get("/opinions/1")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_chair_drafts_edits_and_the_history_shows_a_diff(as_user, panel, world):
    chair = as_user(panel.chair)
    opinion = start_draft(chair, panel.consultation.id)
    html = page(chair.get(f"/opinions/{opinion.id}"))
    assert "刘德明" in textarea(html, "claims") and panel.experts[0].name in textarea(html, "consultation_summary")
    assert hidden(html, "version") == "1" and 'id="opinion-form"' in html
    assert "/static/js/opinions.js" in html and "<script>" not in html  # CSP: no inline scripts
    # Starting again goes to the existing draft.
    resp = chair.post(f"/opinions/new?consultation_id={panel.consultation.id}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/opinions/{opinion.id}")

    resp = chair.post(f"/opinions/{opinion.id}/save", data=editor_data(opinion), follow_redirects=True)
    html = page(resp)
    assert resp.status_code == 200 and "已保存为第 2 版" in html
    assert textarea(html, "legal_basis") == "《信访工作条例》第三十三条\n《中华人民共和国土地管理法》第四十八条"
    assert 'data-add-citation="《信访工作条例》第三十五条"' in html  # cited in the analysis, not yet listed

    versions = page(chair.get(f"/opinions/{opinion.id}/versions?from=1&to=2"))
    assert 'data-version="2"' in versions and "<ins>" in versions and 'data-diff-section="analysis"' in versions


def test_stale_save_shows_both_texts_and_keeps_the_users_input(as_user, panel):
    chair, member = as_user(panel.chair), as_user(panel.members[0])
    opinion = start_draft(chair, panel.consultation.id)
    assert member.post(f"/opinions/{opinion.id}/save", data=editor_data(opinion, analysis="成员的分析。")).status_code == 302
    mine = "组长的分析 <b>不能丢</b>。"
    resp = chair.post(f"/opinions/{opinion.id}/save", data=editor_data(opinion, version="1", analysis=mine))
    html = page(resp)
    assert resp.status_code == 409 and "data-conflict" in html and "保存冲突" in html
    assert textarea(html, "analysis") == mine  # the user's text stays in the editor
    assert "成员的分析。" in html and "&lt;b&gt;不能丢&lt;/b&gt;" in html and "<b>不能丢</b>" not in html
    assert hidden(html, "version") == "2"
    assert db.session.get(Opinion, opinion.id).analysis == "成员的分析。"
    # Saving again (now on version 2) keeps the chair's text as version 3.
    resp = chair.post(f"/opinions/{opinion.id}/save", data=editor_data(opinion, version="2", analysis=mine))
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Opinion, opinion.id).analysis == mine and db.session.get(Opinion, opinion.id).version == 3


def test_bad_input_is_shown_at_the_field(as_user, panel):
    chair = as_user(panel.chair)
    opinion = start_draft(chair, panel.consultation.id)
    resp = chair.post(f"/opinions/{opinion.id}/save",
                      data=editor_data(opinion, legal_basis="《信访工作条例》第三十三条\n随便写的依据", conclusion="claim_odd"))
    html = page(resp)
    assert resp.status_code == 422
    assert 'data-field-error="legal_basis"' in html and "第2条法律依据" in html
    assert 'data-field-error="conclusion"' in html
    assert "随便写的依据" in textarea(html, "legal_basis")
    assert db.session.get(Opinion, opinion.id).version == 1


def test_signing_asks_for_the_password(as_user, panel):
    chair = as_user(panel.chair)
    opinion = start_draft(chair, panel.consultation.id)
    chair.post(f"/opinions/{opinion.id}/save", data=editor_data(opinion))
    html = page(chair.get(f"/opinions/{opinion.id}"))
    assert "data-sign-form" in html and 'type="password"' in html
    resp = chair.post(f"/opinions/{opinion.id}/sign", data={"sign-password": ""})
    assert resp.status_code == 422 and "请输入登录密码" in page(resp)
    resp = chair.post(f"/opinions/{opinion.id}/sign", data={"sign-password": "wrong-pass-123"})
    assert resp.status_code == 401 and "密码错误" in page(resp)
    resp = chair.post(f"/opinions/{opinion.id}/sign", data={"sign-password": PASSWORD}, follow_redirects=True)
    html = page(resp)
    assert "您已签署第 2 版" in html and f'data-signer="{panel.experts[0].id}" data-signed="yes"' in html


def test_incomplete_draft_cannot_be_signed(as_user, panel):
    chair = as_user(panel.chair)
    opinion = start_draft(chair, panel.consultation.id)
    html = page(chair.get(f"/opinions/{opinion.id}"))
    assert "data-missing" in html
    resp = chair.post(f"/opinions/{opinion.id}/sign", data={"sign-password": PASSWORD})
    assert resp.status_code == 422 and "意见书尚不完整" in page(resp)


def test_issue_download_preview_and_feedback(as_user, panel, world):
    officer = as_user(world.officer_nj)
    chair = as_user(panel.chair)
    opinion = start_draft(chair, panel.consultation.id)
    chair.post(f"/opinions/{opinion.id}/save", data=editor_data(opinion))
    html = page(officer.get(f"/opinions/{opinion.id}"))
    assert "data-unsigned" in html and all(e.name in html for e in panel.experts)
    assert re.search(r"<button[^>]*data-issue[^>]*disabled", html)
    resp = officer.post(f"/opinions/{opinion.id}/issue", follow_redirects=True)
    assert "尚有 3 名专家未签署" in page(resp)
    for user in panel.users:
        as_user(user).post(f"/opinions/{opinion.id}/sign", data={"sign-password": PASSWORD})
    resp = officer.post(f"/opinions/{opinion.id}/issue", follow_redirects=True)
    html = page(resp)
    db.session.expire_all()
    issued = db.session.get(Opinion, opinion.id)
    assert issued.status == "issued" and issued.number in html and "意见书已印发" in html
    assert 'id="opinion-form"' not in html and "data-document" in html  # read-only now

    pdf = officer.get(f"/opinions/{opinion.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.headers["ETag"].strip('"') == issued.pdf_sha256
    assert "attachment" in pdf.headers["Content-Disposition"]
    docx = officer.get(f"/opinions/{opinion.id}/docx")
    assert issued.number in "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    preview = page(officer.get(f"/opinions/{opinion.id}/preview"))
    assert 'id="opinion-preview"' in preview and issued.number in preview and "诉求部分合理" in preview

    # The agency reports how the opinion was carried out.
    agency = as_user(world.agency_user)
    html = page(agency.get(f"/opinions/{opinion.id}"))
    assert "data-feedback-form" in html and "data-comments" not in html
    # nothing pre-selected (issue 9, item 2): the platform never assumes an outcome
    form = html[html.index("data-feedback-form"):]
    assert "selected" not in form[:form.index("</form>")]
    # defaults and an empty note: refused, with the summary and the message at each field
    resp = agency.post(f"/opinions/{opinion.id}/feedback", data={"feedback-adopted": "", "feedback-outcome": "",
                                                                  "feedback-note": ""})
    html = page(resp)
    assert resp.status_code == 422 and "data-error-summary" in html
    assert 'data-field-error="feedback-note"' in html and 'data-field-error="feedback-outcome"' in html
    assert issued.consultation.status == "opinion_issued"
    # a short note keeps what was chosen and entered
    resp = agency.post(f"/opinions/{opinion.id}/feedback", data={"feedback-adopted": "1", "feedback-outcome": "resolved",
                                                                  "feedback-note": "已落实"})
    html = page(resp)
    assert resp.status_code == 422 and "至少 10 个字符" in html and "已落实</textarea>" in html
    assert re.search(r'<option[^>]*selected[^>]*value="resolved"|<option[^>]*value="resolved"[^>]*selected', html)
    # a complete form is shown back for confirmation; nothing is recorded yet
    note = "已按意见书重新核算补偿款并发放，信访人签字息诉。"
    filled = {"feedback-adopted": "1", "feedback-outcome": "resolved", "feedback-note": note}
    resp = agency.post(f"/opinions/{opinion.id}/feedback", data=filled)
    html = page(resp)
    assert resp.status_code == 200 and "data-feedback-confirm" in html and "请确认落实反馈" in html and note in html
    db.session.expire_all()
    assert not db.session.get(Opinion, opinion.id).feedback
    resp = agency.post(f"/opinions/{opinion.id}/feedback", data=filled | {"feedback-confirmed": "1"}, follow_redirects=True)
    html = page(resp)
    assert "落实情况已反馈" in html and "data-feedback-item" in html and note in html
    assert "data-feedback-form" not in html and "data-feedback-confirm" not in html  # the form is gone
    db.session.expire_all()
    assert db.session.get(Opinion, opinion.id).consultation.status == "closed"
    resp = agency.post(f"/opinions/{opinion.id}/feedback", data=filled | {"feedback-confirmed": "1"}, follow_redirects=True)
    assert "不能重复提交" in page(resp) and len(db.session.get(Opinion, opinion.id).feedback) == 1


def test_comments_dissent_and_correction(as_user, panel, world):
    chair, member = as_user(panel.chair), as_user(panel.members[0])
    opinion = start_draft(chair, panel.consultation.id)
    resp = member.post(f"/opinions/{opinion.id}/comments", data={"comment-section": "analysis", "comment-text": "请补充论证"},
                       follow_redirects=True)
    assert "请补充论证" in page(resp) and "1 条未处理评论" in page(resp)
    resp = member.post(f"/opinions/{opinion.id}/comments", data={"comment-section": "analysis", "comment-text": ""})
    assert resp.status_code == 422
    resp = member.post(f"/opinions/{opinion.id}/dissent", data={"dissent-text": "我认为诉求合理。"}, follow_redirects=True)
    assert "少数意见已记录" in page(resp) and "我认为诉求合理。" in page(resp)
    db.session.expire_all()
    assert db.session.get(Opinion, opinion.id).version == 2

    issued = ready_to_issue_existing(as_user, panel, opinion.id)
    officer = as_user(world.officer_nj)
    officer.post(f"/opinions/{issued.id}/issue")
    resp = officer.post(f"/opinions/{issued.id}/correction")
    assert resp.status_code == 302
    new_id = int(resp.headers["Location"].rsplit("/", 1)[-1])
    html = page(officer.get(f"/opinions/{new_id}"))
    assert "的更正，印发后将替代原意见书" in html


def ready_to_issue_existing(as_user, panel, opinion_id: int) -> Opinion:
    chair = as_user(panel.chair)
    opinion = db.session.get(Opinion, opinion_id)
    assert chair.post(f"/opinions/{opinion_id}/save", data=editor_data(opinion)).status_code == 302
    for user in panel.users:
        as_user(user).post(f"/opinions/{opinion_id}/sign", data={"sign-password": PASSWORD})
    db.session.expire_all()
    return db.session.get(Opinion, opinion_id)


def test_who_sees_what(as_user, panel, world, factory):
    opinion = ready_to_issue(as_user, panel)
    assert as_user(world.officer_hz).get(f"/opinions/{opinion.id}").status_code == 404
    assert as_user(world.expert_user).get(f"/opinions/{opinion.id}").status_code == 404
    assert as_user(world.expert_user).get(f"/opinions/{opinion.id}/pdf").status_code == 404
    js = page(as_user(world.officer_js).get(f"/opinions/{opinion.id}"))  # sees (jurisdiction), does not staff
    assert "data-issue" not in js and 'id="opinion-form"' not in js
    assert as_user(world.officer_js).post(f"/opinions/{opinion.id}/issue").status_code == 403
    assert as_user(world.agency_user).post(f"/opinions/{opinion.id}/save", data=editor_data(opinion)).status_code == 403
    assert as_user(world.officer_nj).post(f"/opinions/{opinion.id}/sign", data={"sign-password": PASSWORD}).status_code == 403
    # Drafting a second consultation's opinion: not for an ordinary member.
    other = build_panel(world, factory)
    assert as_user(other.members[0]).post(f"/opinions/new?consultation_id={other.consultation.id}").status_code == 403


def test_citation_check_endpoint(as_user, panel):
    chair = as_user(panel.chair)
    resp = chair.post("/opinions/citations", json={"analysis": ANALYSIS, "legal_basis": ["信访工作条例第35条", "乱写"]})
    body = resp.get_json()
    assert body["suggestions"] == ["《中华人民共和国土地管理法》第四十八条"]
    assert body["canonical"] == ["《信访工作条例》第三十五条"] and len(body["errors"]) == 1


def test_forms_need_the_csrf_token(app, as_user, panel):
    chair = as_user(panel.chair)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = chair.post(f"/opinions/new?consultation_id={panel.consultation.id}")
        assert resp.status_code == 302 and db.session.query(Opinion).count() == 0
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
