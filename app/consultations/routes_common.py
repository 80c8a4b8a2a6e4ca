"""Helpers shared by the consultation page handlers: loading through the services' access
checks, what the current user may do on a consultation, and rendering the detail page with
any action form re-shown (opened, with its errors).

Every handler loads the consultation with ``services.get_visible`` (404 when the user may not
see it); the services themselves enforce who may act (403). The flags computed here only
decide which controls are shown.
"""

from __future__ import annotations

from collections import Counter

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.consultations import permissions as perm
from app.field_labels import describe
from app.consultations import services, workflow
from app.consultations.forms import DrawForm, RatingForm, ReasonForm, ReservesForm
from app.consultations.models import Consultation, ExpertRating, PanelMember
from app.consultations.serialize import panel_dict
from app.errors import ValidationFailed
from app.experts.models import Expert
from app.extensions import db
from expert_pool.codes import RECUSAL_REASONS

STEPS = (
    ("submitted", "提交申请"), ("accepted", "受理"), ("panel_drawn", "抽取专家"), ("scheduled", "安排会商"),
    ("deliberated", "召开会商"), ("opinion_issued", "出具意见"), ("closed", "办结"),
)
STEP_INDEX = {code: i for i, (code, _) in enumerate(STEPS)} | {"returned": 0}
NAMES_PER_REASON = 100
FINISHED = ("closed", "withdrawn", "opinion_issued")


def load(consultation_id: int, for_update: bool = False) -> Consultation:
    """The consultation if ``current_user`` may see it, else NotFound (404)."""
    return services.get_visible(current_user, consultation_id, for_update=for_update)


def case_url(case, anchor: str | None = None) -> str:
    """The case page (the case ledger's blueprint is always registered)."""
    return url_for("cases.detail", case_id=getattr(case, "id", case), _anchor=anchor)


def cases_url() -> str:
    return url_for("cases.index")


def is_staff_viewer(user) -> bool:
    """Officers and admins see excluded experts' names in the draw record; others counts only."""
    return getattr(user, "role", None) in ("officer", "admin")


def requester_side(user, c: Consultation) -> bool:
    """The side that asked: the case's agency, an officer whose office filed the request, admin."""
    if not perm.can_amend(user, c):
        return False
    return user.role in ("agency", "admin") or (c.requesting_org_id is not None and c.requesting_org_id == user.organization_id)


def _allowed(c: Consultation, action: str) -> bool:
    return c.status in workflow.TRANSITIONS[action][0]


def abilities(user, c: Consultation) -> dict[str, bool]:
    staff = perm.can_staff(user, c)
    requester = requester_side(user, c)
    exhausted = bool(c.draws) and (panel_dict(c) or {}).get("reserves_exhausted", False)
    return {
        "staff": staff,
        "accept": staff and _allowed(c, "accept"),
        "return": staff and _allowed(c, "return"),
        "escalate": staff and _allowed(c, "escalate") and not c.members,
        "draw": staff and _allowed(c, "draw_panel") and not c.draws,
        "reserves": staff and exhausted and c.status not in FINISHED,
        "close": staff and _allowed(c, "close"),
        "rate": staff and c.status in services.RATABLE,
        "edit": requester and c.status in ("returned", "submitted"),
        "withdraw": requester and _allowed(c, "withdraw"),
    }


def my_invitation(user, c: Consultation):
    """The current expert's own seat on the panel (not a reserve), if any."""
    return c.seat_of_user(user)


def expert_names(ids) -> dict[int, str]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    names = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        names.update(db.session.execute(select(Expert.id, Expert.name).where(Expert.id.in_(chunk))).all())
    return names


def excluded_groups(excluded: list[dict], with_names: bool) -> list[dict]:
    """Exclusions grouped by reason, in the order of RECUSAL_REASONS: label, count and — for
    staff — the first names."""
    counts = Counter(e["reason"] for e in excluded)
    order = [r for r in RECUSAL_REASONS if r in counts] + sorted(r for r in counts if r not in RECUSAL_REASONS)
    by_reason: dict[str, list[int]] = {}
    for e in excluded:
        by_reason.setdefault(e["reason"], []).append(e["expert_id"])
    names = {}
    if with_names:
        names = expert_names(eid for r in order for eid in by_reason[r][:NAMES_PER_REASON])
    groups = []
    for reason in order:
        ids = by_reason[reason]
        groups.append({
            "reason": reason, "label": RECUSAL_REASONS.get(reason, reason), "count": counts[reason],
            "names": [names.get(eid, f"#{eid}") for eid in ids[:NAMES_PER_REASON]] if with_names else None,
            "more": max(len(ids) - NAMES_PER_REASON, 0),
        })
    return groups


