"""Issue 9, item 12: a page past the end is not called “第 999/2 页”."""

from __future__ import annotations


def test_a_page_past_the_end_says_so(client, world, login, factory):
    for i in range(3):
        factory.expert(f"分页专家{i}")
    login(world.officer_nj)
    html = client.get("/experts?page=999").get_data(as_text=True)
    assert "第 999/" not in html and "没有第 999 页" in html and "data-page-out-of-range" in html
