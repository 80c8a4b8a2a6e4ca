"""Issue 9, item 14: sortable columns on every list, through one helper with a whitelist
(app/sorting.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cases.models import Case
from app.sorting import Sortable

ROOT = Path(__file__).resolve().parents[2]


def test_only_whitelisted_keys_reach_order_by():
    s = Sortable({"title": Case.title, "due": Case.due_date}, default="due", default_desc=True, tiebreak=Case.id)
    assert s.parse({"sort": "title", "dir": "desc"}).descending
    assert s.parse({"sort": "title", "dir": "sideways"}).direction == "asc"
    fallback = s.parse({"sort": "password_hash; DROP TABLE cases", "dir": "asc"})
    assert fallback.key == "due" and fallback.descending and fallback.is_default and fallback.args() == {}
    chosen = s.parse({"sort": "title"})
    assert chosen.link_args("title") == {"sort": "title", "dir": "desc"}  # the active column toggles
    assert chosen.link_args("due") == {"sort": "due", "dir": "asc"}
    assert chosen.aria("title") == "ascending" and chosen.aria("due") == "none"
    from sqlalchemy import select

    sql = str(s.apply(select(Case).order_by(Case.id), chosen))
    assert sql.count("ORDER BY") == 1 and "cases.title ASC" in sql
    with pytest.raises(ValueError):
        Sortable({"title": Case.title}, default="nope")


def test_no_list_parses_sort_arguments_itself():
    """One helper: outside app/sorting.py only precedent search (its own relevance|date contract)
    and the supervision lists read a ``sort`` argument."""
    offenders = []
    for path in (ROOT / "app").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "app/sorting.py" or rel.startswith(("app/search/", "app/supervision/")):
            continue
        if re.search(r"""args\.get\(\s*["']sort["']""", path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []


def _order(html: str, marker: str) -> list[str]:
    return re.findall(marker, html)


def test_cases_sort_by_title_both_ways_and_keep_filters(client, world, login, factory):
    for number, title in (("320100-2026-70001", "乙事项"), ("320100-2026-70002", "甲事项"), ("320100-2026-70003", "丙事项")):
        factory.case(world.agency, number, petitioner="张某", title=title)
    login(world.officer_nj)
    html = client.get("/cases?sort=title&dir=asc&status=registered").get_data(as_text=True)
    titles = [t for t in _order(html, r">(\w事项)</a>") if t in ("甲事项", "乙事项", "丙事项")]
    assert titles == sorted(titles) and len(titles) == 3
    desc = client.get("/cases?sort=title&dir=desc").get_data(as_text=True)
    assert [t for t in _order(desc, r">(\w事项)</a>") if t in ("甲事项", "乙事项", "丙事项")] == titles[::-1]
    head = html[html.index("<thead"):html.index("</thead>")]
    assert 'aria-sort="ascending"' in head and "status=registered" in head  # the filter is kept in the links
    assert client.get("/cases?sort=nonsense").status_code == 200


@pytest.mark.parametrize("url, marker", [
    ("/experts?sort=name&dir=desc", r'data-expert-id="\d+">\s*<td class="text-nowrap"><a href="[^"]+">([^<]+)</a>'),
    ("/admin/users?sort=username&dir=desc", None),
    ("/admin/audit?sort=action&dir=asc", None),
    ("/admin/organizations?sort=name&dir=asc", None),
    ("/consultations?sort=created&dir=asc", None),
])
def test_every_list_has_sortable_headers(client, world, login, url, marker):
    login(world.admin)
    resp = client.get(url)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    if "<thead" in html:
        head = html[html.index("<thead"):html.index("</thead>")]
        assert "data-sort-key" in head and ('aria-sort="descending"' in head or 'aria-sort="ascending"' in head)
    if marker:
        names = re.findall(marker, html)
        assert names == sorted(names, reverse=True) and len(names) >= 2


def test_organizations_sorted_flat_by_name(client, world, login):
    login(world.admin)
    html = client.get("/admin/organizations?sort=name&dir=desc").get_data(as_text=True)
    body = html[html.index("<tbody"):html.index("</tbody>")]
    names = re.findall(r'<td style="padding-left: 0.5rem">([^<]+)</td>', body)
    assert len(names) == 6 and names == sorted(names, reverse=True) and "└" not in body
