"""Consultation pages through the Flask test client: requesting through the form, return and
resubmission, the officer's draw button and the panel it shows, the verification page, the
expert's invitation answers (a decline promotes a reserve), an unstaffable pool explained,
escalation, additional reserves, closing and rating, the list per role, access (404/403) and
CSRF.

Cases and pools are built as in tests/api/test_consultations.py.
"""

from __future__ import annotations

import re

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.consultations.models import Consultation, PanelDraw, PanelMember
from app.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def pool(pool, factory):
    """The conftest's twelve 南京 experts, each with an account (these pages are signed in to)."""
    for e in pool:
        factory.user("expert", expert=e, username=f"pool_expert_{e.id}")
    return pool


class UserClient(FlaskClient):
    """A test client whose requests never see another client's signed-in user.

    The tests run inside one app context that the requests share, and Flask-Login caches the
    request's user on ``g`` (which belongs to the app context): drop it before each request."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def as_user(app):
    """as_user(user) → a test client signed in as ``user`` (each with its own cookies)."""

    def sign_in(user):
        client = UserClient(app, app.response_class, use_cookies=True)
        resp = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        return client

    return sign_in


def text(resp) -> str:
    return resp.get_data(as_text=True)


def request_form(**overrides) -> dict:
    data = {"questions": "征收补偿标准是否合法？应如何处理？", "required_specialties": ["administrative_law", "land_property_law"],
            "panel_size": "3", "urgency": "normal"}
    data.update(overrides)
    return data


def make_request(client, case_id: int, **overrides) -> Consultation:
    resp = client.post(f"/consultations/new?case_id={case_id}", data=request_form(**overrides))
    assert resp.status_code == 302, text(resp)[:2000]
    cid = int(re.search(r"/consultations/(\d+)$", resp.headers["Location"]).group(1))
    return db.session.get(Consultation, cid)


def draw(client, c: Consultation, **overrides):
    data = {"draw-reserves": "2", "draw-meeting_duration_minutes": "120", "draw-meeting_start": ""} | overrides
    return client.post(f"/consultations/{c.id}/panel", data=data)


def seated(c: Consultation) -> list[PanelMember]:
    db.session.refresh(c)
    return [m for m in c.members if m.role in ("chair", "member") and m.status in ("invited", "accepted")]


def user_of(expert_id: int):
    from app.auth.models import User

    return db.session.execute(select(User).where(User.expert_id == expert_id)).scalar_one()


# ------------------------------------------------------------------ request, return, resubmit

def test_request_through_the_form_creates_the_consultation(world, case, as_user):
    agency = as_user(world.agency_user)
    # without a case: sent to the ledger to pick one
    resp = agency.get("/consultations/new")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/cases")
    form = agency.get(f"/consultations/new?case_id={case.id}")
    assert form.status_code == 200
    page = text(form)
    assert case.title in page and 'name="required_specialties"' in page and "土地与房地产法" in page
    assert all(f'value="{n}"' in page for n in ("3", "5", "7", "9"))

    resp = agency.post(f"/consultations/new?case_id={case.id}", data=request_form(urgency="urgent"), follow_redirects=True)
    assert resp.status_code == 200
    c = db.session.execute(select(Consultation)).scalar_one()
    assert (c.case_id, c.status, c.panel_size, c.urgency) == (case.id, "submitted", 3, "urgent")
    assert c.required_specialties == ["administrative_law", "land_property_law"]
    assert c.office_id == world.nj.id
    page = text(resp)
    assert "已提交会商申请" in page and "征收补偿标准是否合法" in page and "待受理" in page and "南京市信访局" in page
    # the agency cannot draw or accept: no such controls for it
    assert 'data-action="draw"' not in page and 'data-action="accept"' not in page

    # the case page's section lists it with the request button
    section = text(agency.get(f"/cases/{case.id}"))
    if "data-case-consultations" in section:  # the case page includes consultations/_case_section.html
        assert f'href="/consultations/{c.id}"' in section and "申请会商" in section


def test_odd_input_is_never_a_server_error(world, case, as_user):
    agency = as_user(world.agency_user)
    for url in ("/consultations/2147483648", "/consultations/99999999999999999999", "/consultations/0",
                "/consultations/new?case_id=99999999999999999999", "/consultations/new?case_id=%C2%B2",
                "/consultations/2147483648/panel/verify"):
        assert agency.get(url).status_code == 404, url
    assert agency.get("/consultations?page=99999999999999999999").status_code == 200
    resp = agency.post(f"/consultations/new?case_id={case.id}", data=request_form(questions="征收补偿\x00标准是否合法？"))
    assert resp.status_code == 422 and "控制字符" in text(resp)
    assert db.session.query(Consultation).count() == 0


def test_request_form_shows_service_errors_inline(world, case, as_user):
    agency = as_user(world.agency_user)
    resp = agency.post(f"/consultations/new?case_id={case.id}",
                       data=request_form(panel_size="4", required_specialties=[], questions="短"))
    assert resp.status_code == 422
    page = text(resp)
    assert "专家组人数应为 3–9 之间的奇数" in page
    assert "至少需要 1 项" in page and "至少 5 个字符" in page
    assert db.session.execute(select(func.count()).select_from(Consultation)).scalar_one() == 0


def test_officer_returns_agency_sees_reason_and_resubmits(world, case, as_user):
    agency = as_user(world.agency_user)
    c = make_request(agency, case.id)
    officer = as_user(world.officer_nj)
    # an empty reason is refused at the field
    resp = officer.post(f"/consultations/{c.id}/return", data={"return-reason": ""})
    assert resp.status_code == 422 and "至少 2 个字符" in text(resp)
    resp = officer.post(f"/consultations/{c.id}/return", data={"return-reason": "请补充征收决定书及补偿协议"})
    assert resp.status_code == 302
    db.session.refresh(c)
    assert c.status == "returned"

    page = text(agency.get(f"/consultations/{c.id}"))
    assert "请补充征收决定书及补偿协议" in page and "修改并重新提交" in page
    assert "请补充征收决定书及补偿协议" in text(agency.get("/consultations"))
    edit = agency.get(f"/consultations/{c.id}/edit")
    assert edit.status_code == 200 and "请补充征收决定书及补偿协议" in text(edit)
    version = re.search(r'name="version"[^>]*value="(\d+)"', text(edit)).group(1)
    resp = agency.post(f"/consultations/{c.id}/edit", data=request_form(
        questions="补充后的问题：征收决定是否合法？补偿标准是否合法？", version=version), follow_redirects=True)
    assert resp.status_code == 200 and "已补正并重新提交" in text(resp)
    db.session.refresh(c)
    assert c.status == "submitted" and c.questions.startswith("补充后的问题")
    # a stale version is refused, the input is kept
    resp = agency.post(f"/consultations/{c.id}/edit", data=request_form(questions="又一次修改的问题内容", version=version))
    assert resp.status_code == 409 and "已被他人修改" in text(resp) and "又一次修改的问题内容" in text(resp)

    resp = officer.post(f"/consultations/{c.id}/accept", follow_redirects=True)
    assert "已受理会商申请" in text(resp)
    db.session.refresh(c)
    assert c.status == "accepted"
    # accepting twice: the service's conflict message
    resp = officer.post(f"/consultations/{c.id}/accept", follow_redirects=True)
    assert "不能受理" in text(resp)


def test_agency_withdraws(world, case, as_user):
    agency = as_user(world.agency_user)
    c = make_request(agency, case.id)
    resp = agency.post(f"/consultations/{c.id}/withdraw", data={"withdraw-reason": "信访人已撤回诉求"}, follow_redirects=True)
    assert "已撤回会商申请" in text(resp)
    db.session.refresh(c)
    assert c.status == "withdrawn"


# ------------------------------------------------------------------ draw, verify, invitations

def test_officer_draws_panel_and_page_shows_it_with_seed(world, case, pool, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    officer = as_user(world.officer_nj)
    page = text(officer.get(f"/consultations/{c.id}"))
    assert 'data-action="draw"' in page
    # the request is still 待受理: the button says that drawing accepts it (issue 9, item 3)
    assert "受理并随机抽取专家组" in page and "data-draw-accepts" in page
    assert "指定专家" not in page.replace("不能指定专家", "").replace("任何人不能指定", "")
    # bad input is shown at its field and nothing is drawn
    resp = draw(officer, c, **{"draw-reserves": "1"})
    assert resp.status_code == 422 and "不能小于 2" in text(resp)
    resp = draw(officer, c, **{"draw-meeting_start": "明天上午"})
    assert resp.status_code == 422
    page = text(resp)
    assert "时间格式应为" in page and 'value="明天上午"' in page
    assert db.session.execute(select(func.count()).select_from(PanelDraw)).scalar_one() == 0
    resp = officer.post(f"/consultations/{c.id}/panel", data={"draw-reserves": "2"}, follow_redirects=True)
    assert resp.status_code == 200
    record = db.session.execute(select(PanelDraw)).scalar_one()
    page = text(resp)
    assert record.seed in page and "已随机抽取专家组" in page
    for m in seated(c):
        assert m.expert.name in page
    assert "组长" in page and "候补专家" in page and "已邀请" in page
    assert f"{len(record.candidates)} 名" in page
    assert 'data-action="draw"' not in page  # never redrawn
    # a second draw is refused with the service's message
    resp = draw(officer, c, follow_redirects=False)
    assert resp.status_code == 302
    assert "不能重新抽取" in text(officer.get(f"/consultations/{c.id}"))


def test_verify_page_shows_reproducible(world, case, pool, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    officer = as_user(world.officer_nj)
    assert draw(officer, c, **{"draw-meeting_start": "2026-12-08T09:30"}).status_code == 302
    record = db.session.execute(select(PanelDraw)).scalar_one()
    assert record.parameters["meeting_window"][0].startswith("2026-12-08T09:30:00+08:00")
    resp = officer.get(f"/consultations/{c.id}/panel/verify")
    assert resp.status_code == 200
    page = text(resp)
    assert "可复核" in page and 'data-verify-result="reproducible"' in page
    assert record.seed in page
    for m in record.result["members"]:
        assert page.count(db.session.get(PanelMember, _member_id(c, m["expert_id"])).expert.name) >= 2  # recorded + recomputed
    # the agency may verify too
    assert as_user(world.agency_user).get(f"/consultations/{c.id}/panel/verify").status_code == 200


def _member_id(c, expert_id):
    return next(m.id for m in c.members if m.expert_id == expert_id)


def test_expert_accepts_invitation_through_the_ui(world, case, pool, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    draw(as_user(world.officer_nj), c)
    member = seated(c)[0]
    expert = as_user(user_of(member.expert_id))
    listing = text(expert.get("/consultations"))
    assert case.title in listing and 'data-action="accept-invitation"' in listing
    page = text(expert.get(f"/consultations/{c.id}"))
    assert "我的会商邀请" in page and "接受邀请" in page
    resp = expert.post(f"/consultations/{c.id}/invitations/{member.expert_id}", data={"response": "accept"},
                       follow_redirects=True)
    assert resp.status_code == 200 and "您已接受会商邀请" in text(resp)
    db.session.refresh(member)
    assert member.status == "accepted"
    # not someone else's invitation
    other = seated(c)[1]
    resp = expert.post(f"/consultations/{c.id}/invitations/{other.expert_id}", data={"response": "accept"})
    assert resp.status_code == 403
    db.session.refresh(other)
    assert other.status == "invited"


def test_decline_promotes_reserve(world, case, pool, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    officer = as_user(world.officer_nj)
    draw(officer, c)
    member = next(m for m in seated(c) if m.role == "member")
    reserves_before = {m.expert_id for m in c.members if m.role == "reserve"}
    expert = as_user(user_of(member.expert_id))
    # a decline needs a reason
    resp = expert.post(f"/consultations/{c.id}/invitations/{member.expert_id}",
                       data={"response": "decline", "decline-reason": ""})
    assert resp.status_code == 422 and "谢绝邀请请说明理由" in text(resp)
    resp = expert.post(f"/consultations/{c.id}/invitations/{member.expert_id}",
                       data={"response": "decline", "decline-reason": "会商期间在外地出差"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/consultations")
    db.session.refresh(c)
    declined = db.session.get(PanelMember, member.id)
    assert declined.status == "declined" and declined.decline_reason == "会商期间在外地出差"
    promoted = [m for m in seated(c) if m.expert_id in reserves_before]
    assert len(promoted) == 1 and promoted[0].status == "invited"
    # the decliner no longer sees it; the officer sees the reason and the promotion
    assert expert.get(f"/consultations/{c.id}").status_code == 404
    page = text(officer.get(f"/consultations/{c.id}"))
    assert "会商期间在外地出差" in page and promoted[0].expert.name in page
    # the promoted reserve now has an invitation in the list
    listing = text(as_user(user_of(promoted[0].expert_id)).get("/consultations"))
    assert case.title in listing


def test_reserves_exhausted_offers_additional_draw(world, case, pool, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    officer = as_user(world.officer_nj)
    draw(officer, c)
    for _ in range(3):  # two reserves, then the seat stays empty
        m = next(m for m in seated(c) if m.role == "member")
        officer.post(f"/consultations/{c.id}/invitations/{m.expert_id}", data={"response": "decline", "decline-reason": "无法出席"})
    page = text(officer.get(f"/consultations/{c.id}"))
    assert "候补专家已用尽" in page and 'data-action="draw-reserves"' in page
    resp = officer.post(f"/consultations/{c.id}/panel/reserves", data={"reserves-count": "2"}, follow_redirects=True)
    assert resp.status_code == 200 and "已追加抽取候补专家" in text(resp)
    assert len(seated(c)) == c.panel_size
    assert db.session.execute(select(func.count()).select_from(PanelDraw)).scalar_one() == 2
    verify = text(officer.get(f"/consultations/{c.id}/panel/verify"))
    assert "可复核" in verify and "追加候补抽取" in verify


def test_insufficient_pool_is_explained(world, case, factory, as_user):
    factory.expert("甲", specialties=("administrative_law",))
    factory.expert("乙", specialties=("administrative_law",), status="suspended")
    factory.expert("丙", specialties=("criminal_law",))
    c = make_request(as_user(world.agency_user), case.id, panel_size="5")
    resp = draw(as_user(world.officer_nj), c)
    assert resp.status_code == 422
    page = text(resp)
    assert "专家库无法组成专家组" in page
    eligible = re.search(r"data-eligible>(\d+) 名", page).group(1)
    needed = re.search(r"data-needed>(\d+) 名", page).group(1)
    assert (eligible, needed) == ("2", "7")
    assert re.search(r'data-reason="inactive"><td>非在库状态</td><td class="text-end">1<', page)
    assert re.search(r'data-reason="specialty_mismatch"><td>专业领域不符</td><td class="text-end">1<', page)
    assert "申请上级专家库援助" in page
    assert db.session.execute(select(func.count()).select_from(PanelDraw)).scalar_one() == 0


def test_excluded_names_only_for_staff(world, case, pool, factory, as_user):
    conflicted = pool[0]
    from app.experts.models import ConflictDeclaration

    db.session.add(ConflictDeclaration(expert_id=conflicted.id, person_name="刘德明", reason="亲属关系"))
    db.session.commit()
    c = make_request(as_user(world.agency_user), case.id)
    officer = as_user(world.officer_nj)
    draw(officer, c)
    officer_page = text(officer.get(f"/consultations/{c.id}"))
    assert "已申报利益冲突" in officer_page and conflicted.name in officer_page
    agency_page = text(as_user(world.agency_user).get(f"/consultations/{c.id}"))
    assert "已申报利益冲突" in agency_page and conflicted.name not in agency_page
    member = seated(c)[0]
    expert_page = text(as_user(user_of(member.expert_id)).get(f"/consultations/{c.id}"))
    assert "已申报利益冲突" in expert_page and conflicted.name not in expert_page


# ------------------------------------------------------------------ escalation

def test_escalation_refused_when_not_needed_then_allowed(world, case, pool, factory, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    officer = as_user(world.officer_nj)
    resp = officer.post(f"/consultations/{c.id}/escalate", data={"escalate-reason": "试试上级专家库"}, follow_redirects=True)
    assert "无需申请上级援助" in text(resp)
    db.session.refresh(c)
    assert c.office_id == world.nj.id
    # a case flagged 三跨三分离 may be escalated
    case.cross_flags = ["cross_region"]
    db.session.commit()
    resp = officer.post(f"/consultations/{c.id}/escalate", data={"escalate-reason": "涉及跨地区征收，申请省级专家库援助"},
                        follow_redirects=True)
    assert "已申请上级专家库援助" in text(resp)
    db.session.refresh(c)
    assert c.office_id == world.js.id and c.tier == "provincial"
    provincial = as_user(world.officer_js)
    queue = text(provincial.get("/consultations"))
    assert case.title in queue and "上级援助" in queue
    page = text(provincial.get(f"/consultations/{c.id}"))
    assert "涉及跨地区征收" in page and "南京市信访局" in page and "江苏省信访局" in page and 'data-action="draw"' in page
    # the municipal office only looks on now
    page = text(officer.get(f"/consultations/{c.id}"))
    assert 'data-action="draw"' not in page
    assert officer.post(f"/consultations/{c.id}/panel", data={"draw-reserves": "2"}).status_code == 403


# ------------------------------------------------------------------ closing and rating

def test_close_and_rate_after_deliberation(world, case, pool, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    officer = as_user(world.officer_nj)
    draw(officer, c)
    for m in seated(c):
        officer.post(f"/consultations/{c.id}/invitations/{m.expert_id}", data={"response": "accept"})
    c.status = "deliberated"  # the meeting's minutes move it there (meetings feature)
    db.session.commit()
    page = text(officer.get(f"/consultations/{c.id}"))
    assert "专家评价" in page and 'data-form="rate"' in page
    target = seated(c)[0]
    resp = officer.post(f"/consultations/{c.id}/ratings/{target.expert_id}",
                        data={f"rate{target.expert_id}-score": "120", f"rate{target.expert_id}-comment": ""})
    assert resp.status_code == 422 and "不能大于 100" in text(resp)
    resp = officer.post(f"/consultations/{c.id}/ratings/{target.expert_id}",
                        data={f"rate{target.expert_id}-score": "92", f"rate{target.expert_id}-comment": "分析透彻"},
                        follow_redirects=True)
    assert "已评价（92 分）" in text(resp) and "分析透彻" in text(resp)
    resp = officer.post(f"/consultations/{c.id}/close", data={"close-reason": "已出具意见并办结"}, follow_redirects=True)
    assert "会商已办结" in text(resp)
    db.session.refresh(c)
    assert c.status == "closed"


# ------------------------------------------------------------------ lists

def test_lists_per_role(world, case, pool, factory, as_user):
    agency = as_user(world.agency_user)
    first = make_request(agency, case.id)
    second = make_request(agency, case.id, questions="第二个会商申请的问题内容")
    officer = as_user(world.officer_nj)
    officer.post(f"/consultations/{first.id}/return", data={"return-reason": "材料不全，请补充"})
    page = text(officer.get("/consultations"))
    assert "本单位承办" in page and "辖区内全部" in page
    assert f"会商 #{first.id}" in page and f"会商 #{second.id}" in page
    filtered = text(officer.get("/consultations?status=returned"))
    assert f"会商 #{first.id}" in filtered and f"会商 #{second.id}" not in filtered
    assert "未知的状态" in text(officer.get("/consultations?status=bogus"))
    # the provincial office's queue is empty, but its jurisdiction shows both
    provincial = as_user(world.officer_js)
    assert f"会商 #{first.id}" not in text(provincial.get("/consultations"))
    assert f"会商 #{first.id}" in text(provincial.get("/consultations?tab=all"))
    # another province sees nothing; an expert with no invitation neither
    assert f"会商 #{first.id}" not in text(as_user(world.officer_hz).get("/consultations?tab=all"))
    assert "暂无会商邀请" in text(as_user(world.expert_user).get("/consultations"))
    assert f"会商 #{second.id}" in text(as_user(world.admin).get("/consultations"))


def test_list_paginates(world, case, as_user):
    agency = as_user(world.agency_user)
    for i in range(21):
        db.session.add(Consultation(case_id=case.id, questions=f"问题{i}问题问题", required_specialties=["civil_law"],
                                    panel_size=3, status="submitted", tier="municipal", office_id=world.nj.id,
                                    requesting_org_id=world.agency.id))
    db.session.commit()
    page1 = text(agency.get("/consultations"))
    assert "共 21 条，第 1/2 页" in page1
    assert "共 21 条，第 2/2 页" in text(agency.get("/consultations?page=2"))


# ------------------------------------------------------------------ access

def test_other_agency_gets_404(world, case, factory, as_user):
    c = make_request(as_user(world.agency_user), case.id)
    other_org = factory.org("南京市人社局", kind="handling_agency", region_code="320100")
    other = as_user(factory.user("agency", other_org, username="agency_other"))
    for url in (f"/consultations/{c.id}", f"/consultations/{c.id}/edit", f"/consultations/new?case_id={case.id}"):
        assert other.get(url).status_code == 404, url
    for url, data in ((f"/consultations/{c.id}/withdraw", {"withdraw-reason": "不要了"}),
                      (f"/consultations/{c.id}/edit", request_form()),
                      (f"/consultations/{c.id}/accept", {}),
                      (f"/consultations/new?case_id={case.id}", request_form())):
        assert other.post(url, data=data).status_code == 404, url
    assert f"会商 #{c.id}" not in text(other.get("/consultations"))
    db.session.refresh(c)
    assert c.status == "submitted"


def test_staff_actions_refused_to_others(world, case, pool, as_user):
    agency = as_user(world.agency_user)
    c = make_request(agency, case.id)
    assert agency.post(f"/consultations/{c.id}/accept").status_code == 403
    assert agency.post(f"/consultations/{c.id}/panel", data={"draw-reserves": "2"}).status_code == 403
    assert agency.post(f"/consultations/{c.id}/return", data={"return-reason": "自己退回"}).status_code == 403
    # an expert who is not invited sees nothing; another city's officer neither
    assert as_user(world.expert_user).get(f"/consultations/{c.id}").status_code == 404
    assert as_user(world.officer_hz).get(f"/consultations/{c.id}").status_code == 404
    assert as_user(world.officer_hz).post(f"/consultations/{c.id}/accept").status_code == 404
    # the expert cannot request for a case they cannot see
    assert as_user(world.expert_user).get(f"/consultations/new?case_id={case.id}").status_code == 404
    db.session.refresh(c)
    assert c.status == "submitted" and not c.draws


def test_anonymous_is_sent_to_sign_in(client, world, case):
    for url in ("/consultations", f"/consultations/new?case_id={case.id}", "/consultations/1"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url


def test_csrf_refuses_post_without_token(app, world, case, as_user):
    agency = as_user(world.agency_user)
    officer = as_user(world.officer_nj)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = agency.post(f"/consultations/new?case_id={case.id}", data=request_form())
        assert resp.status_code in (302, 400)
        assert db.session.execute(select(func.count()).select_from(Consultation)).scalar_one() == 0
        form = text(agency.get(f"/consultations/new?case_id={case.id}"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or \
            re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token, "the form carries a CSRF token"
        resp = agency.post(f"/consultations/new?case_id={case.id}", data=request_form(csrf_token=token.group(1)))
        assert resp.status_code == 302 and "/consultations/" in resp.headers["Location"]
        c = db.session.execute(select(Consultation)).scalar_one()
        assert officer.post(f"/consultations/{c.id}/accept").status_code in (302, 400)
        db.session.refresh(c)
        assert c.status == "submitted"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
