"""The one parser for ``?sort=&dir=`` on every list (issue 9: sortable columns everywhere).

Each list declares its sortable columns once, a whitelist from the URL's key to SQL expressions::

    CASE_SORT = Sortable({"number": Case.case_number, "title": Case.title, "due": Case.due_date},
                         default="created", default_desc=True, tiebreak=Case.id)
    sort = CASE_SORT.parse(request.args)          # unknown keys fall back to the default
    stmt = CASE_SORT.apply(stmt, sort)            # replaces the list's ORDER BY

Only whitelisted keys reach ORDER BY, so a URL can never name a column or inject SQL; a UI list
forgives a stale or mistyped key (the default order), like its pager. Empty values sort last in
both directions. The template macro ``sort_header`` (templates/_macros.html) draws the links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, nulls_last
from sqlalchemy.sql.elements import ColumnElement

ASC, DESC = "asc", "desc"


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool
    is_default: bool = False

    @property
    def direction(self) -> str:
        return DESC if self.descending else ASC

    def args(self) -> dict[str, str]:
        """For pager and filter links: nothing when it is the list's default order."""
        return {} if self.is_default else {"sort": self.key, "dir": self.direction}

    def link_args(self, key: str) -> dict[str, str]:
        """The query for a column header: the same column toggles, another starts ascending."""
        descending = (not self.descending) if key == self.key else False
        return {"sort": key, "dir": DESC if descending else ASC}

    def aria(self, key: str) -> str:
        """``aria-sort`` of a header cell."""
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"


class Sortable:
    def __init__(self, columns: Mapping[str, ColumnElement | Sequence[ColumnElement]], *, default: str,
                 default_desc: bool = False, tiebreak: ColumnElement | None = None,
                 default_order: Sequence[ColumnElement] | None = None):
        """``default_order`` keeps a list's own default ordering (e.g. "waiting on me first") when
        no column is chosen; ``default`` is the key the header shows as active then."""
        if default not in columns and default_order is None:
            raise ValueError(f"default sort key {default!r} is not a sortable column")
        self.columns = {k: tuple(v) if isinstance(v, (list, tuple)) else (v,) for k, v in columns.items()}
        self.default, self.default_desc = default, default_desc
        self.tiebreak, self.default_order = tiebreak, default_order

    def parse(self, args) -> Sort:
        key = (args.get("sort") or "").strip()
        direction = (args.get("dir") or "").strip().lower()
        if key not in self.columns:
            return Sort(self.default, self.default_desc, is_default=True)
        if direction not in (ASC, DESC):
            direction = ASC
        return Sort(key, direction == DESC)

    def apply(self, stmt: Select, sort: Sort) -> Select:
        if sort.is_default and self.default_order is not None:
            order = list(self.default_order)
        else:
            order = [nulls_last(c.desc() if sort.descending else c.asc()) for c in self.columns[sort.key]]
        if self.tiebreak is not None:
            order.append(self.tiebreak.desc() if sort.descending else self.tiebreak.asc())
        return stmt.order_by(None).order_by(*order)
