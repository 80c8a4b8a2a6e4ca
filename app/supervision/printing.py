"""The printed documents of supervision, through the GB/T 9704 renderer of ``app.documents``:
the supervision notice (督办单) and the monthly supervision bulletin (督办通报) with its tables."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from app.cases.models import Case
from app.documents.official import OfficialDocument, OfficialSection, Table, render_official_pdf
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.supervision import permissions as perm
from app.supervision import queries as Q
from app.supervision import stats as S
from app.supervision.models import SupervisionNotice
from app.timeutil import local
from expert_pool import deadlines as D
from expert_pool import regions
from expert_pool.codes import CATEGORIES, POOL_TIERS

CN_NUM = "一二三四五六七八九十"


def _fonts():
    return current_app.config.get("DOCUMENT_FONTS_DIR") or None


def notice_document(notice: SupervisionNotice) -> OfficialDocument:
    case = notice.case
    issued = local(notice.issued_at).date()
    facts = "\n".join([
        f"事项编号：{case.case_number}",
        f"信访事项：{case.title}",
        f"问题类别：{case.category_label}；行政区划：{regions.name(case.region_code)}",
        f"受理日期：{case.accepted_on.isoformat() if case.accepted_on else '未受理'}；"
        f"办理期限：{case.due_date.isoformat() if case.due_date else '未定'}",
        f"包案领导：{case.responsible_leader or '未明确'}",
    ])
    sections = [
        OfficialSection("一、督办事项", facts),
        OfficialSection("二、督办要求", notice.requirements),
        OfficialSection("三、办理时限", f"请于{notice.due_on.year}年{notice.due_on.month}月{notice.due_on.day}日前办结，"
                                   "并将办理情况书面回复本单位。逾期未回复的，将按规定通报并提请上级信访部门督办。"),
    ]
    if notice.reply_text:
        replied = f"{local(notice.replied_at):%Y-%m-%d %H:%M}"
        sections.append(OfficialSection("四、承办单位回复", f"{notice.reply_text}\n（回复时间：{replied}）"))
    return OfficialDocument(
        title=f"关于{case.title}的督办单", addressee=notice.agency.name if notice.agency else "", sections=sections,
        issuing_body=notice.office.name, date=issued, number=notice.number,
        intro="根据《信访工作条例》有关规定，现对下列信访事项进行督办，请认真研究办理。",
        cc=[], printing_office=notice.office.name, print_date=issued)


def notice_pdf(notice: SupervisionNotice) -> bytes:
    return render_official_pdf(notice_document(notice), fonts=_fonts())


def month_bounds(month: str) -> tuple[date, date]:
    try:
        year, mon = (int(p) for p in month.split("-"))
        first = date(year, mon, 1)
    except ValueError:
        raise ValidationFailed({"month": "月份格式应为 YYYY-MM"}) from None
    return first, date(year, mon, calendar.monthrange(year, mon)[1])


def bulletin_pdf(user, month: str, f: Q.Filters, today: date) -> bytes:
    if not perm.can_run_bulletin(user):
        raise Forbidden("督办通报由信访部门印发")
    first, last = month_bounds(month)
    if first > today:
        raise ValidationFailed({"month": "不能通报尚未开始的月份"})
    return render_official_pdf(bulletin_document(user, first, last, f, today), fonts=_fonts())


def bulletin_document(user, first: date, last: date, f: Q.Filters, today: date) -> OfficialDocument:
    as_of = min(last, today)
    office = user.organization
    body = office.name if office is not None and user.role == "officer" else "信访工作专家会商与法律审查平台"
    month_f = Q.Filters(region_code=f.region_code, category=f.category, date_from=first, date_to=last)
    counts = S.case_counts(user, f, as_of)
    new_cases = S.case_counts(user, month_f, as_of)
    dl = S.deadline_counts(user, f, as_of)
    by_region = S.open_by_region(user, f, as_of)
    by_cat = S.open_by_category(user, f, as_of)
    cons = S.consultations_by_status(user, f, as_of)
    times = S.request_to_opinion_days(user, f)
    rates = S.feedback_rates(user, f)
    esc = S.escalations_by_tier(user, month_f)
    notices = _notices(user, f, first, last)

    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"

    overview = (f"截至{as_of.year}年{as_of.month}月{as_of.day}日，未办结信访事项{counts['open']}件，其中超过办理期限"
                f"{counts['overdue']}件；累计办结{counts['closed']}件。本月新登记{new_cases['open'] + new_cases['closed']}件。"
                f"已出具法律审查意见书{rates['issued']}件，收到落实反馈{rates['with_feedback']}件，采纳率{pct(rates['adoption_rate'])}，"
                f"化解率{pct(rates['resolution_rate'])}。会商申请至出具意见用时中位数"
                f"{times['median'] if times['median'] is not None else '—'}天。本月发出督办单{len(notices)}件，"
                f"已回复{sum(1 for n in notices if n.status == 'replied')}件；本月提请上级专家库援助{sum(esc.values())}次。")
    sections = [
        OfficialSection("一、总体情况", overview),
        OfficialSection("二、期限预警", tables=[Table(["期限类型", "即将到期", "已超期", "提级督办"],
                                                  [[Q.KINDS[k], dl[k][D.DUE_SOON], dl[k][D.OVERDUE], dl[k][D.ESCALATED]]
                                                   for k in Q.SELECTS])]),
        OfficialSection("三、未办结事项分布", tables=[
            Table(["地区", "件数"], [[regions.name(r), n] for r, n in by_region.items()] or [["无", 0]], "（一）按地区"),
            Table(["问题类别", "件数"], [[CATEGORIES[c], n] for c, n in by_cat.items()] or [["无", 0]], "（二）按问题类别"),
        ]),
        OfficialSection("四、会商与意见落实", tables=[
            Table(["阶段", "会商数"], [[S.CONSULTATION_STATUSES[s], n] for s, n in cons.items() if n] or [["无", 0]]),
            Table(["提请至", "次数"], [[POOL_TIERS[t], n] for t, n in esc.items()], "本月上级专家库援助"),
        ]),
        OfficialSection("五、本月督办单", tables=[Table(["文号", "承办单位", "时限", "状态"],
                                                  [[n.number, n.agency.name, n.due_on.isoformat(), n.status_label]
                                                   for n in notices] or [["无", "", "", ""]])]),
        OfficialSection("六、工作要求", "各承办单位要对照期限预警逐件落实，超期事项须说明原因并限期办结；"
                                     "对督办单所列事项要按时书面回复；已出具法律审查意见的事项要及时反馈采纳和化解情况。"),
    ]
    return OfficialDocument(
        title=f"关于{first.year}年{first.month}月信访事项督办情况的通报", addressee="各有关单位", sections=sections,
        issuing_body=body, date=as_of, printing_office=body, print_date=as_of)


def _notices(user, f: Q.Filters, first: date, last: date) -> list[SupervisionNotice]:
    return list(db.session.execute(
        select(SupervisionNotice).join(Case, Case.id == SupervisionNotice.case_id)
        .where(S.case_scope(user, Q.Filters(region_code=f.region_code, category=f.category)),
               SupervisionNotice.issued_at >= Q._midnight(first), SupervisionNotice.issued_at < Q._midnight(last + timedelta(days=1)))
        .order_by(SupervisionNotice.id)).scalars())
