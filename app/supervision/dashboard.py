"""The dashboard's charts as data: labels, one or more series of numbers, and for every number
the URL of the drill-down list of exactly the rows it counts. The page draws each chart with
ECharts (served from this host) and prints the same numbers as a table beside it; the tables
export to .xlsx from the same data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import url_for

from app.cases.models import CASE_STATUSES
from app.consultations.models import CONSULTATION_STATUSES
from app.supervision import filters as F
from app.supervision import queries as Q
from app.supervision import rules as R
from app.supervision import stats as S
from expert_pool import deadlines as D
from expert_pool import regions
from expert_pool.codes import CATEGORIES, POOL_TIERS

OVERDUE_COLOR = "#dc3545"
COLORS = {D.DUE_SOON: "#f0ad4e", D.OVERDUE: OVERDUE_COLOR, D.ESCALATED: "#7a1020"}


@dataclass
class Series:
    name: str
    values: list
    links: list
    color: str = "#3b6ea5"


@dataclass
class Chart:
    id: str
    title: str
    labels: list[str]
    series: list[Series]
    unit: str = "件"
    note: str = ""
    first_header: str = "项目"
    horizontal: bool = False
    extra_columns: list[tuple[str, list]] = field(default_factory=list)  # table-only columns

    def spec(self) -> dict:
        return {"id": self.id, "title": self.title, "labels": self.labels, "unit": self.unit, "horizontal": self.horizontal,
                "series": [{"name": s.name, "values": s.values, "links": s.links, "color": s.color} for s in self.series]}

    @property
    def headers(self) -> list[str]:
        return [self.first_header, *[s.name for s in self.series], *[h for h, _ in self.extra_columns]]

    def rows(self) -> list[list]:
        return [[label, *[s.values[i] for s in self.series], *[vals[i] for _, vals in self.extra_columns]]
                for i, label in enumerate(self.labels)]


def _link(args: dict, what: str, **extra) -> str:
    # a segment's category or region replaces the filter's (it lies within it): the list's filters say it all
    return url_for("supervision.drill", what=what, **{**args, **{k: v for k, v in extra.items() if v is not None}})


def build(user, f: Q.Filters, region_arg: str, today: date) -> list[Chart]:
    args = F.as_args(f, region_arg)
    charts: list[Chart] = []

    counts = S.case_counts(user, f, today)
    charts.append(Chart("cases", "信访事项办理情况", ["未办结", "超过办理期限", "已办结"], [Series("件数", [
        counts["open"], counts["overdue"], counts["closed"]], [
        _link(args, "cases", status="open"), _link(args, "cases", status="open", overdue="1"),
        _link(args, "cases", status="closed")])]))

    backlog = S.backlog_by_status(user, f, today)
    charts.append(Chart("backlog", "未办结积案（按状态）", [CASE_STATUSES[s] for s in backlog], [Series(
        "积案数", list(backlog.values()), [_link(args, "cases", status=s, backlog="1") for s in backlog])], first_header="状态"))

    by_cat = S.open_by_category(user, f, today)
    charts.append(Chart("category", "未办结事项（按问题类别）", [CATEGORIES[c] for c in by_cat], [Series(
        "件数", list(by_cat.values()), [_link(args, "cases", status="open", category=c) for c in by_cat])],
        first_header="问题类别", horizontal=True))

    by_region = S.open_by_region(user, f, today)
    charts.append(Chart("region", "未办结事项（按地区）", [regions.name(r) for r in by_region], [Series(
        "件数", list(by_region.values()), [_link(args, "cases", status="open", region_code=r) for r in by_region])],
        first_header="地区", horizontal=True))

    th = R.thresholds()
    dl = S.deadline_counts(user, f, today)
    kinds = list(Q.SELECTS)
    charts.append(Chart("deadlines", "期限预警（即将到期与超期）", [Q.KINDS[k] for k in kinds], [
        Series(D.STATE_LABELS[st], [dl[k][st] for k in kinds], [_link(args, "deadlines", kind=k, state=st) for k in kinds],
               COLORS[st]) for st in Q.STATES], first_header="期限类型",
        note=f"即将到期：{th.due_soon} 个工作日内到期；超期 {th.escalate_after} 个工作日以上提请上级督办（超期含提级）"))

    cons = S.consultations_by_status(user, f, today)
    charts.append(Chart("consultations", "会商（按阶段）", [CONSULTATION_STATUSES[s] for s in cons], [Series(
        "会商数", list(cons.values()), [_link(args, "consultations", status=s) for s in cons])], first_header="阶段"))

    times = S.request_to_opinion_days(user, f)
    link = _link(args, "opinions", feedback="issued")
    charts.append(Chart("turnaround", "申请至出具意见用时", ["中位数", "第90百分位"], [Series(
        "天数", [times["median"], times["p90"]], [link, link])], unit="天", first_header="指标",
        note=f"按已出具意见 {times['count']} 件计算（自然日）"))

    rates = S.feedback_rates(user, f)
    labels = ["已出具意见", "已反馈", "已采纳", "已化解"]
    keys = ["issued", "with_feedback", "adopted", "resolved"]
    pct = ["", "", _pct(rates["adoption_rate"]), _pct(rates["resolution_rate"])]
    charts.append(Chart("feedback", "意见采纳与化解", labels, [Series(
        "件数", [rates[k] for k in keys], [_link(args, "opinions", feedback=k) for k in keys])], first_header="项目",
        extra_columns=[("比率（占已反馈）", pct)], note="采纳率、化解率以已反馈的意见书为分母"))

    esc = S.escalations_by_tier(user, f, today)
    charts.append(Chart("escalations", "三跨三分离：提请上级专家库援助（按层级）", [POOL_TIERS[t] for t in esc], [Series(
        "次数", list(esc.values()), [_link(args, "escalations", tier=t) for t in esc])], unit="次", first_header="提请至"))

    loads = S.expert_workload(user, f, today=today)
    charts.append(Chart("experts", "专家工作量与评价（在办会商最多的专家）", [e.name for e in loads], [Series(
        "在办会商", [e.open_seats for e in loads], [_expert_link(user, e.expert_id) for e in loads])],
        first_header="专家", horizontal=True,
        extra_columns=[("平均评分", [e.rating if e.rating is not None else "" for e in loads]),
                       ("评分次数", [e.ratings for e in loads])]))
    return charts


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _expert_link(user, expert_id: int) -> str:
    """Officers and admins open the expert's page; agencies have no expert pages (no link)."""
    return url_for("experts.detail", expert_id=expert_id) if user.role in ("admin", "officer") else ""
