"""Issue 9, item 4: petitioners' personal data is masked for experts (and anyone who is not staff
of the case), shown in full to staff, and every full view is in the audit log."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEntry
from app.cases.models import Case, Petitioner
from app.cases.personal import mask_address
from app.consultations.models import Consultation, PanelMember
from app.extensions import db

ID = "11010519491231002X"
PHONE = "13812345678"
ADDRESS = "江苏省南京市栖霞区迈皋桥街道和燕路18号3栋201室"


@pytest.fixture
def seated(world, factory):
    """A 南京 case with one petitioner and a consultation on which an expert sits."""
    expert = factory.expert("脱敏专家")
    user = factory.user("expert", expert=expert, username="mask_expert")
    case = factory.case(world.agency, petitioner="周海燕")
    case.petitioners = [Petitioner(name="周海燕", id_number=ID, phone=PHONE, address=ADDRESS)]
    c = Consultation(case=case, questions="问题", required_specialties=["administrative_law"], panel_size=3,
                     status="panel_drawn", tier="municipal", office_id=world.nj.id, requesting_org_id=world.agency.id)
    db.session.add(c)
    c.members = [PanelMember(expert_id=expert.id, role="chair", status="accepted")]
    db.session.commit()
    return case, user


def _views(case_id: int) -> int:
    return db.session.query(AuditEntry).filter_by(action="view_personal_data", object_id=case_id).count()


@pytest.mark.parametrize("raw, masked", [
    (ADDRESS, "江苏省南京市栖霞区（详细地址已隐去）"),
    ("南京市玄武区某路1号", "南京市玄武区（详细地址已隐去）"),
    ("浙江省杭州市余杭区", "浙江省杭州市余杭区"),
    ("江苏省昆山市玉山镇人民路8号", "江苏省昆山市（详细地址已隐去）"),
    ("某村3组", "（详细地址已隐去）"),
    ("", ""),
])
def test_address_is_cut_below_the_county(raw, masked):
    assert mask_address(raw) == masked


def test_expert_sees_masked_values_through_the_api(client, world, api, seated):
    case, expert = seated
    body = client.get(f"/api/v1/cases/{case.id}", headers=api(expert)).get_json()
    p = body["petitioners"][0]
    assert p["name"] == "周海燕"
    assert p["id_number"] == "110105********002X" and p["phone"] == "138****5678"
    assert p["address"] == "江苏省南京市栖霞区（详细地址已隐去）"
    listed = client.get("/api/v1/cases", headers=api(expert)).get_json()["items"][0]["petitioners"][0]
    assert ID not in str(listed) and PHONE not in str(listed)
    assert _views(case.id) == 0  # nothing shown in full, nothing to log


def test_staff_see_full_values_and_each_view_is_audited(client, world, api, seated):
    case, _ = seated
    for user in (world.officer_nj, world.agency_user, world.admin):
        before = _views(case.id)
        p = client.get(f"/api/v1/cases/{case.id}", headers=api(user)).get_json()["petitioners"][0]
        assert (p["id_number"], p["phone"], p["address"]) == (ID, PHONE, ADDRESS)
        assert _views(case.id) == before + 1
    entry = db.session.query(AuditEntry).filter_by(action="view_personal_data", object_id=case.id).order_by(
        AuditEntry.id.desc()).first()
    assert entry.actor_name == world.admin.username and "周海燕" in entry.summary and entry.subject == f"case:{case.id}"
    client.get("/api/v1/cases", headers=api(world.officer_nj))
    assert _views(case.id) == 4


def test_case_page_masks_for_the_expert_and_logs_staff_views(client, world, login, seated):
    case, expert = seated
    login(expert)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert ID not in html and PHONE not in html and "和燕路" not in html
    assert "110105********002X" in html and "138****5678" in html and "data-masked" in html
    assert _views(case.id) == 0


def test_case_page_shows_staff_full_values_and_logs_the_view(client, world, login, seated):
    case, _ = seated
    login(world.officer_nj)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert ID in html and PHONE in html and "和燕路" in html and "data-masked" not in html
    assert _views(case.id) == 1
    assert db.session.get(Case, case.id) is not None
