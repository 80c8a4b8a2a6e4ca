"""The case's 督办 page says which deadline rule applies to which deadline (issue 10 point 1)."""

from __future__ import annotations

from datetime import date

from tests.supervision.conftest import new_case


def test_the_page_names_the_rules_and_what_a_rule_change_does(client, db, login, sup, factory, frozen_at):
    frozen_at(date(2026, 9, 1))
    case = new_case(factory, sup, accepted_on=date(2026, 8, 3), due=date(2026, 10, 2))
    login(sup.officer_nj)
    html = client.get(f"/supervision/cases/{case.id}").get_data(as_text=True)
    assert "办理期限 60 日" in html or "办理期限 60" in html
    assert "data-rule-note" in html and "修改期限规则不会自动改变已保存的办理期限" in html
    assert "recompute-deadlines" in html
    assert "2026-10-02" in html  # the stored handling deadline, as the rule note says
