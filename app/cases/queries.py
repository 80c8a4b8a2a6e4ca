"""Ledger listing: filters from query arguments, the visible-cases query, pagination."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.cases import permissions as perm
from app.cases.idcard import normalize_id_number
from app.cases.models import CASE_STATUSES, Case, Petitioner
from app.cases.schemas import today
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.orgs.models import Organization
from app.sorting import Sortable
from expert_pool import regions
from expert_pool.codes import CATEGORIES

STAFF_ROLES = ("admin", "agency", "officer")  # as perm.sees_personal_data
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$|^\d{15}$")
TRUE_WORDS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}


@dataclass
class CaseFilters:
    status: str | None = None
    category: str | None = None
    region_code: str | None = None   # a region code: the region and everything inside it
    overdue: bool | None = None
    q: str | None = None

    def as_args(self) -> dict[str, str]:
        """Query-string form (for pager and export links)."""
        out = {}
        for key, value in asdict(self).items():
            if value is None or value == "":
                continue
            out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return out


def filters_from_args(args) -> CaseFilters:
    """Parse ``?status=&category=&region_code=&overdue=&q=``; ValidationFailed naming bad ones."""
    errors: dict[str, str] = {}
    values = {k: (args.get(k) or "").strip() for k in ("status", "category", "region_code", "overdue", "q")}
    filters = CaseFilters()
    if values["status"]:
        if values["status"] in CASE_STATUSES:
            filters.status = values["status"]
        else:
            errors["status"] = "取值无效，可选：" + "、".join(CASE_STATUSES)
    if values["category"]:
        if values["category"] in CATEGORIES:
            filters.category = values["category"]
        else:
            errors["category"] = f"未知的问题类别：{values['category']}"
    if values["region_code"]:
        problem = regions.validate(values["region_code"])
        if problem:
            errors["region_code"] = problem
        else:
            filters.region_code = values["region_code"]
    if values["overdue"]:
        if values["overdue"].lower() in TRUE_WORDS:
            filters.overdue = TRUE_WORDS[values["overdue"].lower()]
        else:
            errors["overdue"] = "应为 true 或 false"
    if values["q"]:
        if len(values["q"]) > 100:
            errors["q"] = "关键字不能超过 100 个字符"
        else:
            filters.q = values["q"]
    if errors:
        raise ValidationFailed(errors)
    return filters


def list_query(user, filters: CaseFilters | None = None):
    """The cases ``user`` may see, filtered, newest first."""
    if not getattr(user, "role", None):
        raise Forbidden("无权查看信访事项台账")
    filters = filters or CaseFilters()
    stmt = select(Case).where(perm.visible_cases_clause(user))
    if filters.status:
        stmt = stmt.where(Case.status == filters.status)
    if filters.category:
        stmt = stmt.where(Case.category == filters.category)
    if filters.region_code:
        prefix = regions.prefix(filters.region_code)
        if prefix:
            stmt = stmt.where(Case.region_code.startswith(prefix))
    if filters.overdue is True:
        stmt = stmt.where(Case.due_date < today(), Case.status != "closed")
    elif filters.overdue is False:
        stmt = stmt.where(or_(Case.due_date.is_(None), Case.due_date >= today(), Case.status == "closed"))
    if filters.q:
        q = filters.q
        matches = [
            Case.title.icontains(q, autoescape=True),
            Case.case_number.icontains(q, autoescape=True),
            Case.id.in_(select(Petitioner.case_id).where(Petitioner.name.icontains(q, autoescape=True))),
        ]
        number = normalize_id_number(q)
        if user.role in STAFF_ROLES and ID_NUMBER_RE.match(number):
            # Staff see these numbers in full on every case they can list, so finding a case by its
            # petitioner's whole number reveals nothing new; experts never search by it.
            matches.append(Case.id.in_(select(Petitioner.case_id).where(Petitioner.id_number == number)))
        stmt = stmt.where(or_(*matches))
    return stmt.order_by(Case.created_at.desc(), Case.id.desc())


def _org_name(column):
    return select(Organization.name).where(Organization.id == column).scalar_subquery()


# The ledger's sortable columns (app.sorting); by default the newest registration first.
CASE_SORT = Sortable({
    "number": Case.case_number, "title": Case.title, "category": Case.category, "region": Case.region_code,
    "org": _org_name(Case.handling_org_id), "status": Case.status, "due": Case.due_date,
    "created": Case.created_at,
    "repeat": Case.repeat_letters + Case.repeat_visits + Case.repeat_online,
}, default="created", default_desc=True, tiebreak=Case.id)


def with_details(stmt):
    """Eager-load what the list, the API and the export show of each case."""
    return stmt.options(selectinload(Case.petitioners), selectinload(Case.cooperating_orgs),
                        selectinload(Case.handling_org), selectinload(Case.lead_org))


def paginate(stmt, page: int, per_page: int) -> tuple[list[Case], int]:
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    items = db.session.execute(with_details(stmt).limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return list(items), total
