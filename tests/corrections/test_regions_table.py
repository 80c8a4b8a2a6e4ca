"""Issue 9, item 11: the full GB/T 2260 county-level table, names everywhere, a region picker."""

from __future__ import annotations

import re

from expert_pool import regions


def test_the_whole_county_level_table_is_named():
    assert len(regions.COUNTIES) >= 2800 and len(regions.PREFECTURES) >= 330
    assert regions.label("320113") == "江苏省南京市栖霞区（320113）"
    assert regions.name("110105") == "北京市朝阳区"          # a municipality: no 市辖区 in between
    assert regions.name("500229") == "重庆市城口县"
    assert regions.name("429004") == "湖北省仙桃市"          # directly administered: no grouping name
    assert regions.name("440305") == "广东省深圳市南山区"
    assert regions.name("650102") == "新疆维吾尔自治区乌鲁木齐市天山区"
    assert regions.is_known("320113") and not regions.is_known("320199")
    assert regions.label("320199") == "江苏省南京市（320199）"  # unknown county: the code once


def test_picker_offers_names_within_the_users_scope(client, world, login):
    login(world.agency_user)
    html = client.get("/cases/new").get_data(as_text=True)
    picker = re.search(r'<select[^>]*id="region_code"[^>]*data-region-picker.*?</select>', html, re.S).group(0)
    assert '<option value="320113">江苏省南京市栖霞区 320113</option>' in picker
    assert 'value="330106"' not in picker  # the agency works in 江苏
    client.post("/logout")
    login(world.admin)
    html = client.get("/admin/organizations/new").get_data(as_text=True)
    picker = re.search(r'<select[^>]*id="region_code"[^>]*data-region-picker.*?</select>', html, re.S).group(0)
    assert picker.count("<option") > 3000 and '<option value="000000">全国 000000</option>' in picker


def test_list_filters_pick_a_region_and_rows_show_names(client, world, login, factory):
    factory.case(world.agency, "320100-2026-50001", title="栖霞区某事项", region_code="320113")
    login(world.officer_nj)
    html = client.get("/cases?region_code=320113").get_data(as_text=True)
    assert re.search(r'<select[^>]*id="f-region"[^>]*data-region-picker', html)
    assert '<option value="320113" selected>江苏省南京市栖霞区 320113</option>' in html
    row = re.search(r'<tr data-case-id="\d+".*?</tr>', html, re.S).group(0)
    assert "栖霞区" in row and "（320113）（320113）" not in html
