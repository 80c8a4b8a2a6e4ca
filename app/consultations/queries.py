"""The consultation list, shared by the page (``/consultations``) and the API
(``GET /api/v1/consultations``): the consultations a user may see, filtered, in one order —
work first — counted and paged. Each side parses its own query string (the API strictly, the
page forgivingly, as with paging) into the same :class:`ConsultationFilters`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Select, func, select
from sqlalchemy import case as sql_case

from app.consultations import permissions as perm
from app.consultations.models import CONSULTATION_STATUSES, Consultation
from app.errors import ValidationFailed
from app.cases.models import Case
from app.extensions import db
from app.orgs.models import Organization
from app.sorting import Sortable
from app.routing import parse_id

# The page's tabs for an officer: the office's own staffing queue (the default) or everything
# in the jurisdiction. The API's ``queue=true`` is the first.
TABS = {"queue": "本单位承办", "all": "辖区内全部"}


@dataclass(frozen=True)
class ConsultationFilters:
    status: str | None = None
    office_queue: bool = False  # only those staffed by the user's own office
    case_id: int | None = None


def list_query(user, filters: ConsultationFilters | None = None) -> Select:
    """The consultations ``user`` may see, filtered, work first: requests waiting for acceptance,
    then urgent ones, newest first."""
    filters = filters or ConsultationFilters()
    stmt = select(Consultation).where(perm.visible_consultations_clause(user))
    if filters.office_queue and user.organization_id is not None:
        stmt = stmt.where(Consultation.office_id == user.organization_id)
    if filters.status:
        stmt = stmt.where(Consultation.status == filters.status)
    if filters.case_id is not None:
        stmt = stmt.where(Consultation.case_id == filters.case_id)
    return stmt.order_by(*WORK_FIRST)


_WAITING = sql_case((Consultation.status == "submitted", 0), else_=1)
_URGENT = sql_case((Consultation.urgency == "urgent", 0), else_=1)
WORK_FIRST = (_WAITING, _URGENT, Consultation.id.desc())


def _name_of(model, column):
    return select(model.name).where(model.id == column).scalar_subquery()


# The list's sortable columns (app.sorting); by default work first (WORK_FIRST).
CONSULTATION_SORT = Sortable({
    "id": Consultation.id, "case": select(Case.title).where(Case.id == Consultation.case_id).scalar_subquery(),
    "status": Consultation.status, "requester": _name_of(Organization, Consultation.requesting_org_id),
    "office": _name_of(Organization, Consultation.office_id), "created": Consultation.created_at,
}, default="created", default_desc=True, tiebreak=Consultation.id, default_order=WORK_FIRST[:2])


def count(stmt: Select) -> int:
    return db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()


def paginate(stmt: Select, page: int, per_page: int) -> tuple[list[Consultation], int]:
    """One page of ``stmt`` and the total over all pages."""
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return list(rows), count(stmt)


def tab_counts(user, filters: ConsultationFilters) -> dict[str, int]:
    """How many each of the page's tabs holds under the other filters."""
    return {tab: count(list_query(user, replace(filters, office_queue=tab == "queue"))) for tab in TABS}


def filters_from_api_args(args) -> ConsultationFilters:
    """``?status=&queue=true&case_id=``; ValidationFailed (422) naming a bad status or case id."""
    errors: dict[str, str] = {}
    status = args.get("status") or None
    if status and status not in CONSULTATION_STATUSES:
        errors["status"] = "未知的状态"
    raw_case = (args.get("case_id") or "").strip()
    case_id = parse_id(raw_case) if raw_case else None
    if raw_case and case_id is None:
        errors["case_id"] = "应为信访事项的编号（正整数）"
    if errors:
        raise ValidationFailed(errors)
    return ConsultationFilters(status=status, office_queue=args.get("queue") == "true", case_id=case_id)


@dataclass(frozen=True)
class PageFilters:
    """What the page shows above its list: the tab (officers only), a note about an unknown
    status, and the query arguments its pager links keep."""
    filters: ConsultationFilters
    tab: str | None
    status_error: str | None
    args: dict[str, str]


def filters_from_page_args(args, user) -> PageFilters:
    """``?tab=queue|all&status=&case_id=``, forgiving: an officer's tab defaults to the queue,
    an unknown status shows every status with a note, a bad case id is ignored."""
    is_officer = user.role == "officer" and user.organization_id is not None
    tab = args.get("tab", "queue") if is_officer else None
    if tab not in (None, *TABS):
        tab = "queue"
    status = args.get("status", "").strip() or None
    status_error = None
    if status and status not in CONSULTATION_STATUSES:
        status_error, status = f"未知的状态“{status}”，已显示全部状态。", None
    case_id = parse_id(args.get("case_id"))
    filters = ConsultationFilters(status=status, office_queue=tab == "queue", case_id=case_id)
    kept = {k: str(v) for k, v in (("tab", tab), ("status", status), ("case_id", case_id)) if v}
    return PageFilters(filters, tab, status_error, kept)