def insufficient_rows(details: dict) -> list[dict]:
    by_reason = details.get("excluded_by_reason") or {}
    order = [r for r in RECUSAL_REASONS if r in by_reason] + sorted(r for r in by_reason if r not in RECUSAL_REASONS)
    return [{"reason": r, "label": RECUSAL_REASONS.get(r, r), "count": by_reason[r]} for r in order]


def steps(c: Consultation) -> list[dict]:
    current = STEP_INDEX.get(c.status)
    out = []
    for i, (code, label) in enumerate(STEPS):
        if current is None:
            state = "inactive"
        elif i < current:
            state = "done"
        elif i == current:
            state = "current"
        else:
            state = "todo"
        if code == "closed" and c.status == "closed":
            state = "done"
        out.append({"code": code, "label": label, "state": state})
    return out


def render_detail(c: Consultation, status: int = 200, forms: dict | None = None, errors: dict | None = None,
                  open_panel: str | None = None, insufficient: dict | None = None, rating_form=None,
                  rating_expert_id: int | None = None, bulk: dict | None = None):
    """The consultation page. ``forms`` overrides the blank action forms (to re-show input with
    errors), ``errors`` are per-form messages that belong to no field, ``open_panel`` names the
    action form to show opened."""
    user = current_user
    blank = {
        "return": ReasonForm(prefix="return", formdata=None),
        "escalate": ReasonForm(prefix="escalate", formdata=None),
        "withdraw": ReasonForm(prefix="withdraw", formdata=None),
        "close": ReasonForm(prefix="close", formdata=None),
        "decline": ReasonForm(prefix="decline", formdata=None),
        "draw": DrawForm(prefix="draw", formdata=None),
        "reserves": ReservesForm(prefix="reserves", formdata=None),
    }
    blank.update(forms or {})
    panel = panel_dict(c)
    staff_viewer = is_staff_viewer(user)
    draws = [{"draw": d, "groups": excluded_groups(d.excluded or [], staff_viewer),
              "candidate_count": len(d.candidates or []), "excluded_count": len(d.excluded or [])} for d in c.draws]
    ratings = {r.expert_id: r for r in db.session.execute(
        select(ExpertRating).where(ExpertRating.consultation_id == c.id)).scalars()}
    accepted = c.accepted_members()
    rating_forms = {m.expert_id: RatingForm(prefix=f"rate{m.expert_id}", formdata=None) for m in accepted}
    if rating_form is not None and rating_expert_id is not None:
        rating_forms[rating_expert_id] = rating_form
    return render_template(
        "consultations/detail.html",
        c=c, consultation=c, can_staff=perm.can_staff(user, c), can=abilities(user, c), panel=panel,
        member_rows=_member_rows(c), draws=draws, staff_viewer=staff_viewer, my_member=my_invitation(user, c),
        steps=steps(c), forms=blank, errors=errors or {}, open_panel=open_panel,
        insufficient=insufficient, insufficient_rows=insufficient_rows(insufficient or {}),
        ratings=ratings, rating_forms=rating_forms, accepted_members=accepted,
        bulk=bulk or {"form": "", "values": {}, "errors": {}, "message": ""},
        case_link=case_url(c.case), timeline_link=case_url(c.case, "timeline"),
    ), status


def _member_rows(c: Consultation) -> dict:
    """Seated members (chair first, declined last) and ranked reserves as PanelMember rows."""
    seated = sorted(c.seats(), key=PanelMember.listing_order)
    released = [m for m in c.members if not m.has_seat_role and not m.is_in_line]
    return {"seated": seated, "reserves": c.reserves(), "released": released}


def back(consultation_id: int, anchor: str | None = None):
    return redirect(url_for("consultations.detail", consultation_id=consultation_id, _anchor=anchor))


def form_errors(form, err: ValidationFailed) -> list[str]:
    """The summary for the alert above the form: every problem, the field's ones named in
    Chinese (the same words are shown again at the field)."""
    if not err.fields:
        return [err.message]
    general = form.add_errors(err.fields)
    named = [describe({name: message}) for name, message in err.fields.items() if message not in general]
    return [*general, *named]
