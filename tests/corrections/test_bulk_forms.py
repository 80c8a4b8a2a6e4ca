"""Issue 9, item 15: record all panel replies at once; rate all members in one form."""

from __future__ import annotations

from app.audit.models import AuditEntry
from app.consultations.models import ExpertRating, PanelMember
from app.extensions import db
from tests.api.test_opinions import build_panel


def statuses(panel) -> dict[int, str]:
    db.session.expire_all()
    return {m.expert_id: m.status for m in db.session.query(PanelMember).filter_by(consultation_id=panel.consultation.id)}


def test_officer_records_several_replies_in_one_form(client, world, factory, login):
    panel = build_panel(world, factory, accepted=0, meeting=False)
    chair, first, second = (e.id for e in panel.experts)
    login(world.officer_nj)
    html = client.get(f"/consultations/{panel.consultation.id}").get_data(as_text=True)
    assert "一次登记多位专家的答复" in html and html.count("data-bulk-expert=") == 3
    url = f"/consultations/{panel.consultation.id}/invitations"

    # a decline without a reason: nothing is recorded, the choices come back with the message at the field
    resp = client.post(url, data={f"response-{chair}": "accept", f"response-{first}": "decline"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "谢绝邀请，请说明理由" in html and f'data-field-error="reason-{first}"' in html
    assert f'id="response-{chair}-accept" value="accept" checked' in html
    assert set(statuses(panel).values()) == {"invited"}

    resp = client.post(url, data={f"response-{chair}": "accept", f"response-{first}": "decline",
                                  f"reason-{first}": "当日开庭", f"response-{second}": ""})
    assert resp.status_code == 302
    assert statuses(panel) == {chair: "accepted", first: "declined", second: "invited"}
    actions = [a for (a,) in db.session.query(AuditEntry.action).filter(AuditEntry.subject == f"case:{panel.case.id}")]
    assert "invitation_accept" in actions and "invitation_decline" in actions
    assert client.post(url, data={}).status_code == 422  # no answer chosen


def test_bulk_replies_are_for_staff_only(client, world, factory, login):
    panel = build_panel(world, factory, accepted=0, meeting=False)
    login(panel.members[0])
    resp = client.post(f"/consultations/{panel.consultation.id}/invitations",
                       data={f"response-{panel.experts[0].id}": "accept"})
    assert resp.status_code == 403 and set(statuses(panel).values()) == {"invited"}


def test_officer_rates_all_members_in_one_form(client, world, factory, login):
    panel = build_panel(world, factory, status="deliberated")
    a, b, c = (e.id for e in panel.experts)
    login(world.officer_nj)
    html = client.get(f"/consultations/{panel.consultation.id}").get_data(as_text=True)
    assert "data-rate-all" in html and html.count("data-bulk-rating=") == 3
    url = f"/consultations/{panel.consultation.id}/ratings"
    resp = client.post(url, data={f"score-{a}": "95", f"score-{b}": "101", f"comment-{b}": "准备充分"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "评分应为 0–100 的整数" in html and 'value="准备充分"' in html
    assert db.session.query(ExpertRating).count() == 0
    resp = client.post(url, data={f"score-{a}": "95", f"comment-{a}": "分析透彻", f"score-{b}": "88", f"score-{c}": ""})
    assert resp.status_code == 302
    rows = {r.expert_id: (r.score, r.comment) for r in db.session.query(ExpertRating)}
    assert rows == {a: (95, "分析透彻"), b: (88, "")}
    html = client.get(f"/consultations/{panel.consultation.id}").get_data(as_text=True)
    assert "data-rate-all" not in html  # one member left: the single-row form serves
    assert client.post(url, data={f"score-{a}": "90"}).status_code == 422  # already rated
