"""The meetings calendar (会议日程): a week or a month of consultation meetings, per office and
per expert, drawn on the server.

Only meetings of consultations the viewer may see are shown (visible_consultations_clause); an
expert sees their own seats only, an officer chooses among the petition offices of the
jurisdiction (their own by default) and any expert of the pools they may list. Cancelled
meetings are left out. Days and times are Asia/Shanghai.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.auth.jurisdiction import is_admin, officer_jurisdiction
from app.consultations.models import Consultation, PanelMember
from app.consultations.permissions import visible_consultations_clause
from app.experts import permissions as expert_perm
from app.experts.models import Expert
from app.extensions import db
from app.meetings.models import Meeting
from app.orgs.models import Organization
from app.routing import parse_id
from app.timeutil import SHANGHAI

VIEWS = {"week": "周", "month": "月"}


@dataclass
class CalendarQuery:
    view: str = "week"
    day: date = field(default_factory=clock.today)
    office_id: int | None = None
    expert_id: int | None = None
    problems: list[str] = field(default_factory=list)  # shown, never fatal: a calendar forgives a bad link

    @property
    def first(self) -> date:
        if self.view == "month":
            start = self.day.replace(day=1)
            return start - timedelta(days=start.weekday())
        return self.day - timedelta(days=self.day.weekday())

    @property
    def last(self) -> date:
        if self.view == "month":
            nxt = (self.day.replace(day=28) + timedelta(days=4)).replace(day=1)
            end = nxt - timedelta(days=1)
            return end + timedelta(days=6 - end.weekday())
        return self.first + timedelta(days=6)

    def shifted(self, step: int) -> date:
        """The day shown by the previous (-1) or next (+1) page."""
        if self.view == "month":
            month = self.day.month - 1 + step
            return date(self.day.year + month // 12, month % 12 + 1, 1)
        return self.day + timedelta(days=7 * step)

    def args(self, **changes) -> dict[str, str]:
        values = {"view": self.view, "date": self.day.isoformat(),
                  "office_id": self.office_id, "expert_id": self.expert_id} | changes
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def offices_for(user) -> list[Organization]:
    """The petition offices whose meetings the user may choose: admin all; an officer those of the
    jurisdiction; others none (they see their own meetings only)."""
    stmt = select(Organization).where(Organization.kind == "petition_office").order_by(Organization.region_code,
                                                                                       Organization.id)
    if is_admin(user):
        return list(db.session.execute(stmt).scalars())
    jur = officer_jurisdiction(user) if getattr(user, "role", None) == "officer" else None
    if jur is None:
        return []
    if jur.prefix:
        stmt = stmt.where(Organization.region_code.startswith(jur.prefix))
    return list(db.session.execute(stmt).scalars())


def experts_for(user) -> list[Expert]:
    """The experts an officer or admin may pick (the pools they may list)."""
    if not expert_perm.can_list_pool(user):
        return []
    stmt = select(Expert).where(expert_perm.visible_experts_clause(user)).order_by(Expert.name, Expert.id)
    return list(db.session.execute(stmt).scalars())


def parse(args, user) -> CalendarQuery:
    q = CalendarQuery()
    view = (args.get("view") or "week").strip()
    if view in VIEWS:
        q.view = view
    else:
        q.problems.append("视图应为“周”或“月”，已按周显示")
    raw = (args.get("date") or "").strip()
    if raw:
        try:
            q.day = date.fromisoformat(raw)
        except ValueError:
            q.problems.append(f"日期“{raw}”无效，已显示本周")
    offices = {o.id: o for o in offices_for(user)}
    office = parse_id(args.get("office_id") or "") if args.get("office_id") else None
    if office is not None and office in offices:
        q.office_id = office
    elif args.get("office_id"):
        q.problems.append("所选单位不在您的辖区内，已显示本单位的会议")
    chose_all = "office_id" in args and not args.get("office_id")
    if q.office_id is None and not chose_all and getattr(user, "role", None) == "officer":
        q.office_id = user.organization_id if user.organization_id in offices else None
    if user.role == "expert":
        q.expert_id = user.expert_id
    elif args.get("expert_id"):
        expert = parse_id(args.get("expert_id") or "")
        if expert is not None and expert in {e.id for e in experts_for(user)}:
            q.expert_id = expert
        else:
            q.problems.append("无法查看该专家的会议日程")
    return q


def meetings(user, q: CalendarQuery) -> list[Meeting]:
    start = datetime.combine(q.first, time(), SHANGHAI)
    end = datetime.combine(q.last + timedelta(days=1), time(), SHANGHAI)
    stmt = (select(Meeting).join(Consultation, Consultation.id == Meeting.consultation_id)
            .where(visible_consultations_clause(user), Meeting.status != "cancelled",
                   Meeting.start < end, Meeting.end > start)
            .options(selectinload(Meeting.consultation).selectinload(Consultation.case),
                     selectinload(Meeting.consultation).selectinload(Consultation.office))
            .order_by(Meeting.start, Meeting.id))
    if q.office_id is not None:
        stmt = stmt.where(Consultation.office_id == q.office_id)
    if q.expert_id is not None:
        seated = select(PanelMember.consultation_id).where(PanelMember.expert_id == q.expert_id, PanelMember.is_seated)
        stmt = stmt.where(Consultation.id.in_(seated))
    return list(db.session.execute(stmt).scalars())


def weeks(q: CalendarQuery, rows: list[Meeting]) -> list[list[dict]]:
    """Rows of seven days, each ``{"day", "in_month", "today", "meetings"}``."""
    by_day: dict[date, list[Meeting]] = {}
    for m in rows:
        by_day.setdefault(m.start.astimezone(SHANGHAI).date(), []).append(m)
    today, out, day = clock.today(), [], q.first
    while day <= q.last:
        week = []
        for _ in range(7):
            week.append({"day": day, "in_month": q.view != "month" or day.month == q.day.month,
                         "today": day == today, "meetings": by_day.get(day, [])})
            day += timedelta(days=1)
        out.append(week)
    return out
