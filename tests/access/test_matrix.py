"""The access matrix (issue 2, Acceptance): every route × every role, with the exact outcome.

Roles: anonymous, agency (南京 handling agency), expert (王建国, a 南京 municipal expert),
officer_other (杭州 municipal office, looking at 南京 objects), officer_same (南京 municipal
office) and admin. Objects are 南京's unless a row says otherwise; ``e_nj`` is the expert
role's own record, ``e_nj2`` another 南京 expert.

Outcomes: API — 401 anonymous, 403 the role may not do this, 404 the object is not visible
(never revealing that it exists). UI — anonymous is sent to /login (302), otherwise 403/404.

The table is the single place where routes are classified: ``test_every_route_is_classified``
fails when app.url_map has a (rule, method) without a row, so every new route must be added
here with its expected outcome per role. Rows for routes that do not exist (yet) are skipped.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from app import create_app
from app.extensions import db
from tests.access.conftest import PNG, ROLES
from tests.api.helpers import csv_bytes, expert_body, roster_row
from tests.conftest import PASSWORD

_seq = itertools.count(1)

# --------------------------------------------------------------------------- the table


def E(anonymous, agency, expert, officer_other, officer_same, admin) -> dict:
    """Expected status per role, in the order of ROLES."""
    return dict(zip(ROLES, (anonymous, agency, expert, officer_other, officer_same, admin), strict=True))


LOGIN = (302, "/login")  # a redirect to the sign-in page


@dataclass
class Case:
    method: str
    rule: str                          # exactly as in app.url_map
    expect: dict                       # role → status, or (status, location prefix)
    path: dict = field(default_factory=dict)   # rule variable → world attribute name, or callable(w, role) → id
    body: Callable | None = None       # (w, role) → keyword arguments for the test client
    label: str = ""
    pending: str = ""                  # only the anonymous outcome is classified yet (reason)
    fresh_token: bool = False          # the request revokes its token or session: use a new one

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}{' ' + self.label if self.label else ''}"


def _json(fn):
    return lambda w, role: {"json": fn(w, role)}


def _new_conflict(w, role) -> int:
    from app.experts.models import ConflictDeclaration

    row = ConflictDeclaration(expert_id=w.e_nj, person_name="张某", reason="矩阵测试")
    db.session.add(row)
    db.session.commit()
    return row.id


def _new_unavailability(w, role) -> int:
    from datetime import datetime

    from app.experts.models import Unavailability
    from app.timeutil import SHANGHAI

    row = Unavailability(expert_id=w.e_nj, start=datetime(2026, 12, 8, 9, tzinfo=SHANGHAI),
                         end=datetime(2026, 12, 8, 12, tzinfo=SHANGHAI), reason="矩阵测试")
    db.session.add(row)
    db.session.commit()
    return row.id


def _self(w, role) -> int:
    return w.user_ids.get(role, w.user_ids["spare"])


def _import_body(w, role):
    n = 50_000_000 + next(_seq)
    content = csv_bytes([roster_row(n)])  # one 南京 municipal row
    return {"data": {"file": (io.BytesIO(content), "roster.csv")}, "content_type": "multipart/form-data"}


def _expert_create(w, role):
    return expert_body(phone=f"135{next(_seq):08d}")


UNAV = {"start": "2026-12-09T09:00:00+08:00", "end": "2026-12-09T12:00:00+08:00", "reason": "出差"}

API_CASES = [
    # --- auth
    Case("POST", "/api/v1/auth/token", E(401, 201, 201, 201, 201, 201),
         body=lambda w, role: {"json": {"username": w.usernames.get(role, "nobody_at_all"), "password": "Passw0rd-test"}},
         label="(own credentials; anonymous: an unknown user)"),
    Case("DELETE", "/api/v1/auth/token", E(401, 204, 204, 204, 204, 204), fresh_token=True),
    # --- organizations and users
    Case("GET", "/api/v1/organizations", E(401, 200, 200, 200, 200, 200)),
    Case("POST", "/api/v1/organizations", E(401, 403, 403, 403, 403, 201),
         body=_json(lambda w, role: {"name": f"矩阵单位{next(_seq)}", "kind": "other", "tier": "municipal",
                                     "region_code": "320100", "parent_id": w.nj})),
    Case("GET", "/api/v1/organizations/<int:org_id>", E(401, 200, 200, 200, 200, 200), path={"org_id": "nj"}),
    Case("PATCH", "/api/v1/organizations/<int:org_id>", E(401, 403, 403, 403, 403, 200), path={"org_id": "nj"},
         body=_json(lambda w, role: {"doc_prefix": "宁信专审"})),
    Case("GET", "/api/v1/users", E(401, 403, 403, 403, 403, 200)),
    Case("POST", "/api/v1/users", E(401, 403, 403, 403, 403, 201),
         body=_json(lambda w, role: {"username": f"matrix{next(_seq)}", "password": "Secure-pass-2026", "role": "officer",
                                     "organization_id": w.nj})),
    Case("GET", "/api/v1/users/me", E(401, 200, 200, 200, 200, 200)),
    Case("GET", "/api/v1/users/<int:user_id>", E(401, 200, 200, 200, 200, 200), path={"user_id": _self}, label="(self)"),
    Case("GET", "/api/v1/users/<int:user_id>", E(401, 404, 404, 404, 404, 200), path={"user_id": lambda w, r: w.user_ids["spare"]},
         label="(another 南京 user)"),
    Case("PATCH", "/api/v1/users/<int:user_id>", E(401, 403, 403, 403, 403, 200),
         path={"user_id": lambda w, r: w.user_ids["spare"]}, body=_json(lambda w, role: {"display_name": "备用账号"})),
    # --- reference data
    Case("GET", "/api/v1/taxonomy", E(401, 200, 200, 200, 200, 200)),
    Case("GET", "/api/v1/openapi.json", E(200, 200, 200, 200, 200, 200)),
    # --- expert pool
    Case("GET", "/api/v1/experts", E(401, 403, 403, 200, 200, 200)),
    Case("POST", "/api/v1/experts", E(401, 403, 403, 403, 201, 201), body=_json(_expert_create), label="(南京 municipal)"),
    Case("GET", "/api/v1/experts/<int:expert_id>", E(401, 404, 200, 404, 200, 200), path={"expert_id": "e_nj"},
         label="(the expert's own)"),
    Case("GET", "/api/v1/experts/<int:expert_id>", E(401, 404, 404, 404, 200, 200), path={"expert_id": "e_nj2"},
         label="(another 南京 expert)"),
    Case("PATCH", "/api/v1/experts/<int:expert_id>", E(401, 404, 403, 404, 200, 200), path={"expert_id": "e_nj"},
         body=_json(lambda w, role: {"title": "教授"}), label="(the expert's own)"),
    Case("PATCH", "/api/v1/experts/<int:expert_id>", E(401, 404, 404, 404, 200, 200), path={"expert_id": "e_nj2"},
         body=_json(lambda w, role: {"title": "教授"}), label="(another 南京 expert)"),
    Case("GET", "/api/v1/experts/export", E(401, 403, 403, 200, 200, 200), body=lambda w, r: {"query_string": {"format": "csv"}}),
    Case("POST", "/api/v1/experts/import", E(401, 403, 403, 422, 200, 200), body=_import_body, label="(a 南京 row)"),
    Case("POST", "/api/v1/experts/<int:expert_id>/conflicts", E(401, 404, 201, 404, 201, 201), path={"expert_id": "e_nj"},
         body=_json(lambda w, role: {"person_name": "张某", "reason": "近亲属"}), label="(the expert's own)"),
    Case("POST", "/api/v1/experts/<int:expert_id>/conflicts", E(401, 404, 404, 404, 201, 201), path={"expert_id": "e_nj2"},
         body=_json(lambda w, role: {"person_name": "张某", "reason": "近亲属"}), label="(another 南京 expert)"),
    Case("GET", "/api/v1/experts/<int:expert_id>/conflicts", E(401, 404, 200, 404, 200, 200), path={"expert_id": "e_nj"}),
    Case("DELETE", "/api/v1/experts/<int:expert_id>/conflicts/<int:conflict_id>", E(401, 404, 204, 404, 204, 204),
         path={"expert_id": "e_nj", "conflict_id": _new_conflict}),
    Case("POST", "/api/v1/experts/<int:expert_id>/unavailability", E(401, 404, 201, 404, 201, 201), path={"expert_id": "e_nj"},
         body=_json(lambda w, role: UNAV), label="(the expert's own)"),
    Case("POST", "/api/v1/experts/<int:expert_id>/unavailability", E(401, 404, 404, 404, 201, 201), path={"expert_id": "e_nj2"},
         body=_json(lambda w, role: UNAV), label="(another 南京 expert)"),
    Case("GET", "/api/v1/experts/<int:expert_id>/unavailability", E(401, 404, 200, 404, 200, 200), path={"expert_id": "e_nj"}),
    Case("DELETE", "/api/v1/experts/<int:expert_id>/unavailability/<int:row_id>", E(401, 404, 204, 404, 204, 204),
         path={"expert_id": "e_nj", "row_id": _new_unavailability}),
]

# --- the workflow (issues 3 and 4). ``case``/``cons``/``meeting``/``draft`` are 南京's objects the
# expert role's 王建国 sits on (accepted chair); see tests/access/conftest.py for how they are built.
# State-changing requests of allowed roles send a body the service refuses after the access
# check (422) or hit a wrong state (409), so the shared world never changes; a few make unique
# changes (new cases, attachments). Outcome tuples: VIEW = those who may see the object,
# STAFF = the staffing office's officers (and admin) act.
def VIEW(ok=200) -> dict:
    return E(401, ok, ok, 404, ok, ok)


def STAFF(ok) -> dict:
    return E(401, 403, 403, 404, ok, ok)


EMPTY = _json(lambda w, role: {})


def _new_attachment(w, role) -> int:
    from app.auth.models import User
    from app.cases import attachments
    from app.cases.models import Case

    row = attachments.add_attachment(db.session.get(User, w.user_ids["admin"]), db.session.get(Case, w.case),
                                     io.BytesIO(PNG), f"矩阵{next(_seq)}.png")
    db.session.commit()
    return row.id


def _notification_of(username_role: str | None = None):
    def make(w, role) -> int:
        from app.auth.models import User
        from app.notifications.services import notify

        owner = username_role or (role if role in w.user_ids else "spare")
        [note] = notify([db.session.get(User, w.user_ids[owner])], "matrix", "矩阵测试通知", email=False)
        db.session.commit()
        return note.id

    return make


def _png_upload(w, role):
    return {"data": {"file": (io.BytesIO(PNG), "现场照片.png")}, "content_type": "multipart/form-data"}


def _case_body(w, role):
    return {"title": f"矩阵登记事项{next(_seq)}", "summary": "信访人反映房屋征收补偿问题。", "claims": "要求提高补偿标准",
            "category": "land_expropriation", "region_code": "320100", "handling_org_id": w.agency,
            "petitioners": [{"name": "刘德明", "id_number": "11010519491231002X", "phone": "13900000001", "address": ""}],
            "first_petition_date": "2025-03-01", "cross_flags": [], "responsible_leader": "张某", "is_backlog": True}


CASE = {"case_id": "case"}
CONS = {"consultation_id": "cons"}
MEET = {"meeting_id": "meeting"}
DRAFT = {"opinion_id": "draft"}
ISSUED = {"opinion_id": "issued"}
EXTEND = {"days": 10, "reason": "需要补充调查核实"}

API_CASES += [
    # --- cases (ledger)
    Case("GET", "/api/v1/cases", E(401, 200, 200, 200, 200, 200)),
    Case("POST", "/api/v1/cases", E(401, 422, 403, 422, 422, 422), body=EMPTY, label="(empty body)"),
    Case("POST", "/api/v1/cases", E(401, 201, 403, 403, 201, 201), body=_json(_case_body),
         label="(a 南京 agency's case: 杭州 is out of jurisdiction)"),
    Case("GET", "/api/v1/cases/<int:case_id>", VIEW(), path=CASE),
    Case("GET", "/api/v1/cases/<int:case_id>", E(401, 404, 404, 404, 200, 200), path={"case_id": "case_b"},
         label="(another 南京 agency's case)"),
    Case("GET", "/api/v1/cases/<int:case_id>", E(401, 200, 404, 404, 200, 200), path={"case_id": "case_closed"},
         label="(a case 王建国 sits on no panel of)"),
    Case("PATCH", "/api/v1/cases/<int:case_id>", E(401, 422, 403, 404, 422, 422), path=CASE, body=EMPTY,
         label="(no version)"),
    Case("PATCH", "/api/v1/cases/<int:case_id>", E(401, 404, 404, 404, 422, 422), path={"case_id": "case_b"}, body=EMPTY,
         label="(another 南京 agency's case, no version)"),
    Case("GET", "/api/v1/cases/<int:case_id>/attachments", VIEW(), path=CASE),
    Case("POST", "/api/v1/cases/<int:case_id>/attachments", E(401, 201, 403, 404, 201, 201), path=CASE, body=_png_upload),
    Case("GET", "/api/v1/cases/<int:case_id>/attachments/<int:attachment_id>", VIEW(),
         path={"case_id": "case", "attachment_id": "attachment"}),
    Case("DELETE", "/api/v1/cases/<int:case_id>/attachments/<int:attachment_id>", E(401, 204, 403, 404, 204, 204),
         path={"case_id": "case", "attachment_id": _new_attachment}),
    Case("POST", "/api/v1/cases/<int:case_id>/close", E(401, 422, 403, 404, 422, 422), path=CASE,
         body=_json(lambda w, r: {"bogus": 1}), label="(an unknown field)"),
    Case("POST", "/api/v1/cases/<int:case_id>/close", E(401, 409, 404, 404, 409, 409), path={"case_id": "case_closed"},
         body=EMPTY, label="(already closed)"),
    Case("POST", "/api/v1/cases/<int:case_id>/consultations", E(401, 422, 403, 404, 422, 422), path=CASE, body=EMPTY,
         label="(empty body)"),
    Case("POST", "/api/v1/cases/<int:case_id>/consultations", E(401, 404, 404, 404, 422, 422), path={"case_id": "case_b"},
         body=EMPTY, label="(another 南京 agency's case, empty body)"),
    Case("POST", "/api/v1/cases/<int:case_id>/extend", E(401, 409, 403, 404, 403, 409), path=CASE,
         body=_json(lambda w, r: EXTEND), label="(no acceptance date yet)"),
    Case("POST", "/api/v1/cases/<int:case_id>/reopen", E(401, 403, 403, 404, 403, 409), path=CASE, label="(not closed)"),
    Case("GET", "/api/v1/cases/<int:case_id>/timeline", VIEW(), path=CASE),
    Case("GET", "/api/v1/cases/export", E(401, 200, 403, 200, 200, 200)),
    # --- consultations
    Case("GET", "/api/v1/consultations", E(401, 200, 200, 200, 200, 200)),
    Case("GET", "/api/v1/consultations/<int:consultation_id>", VIEW(), path=CONS),
    Case("GET", "/api/v1/consultations/<int:consultation_id>", E(401, 404, 404, 404, 200, 200),
         path={"consultation_id": "cons_b"}, label="(another agency's; 王建国 only a reserve)"),
    Case("GET", "/api/v1/consultations/<int:consultation_id>", E(401, 200, 404, 404, 200, 200),
         path={"consultation_id": "cons_esc"}, label="(escalated to 江苏)"),
    Case("PATCH", "/api/v1/consultations/<int:consultation_id>", E(401, 409, 403, 404, 409, 409), path=CONS, body=EMPTY,
         label="(past the request stage)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/accept", STAFF(409), path=CONS, label="(already accepted)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/close", STAFF(422), path=CONS, body=EMPTY, label="(no reason)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/escalate", STAFF(422), path=CONS, body=EMPTY,
         label="(no reason)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/escalate", E(401, 403, 404, 404, 403, 422),
         path={"consultation_id": "cons_esc"}, body=EMPTY, label="(escalated: 南京 no longer staffs it)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/invitations/<int:expert_id>", E(401, 403, 409, 404, 409, 409),
         path={"consultation_id": "cons", "expert_id": "e_nj"}, body=_json(lambda w, r: {"response": "accept"}),
         label="(王建国's own, already accepted)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/invitations/<int:expert_id>", E(401, 403, 403, 404, 422, 422),
         path={"consultation_id": "cons", "expert_id": lambda w, r: w.other_members[0]}, body=EMPTY,
         label="(another member's, empty body)"),
    Case("GET", "/api/v1/consultations/<int:consultation_id>/meetings", VIEW(), path=CONS),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/meetings", STAFF(422), path=CONS, body=EMPTY,
         label="(empty body)"),
    Case("GET", "/api/v1/consultations/<int:consultation_id>/opinion", VIEW(), path=CONS),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/opinion", E(401, 403, 409, 404, 409, 409), path=CONS,
         body=EMPTY, label="(a draft exists; 王建国 is the accepted chair)"),
    Case("GET", "/api/v1/consultations/<int:consultation_id>/panel", VIEW(), path=CONS),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/panel", STAFF(409), path=CONS, body=EMPTY,
         label="(already drawn)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/panel", E(401, 403, 404, 404, 403, 422),
         path={"consultation_id": "cons_esc"}, body=_json(lambda w, r: {"reserves": 1}),
         label="(escalated to 江苏; too few reserves)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/panel/reserves", STAFF(422), path=CONS,
         body=_json(lambda w, r: {"count": 0}), label="(count 0)"),
    Case("GET", "/api/v1/consultations/<int:consultation_id>/panel/verify", VIEW(), path=CONS),
    Case("GET", "/api/v1/consultations/<int:consultation_id>/ratings", VIEW(), path=CONS),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/ratings", STAFF(422), path=CONS, body=EMPTY,
         label="(empty body)"),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/return", STAFF(422), path=CONS, body=EMPTY,
         label="(no reason)"),
    Case("GET", "/api/v1/consultations/<int:consultation_id>/slots", VIEW(), path=CONS,
         body=lambda w, r: {"query_string": {"from": "2026-10-12", "to": "2026-10-16"}}),
    Case("POST", "/api/v1/consultations/<int:consultation_id>/withdraw", E(401, 422, 403, 404, 403, 422), path=CONS,
         body=EMPTY, label="(the agency's request; no reason)"),
    # --- meetings (the consultation's meeting was held: minutes recorded)
    Case("GET", "/api/v1/meetings/<int:meeting_id>", VIEW(), path=MEET),
    Case("PATCH", "/api/v1/meetings/<int:meeting_id>", STAFF(409), path=MEET, body=EMPTY, label="(already held)"),
    Case("DELETE", "/api/v1/meetings/<int:meeting_id>", STAFF(409), path=MEET, label="(already held)"),
    Case("GET", "/api/v1/meetings/<int:meeting_id>/ics", VIEW(), path=MEET),
    Case("POST", "/api/v1/meetings/<int:meeting_id>/minutes", STAFF(422), path=MEET, body=EMPTY, label="(empty body)"),
    # --- notifications: one's own only
    Case("GET", "/api/v1/notifications", E(401, 200, 200, 200, 200, 200)),
    Case("POST", "/api/v1/notifications/<int:notification_id>/read", E(401, 200, 200, 200, 200, 200),
         path={"notification_id": _notification_of()}, label="(one's own)"),
    Case("POST", "/api/v1/notifications/<int:notification_id>/read", E(401, 404, 404, 404, 404, 404),
         path={"notification_id": _notification_of("spare")}, label="(another user's)"),
    Case("POST", "/api/v1/notifications/read-all", E(401, 200, 200, 200, 200, 200)),
    # --- opinions: ``draft`` (pre-filled, incomplete, unsigned) and ``issued`` (signed by 王建国)
    Case("GET", "/api/v1/opinions/<int:opinion_id>", VIEW(), path=DRAFT, label="(draft)"),
    Case("GET", "/api/v1/opinions/<int:opinion_id>", VIEW(), path=ISSUED, label="(issued)"),
    Case("PUT", "/api/v1/opinions/<int:opinion_id>", E(401, 403, 422, 404, 422, 422), path=DRAFT, body=EMPTY,
         label="(no version)"),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/citation-suggestions", VIEW(), path=DRAFT),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/comments", VIEW(), path=DRAFT, label="(the agency gets none)"),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/comments", E(401, 403, 422, 404, 422, 422), path=DRAFT, body=EMPTY,
         label="(empty body)"),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/comments/<int:comment_id>/resolve", E(401, 403, 200, 404, 200, 200),
         path={"opinion_id": "draft", "comment_id": "comment"}, label="(idempotent)"),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/correction", STAFF(409), path=DRAFT, label="(not issued)"),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/diff", VIEW(), path=DRAFT,
         body=lambda w, r: {"query_string": {"from": "1", "to": "1"}}),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/dissent", E(401, 403, 422, 404, 403, 403), path=DRAFT, body=EMPTY,
         label="(empty body)"),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/docx", VIEW(), path=ISSUED),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/pdf", VIEW(), path=ISSUED),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/feedback", E(401, 422, 403, 404, 403, 403), path=ISSUED, body=EMPTY,
         label="(empty body)"),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/issue", STAFF(422), path=DRAFT, label="(incomplete draft)"),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/signatures", VIEW(), path=DRAFT),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/signatures", E(401, 403, 422, 404, 403, 403), path=DRAFT, body=EMPTY,
         label="(incomplete draft)"),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/versions", VIEW(), path=DRAFT),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/versions/<int:version>", VIEW(),
         path={"opinion_id": "draft", "version": lambda w, r: 1}),
    # --- precedent search: every signed-in user; drafts are no precedents
    Case("GET", "/api/v1/search/opinions", E(401, 200, 200, 200, 200, 200)),
    Case("GET", "/api/v1/search/opinions", E(401, 422, 422, 422, 422, 422),
         body=lambda w, r: {"query_string": {"category": "bogus"}}, label="(unknown category)"),
    Case("GET", "/api/v1/precedents/<int:opinion_id>", E(401, 200, 200, 200, 200, 200), path=ISSUED,
         label="(issued: anonymized for those who may not see the case)"),
    Case("GET", "/api/v1/precedents/<int:opinion_id>", E(401, 404, 404, 404, 404, 404), path=DRAFT, label="(draft)"),
    Case("GET", "/api/v1/cases/<int:case_id>/similar", VIEW(), path=CASE),
    # --- authenticity: verification is public (no token), answered 200 for any file
    Case("POST", "/api/v1/verify", E(200, 200, 200, 200, 200, 200),
         body=lambda w, r: {"data": {"file": (io.BytesIO(b"%PDF-1.7 not signed"), "x.pdf")},
                            "content_type": "multipart/form-data"}, label="(an unsigned file)"),
    Case("POST", "/api/v1/verify", E(422, 422, 422, 422, 422, 422), body=lambda w, r: {"data": {}}, label="(no file)"),
]

# UI. Allowed pages answer 200; an empty form post is answered with the form and its errors
# (422) or, for one-button actions, a redirect back (302).
POOL_PAGE = E(LOGIN, 403, 403, 200, 200, 200)
ADMIN_PAGE = E(LOGIN, 403, 403, 403, 403, 200)
ADMIN_FORM_POST = E(LOGIN, 403, 403, 403, 403, 422)
STATIC = E(200, 200, 200, 200, 200, 200)
EMPTY_FORM = {"data": {}}

UI_CASES = [
    Case("GET", "/static/<path:filename>", STATIC, path={"filename": lambda w, r: "css/app.css"}),
    Case("GET", "/bootstrap/static/<path:filename>", STATIC, path={"filename": lambda w, r: "css/bootstrap.min.css"}),
    Case("GET", "/favicon.ico", E(*[(301, "/static/")] * 6)),
    Case("GET", "/", E(LOGIN, (302, "/dashboard"), (302, "/dashboard"), (302, "/dashboard"), (302, "/dashboard"),
                       (302, "/dashboard"))),
    Case("GET", "/dashboard", E(LOGIN, 200, 200, 200, 200, 200)),
    Case("GET", "/login", E(200, 302, 302, 302, 302, 302)),
    Case("POST", "/login", E(401, 302, 302, 302, 302, 302),
         body=lambda w, r: {"data": {"username": "nobody_at_all", "password": "Wrong-pass-1"}},
         label="(wrong credentials; signed-in users are sent on)"),
    Case("POST", "/logout", E(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN), fresh_token=True),
    # --- expert pool pages
    Case("GET", "/experts", POOL_PAGE),
    Case("GET", "/experts/new", POOL_PAGE),
    Case("POST", "/experts/new", E(LOGIN, 403, 403, 422, 422, 422), body=lambda w, r: EMPTY_FORM, label="(empty form)"),
    Case("GET", "/experts/<int:expert_id>", E(LOGIN, 404, 200, 404, 200, 200), path={"expert_id": "e_nj"},
         label="(the expert's own)"),
    Case("GET", "/experts/<int:expert_id>", E(LOGIN, 404, 404, 404, 200, 200), path={"expert_id": "e_nj2"},
         label="(another 南京 expert)"),
    Case("GET", "/experts/<int:expert_id>/edit", E(LOGIN, 404, 403, 404, 200, 200), path={"expert_id": "e_nj"},
         label="(the expert's own)"),
    Case("GET", "/experts/<int:expert_id>/edit", E(LOGIN, 404, 404, 404, 200, 200), path={"expert_id": "e_nj2"},
         label="(another 南京 expert)"),
    Case("POST", "/experts/<int:expert_id>/edit", E(LOGIN, 404, 403, 404, 422, 422), path={"expert_id": "e_nj"},
         body=lambda w, r: EMPTY_FORM, label="(empty form)"),
    Case("POST", "/experts/<int:expert_id>/status", E(LOGIN, 404, 403, 404, 302, 302), path={"expert_id": "e_nj"},
         body=lambda w, r: EMPTY_FORM, label="(no status chosen)"),
    Case("POST", "/experts/<int:expert_id>/conflicts", E(LOGIN, 404, 422, 404, 422, 422), path={"expert_id": "e_nj"},
         body=lambda w, r: EMPTY_FORM, label="(the expert's own, empty form)"),
    Case("POST", "/experts/<int:expert_id>/conflicts", E(LOGIN, 404, 404, 404, 422, 422), path={"expert_id": "e_nj2"},
         body=lambda w, r: EMPTY_FORM, label="(another 南京 expert, empty form)"),
    Case("POST", "/experts/<int:expert_id>/conflicts/<int:conflict_id>/withdraw", E(LOGIN, 404, 302, 404, 302, 302),
         path={"expert_id": "e_nj", "conflict_id": _new_conflict}),
    Case("POST", "/experts/<int:expert_id>/unavailability", E(LOGIN, 404, 422, 404, 422, 422), path={"expert_id": "e_nj"},
         body=lambda w, r: EMPTY_FORM, label="(the expert's own, empty form)"),
    Case("POST", "/experts/<int:expert_id>/unavailability/<int:row_id>/delete", E(LOGIN, 404, 302, 404, 302, 302),
         path={"expert_id": "e_nj", "row_id": _new_unavailability}),
    Case("GET", "/experts/import", POOL_PAGE),
    Case("POST", "/experts/import", E(LOGIN, 403, 403, 422, 422, 422), body=lambda w, r: EMPTY_FORM, label="(no file)"),
    Case("GET", "/experts/import/template", POOL_PAGE),
    Case("GET", "/experts/export", POOL_PAGE, body=lambda w, r: {"query_string": {"format": "csv"}}),
    # --- administration
    Case("GET", "/admin/", E(LOGIN, 403, 403, 403, 403, (302, "/admin/organizations"))),
    Case("GET", "/admin/organizations", ADMIN_PAGE),
    Case("GET", "/admin/organizations/new", ADMIN_PAGE),
    Case("POST", "/admin/organizations/new", ADMIN_FORM_POST, body=lambda w, r: EMPTY_FORM, label="(empty form)"),
    Case("GET", "/admin/organizations/<int:org_id>/edit", ADMIN_PAGE, path={"org_id": "nj"}),
    Case("POST", "/admin/organizations/<int:org_id>/edit", ADMIN_FORM_POST, path={"org_id": "nj"},
         body=lambda w, r: EMPTY_FORM, label="(empty form)"),
    Case("GET", "/admin/users", ADMIN_PAGE),
    Case("GET", "/admin/users/new", ADMIN_PAGE),
    Case("POST", "/admin/users/new", ADMIN_FORM_POST, body=lambda w, r: EMPTY_FORM, label="(empty form)"),
    Case("GET", "/admin/users/<int:user_id>/edit", ADMIN_PAGE, path={"user_id": lambda w, r: w.user_ids["spare"]}),
    Case("POST", "/admin/users/<int:user_id>/edit", ADMIN_FORM_POST, path={"user_id": lambda w, r: w.user_ids["spare"]},
         body=lambda w, r: EMPTY_FORM, label="(empty form)"),
    Case("POST", "/admin/users/<int:user_id>/password", ADMIN_FORM_POST, path={"user_id": lambda w, r: w.user_ids["spare"]},
         body=lambda w, r: EMPTY_FORM, label="(empty form)"),
    Case("GET", "/admin/audit", ADMIN_PAGE),
    Case("GET", "/admin/fonts", ADMIN_PAGE),
    Case("GET", "/admin/audit/export", ADMIN_PAGE),
    Case("POST", "/admin/audit/verify", E(LOGIN, 403, 403, 403, 403, (302, "/admin/audit"))),
    # --- 签章管理 (admins only)
    Case("GET", "/admin/pki", ADMIN_PAGE),
    Case("POST", "/admin/pki/offices/<int:org_id>/seal", ADMIN_FORM_POST, path={"org_id": "nj"},
         body=lambda w, r: EMPTY_FORM, label="(no file)"),
    Case("GET", "/admin/pki/offices/<int:org_id>/seal.png", E(LOGIN, 403, 403, 403, 403, 404), path={"org_id": "nj"},
         label="(no seal uploaded)"),
    Case("POST", "/admin/pki/offices/<int:org_id>/rotate", E(LOGIN, 403, 403, 403, 403, (302, "/admin/pki")),
         path={"org_id": "nj"}),
    # --- 验真: public pages, whoever asks
    Case("GET", "/verify", STATIC),
    Case("POST", "/verify", E(422, 422, 422, 422, 422, 422), body=lambda w, r: EMPTY_FORM, label="(no file)"),
    Case("GET", "/verify/<code>", STATIC, path={"code": lambda w, r: _verification_code(w.issued)},
         label="(the issued opinion's code)"),
    Case("GET", "/verify/<code>", E(404, 404, 404, 404, 404, 404), path={"code": lambda w, r: "ZZZZ-ZZZZ"},
         label="(an unknown code)"),
]


def _verification_code(opinion_id: int) -> str:
    from app.pki.models import IssuedSignature

    return db.session.get(IssuedSignature, opinion_id).code


def UI_VIEW(ok=200) -> dict:
    return E(LOGIN, ok, ok, 404, ok, ok)


def UI_STAFF(ok) -> dict:
    return E(LOGIN, 403, 403, 404, ok, ok)


def _form(data: dict | None = None, **query):
    return lambda w, r: {"data": dict(data or {}), **({"query_string": {k: getattr(w, v) for k, v in query.items()}}
                                                       if query else {})}


def _png_form(w, role):
    return {"data": {"file": (io.BytesIO(PNG), "现场照片.png")}, "content_type": "multipart/form-data"}


UI_CASES += [
    # --- case ledger pages
    Case("GET", "/cases", E(LOGIN, 200, 200, 200, 200, 200)),
    Case("GET", "/cases/new", E(LOGIN, 200, 403, 200, 200, 200)),
    Case("POST", "/cases/new", E(LOGIN, 422, 403, 422, 422, 422), body=_form(), label="(empty form)"),
    Case("GET", "/cases/export", E(LOGIN, 200, 403, 200, 200, 200)),
    Case("GET", "/cases/<int:case_id>", UI_VIEW(), path=CASE),
    Case("GET", "/cases/<int:case_id>", E(LOGIN, 404, 404, 404, 200, 200), path={"case_id": "case_b"},
         label="(another 南京 agency's case)"),
    Case("GET", "/cases/<int:case_id>/edit", E(LOGIN, 200, 403, 404, 200, 200), path=CASE),
    Case("POST", "/cases/<int:case_id>/edit", E(LOGIN, 409, 403, 404, 409, 409), path=CASE, body=_form(),
         label="(empty form: no version is read as stale)"),
    Case("POST", "/cases/<int:case_id>/attachments", E(LOGIN, 302, 403, 404, 302, 302), path=CASE, body=_png_form),
    Case("GET", "/cases/<int:case_id>/attachments/<int:attachment_id>", UI_VIEW(),
         path={"case_id": "case", "attachment_id": "attachment"}),
    Case("POST", "/cases/<int:case_id>/attachments/<int:attachment_id>/delete", E(LOGIN, 302, 403, 404, 302, 302),
         path={"case_id": "case", "attachment_id": _new_attachment}),
    Case("POST", "/cases/<int:case_id>/close", E(LOGIN, 302, 403, 404, 302, 302), path={"case_id": "case_done"},
         body=_form(), label="(the issued opinion's case: closed by the first, then already closed)"),
    Case("POST", "/cases/<int:case_id>/extend", E(LOGIN, 302, 403, 404, 403, 302), path=CASE,
         body=_form({"days": "10", "reason": "需要补充调查核实"}),
         label="(an extension request: the agency asks, the office decides; no acceptance date yet: refused)"),
    Case("POST", "/cases/<int:case_id>/reopen", E(LOGIN, 403, 403, 404, 403, 302), path=CASE,
         label="(not closed: refused with a message)"),
    # --- consultation pages
    Case("GET", "/consultations", E(LOGIN, 200, 200, 200, 200, 200)),
    Case("GET", "/consultations/new", E(LOGIN, 200, 403, 404, 200, 200), body=_form(case_id="case")),
    Case("POST", "/consultations/new", E(LOGIN, 422, 403, 404, 422, 422), body=_form(case_id="case"),
         label="(empty form)"),
    Case("GET", "/consultations/<dbid:consultation_id>", UI_VIEW(), path=CONS),
    Case("GET", "/consultations/<dbid:consultation_id>", E(LOGIN, 404, 404, 404, 200, 200),
         path={"consultation_id": "cons_b"}, label="(another agency's; 王建国 only a reserve)"),
    Case("GET", "/consultations/<dbid:consultation_id>/edit", E(LOGIN, 302, 403, 404, 302, 302), path=CONS,
         label="(past the request stage: back to the page)"),
    Case("POST", "/consultations/<dbid:consultation_id>/edit", E(LOGIN, 409, 403, 404, 409, 409), path=CONS,
         body=_form(), label="(past the request stage)"),
    Case("POST", "/consultations/<dbid:consultation_id>/accept", UI_STAFF(302), path=CONS,
         label="(already accepted: a message)"),
    Case("POST", "/consultations/<dbid:consultation_id>/return", UI_STAFF(422), path=CONS, body=_form(),
         label="(no reason)"),
    Case("POST", "/consultations/<dbid:consultation_id>/close", UI_STAFF(422), path=CONS, body=_form(),
         label="(no reason)"),
    Case("POST", "/consultations/<dbid:consultation_id>/escalate", UI_STAFF(422), path=CONS, body=_form(),
         label="(no reason)"),
    Case("POST", "/consultations/<dbid:consultation_id>/withdraw", E(LOGIN, 422, 403, 404, 403, 422), path=CONS,
         body=_form(), label="(the agency's request; no reason)"),
    Case("POST", "/consultations/<dbid:consultation_id>/panel", UI_STAFF(302), path=CONS, body=_form(),
         label="(already drawn: a message)"),
    Case("POST", "/consultations/<dbid:consultation_id>/panel/reserves", UI_STAFF(422), path=CONS,
         body=_form({"reserves-count": "0"}), label="(count 0)"),
    Case("GET", "/consultations/<dbid:consultation_id>/panel/verify", UI_VIEW(), path=CONS),
    Case("POST", "/consultations/<dbid:consultation_id>/invitations/<dbid:expert_id>", E(LOGIN, 403, 302, 404, 302, 302),
         path={"consultation_id": "cons", "expert_id": "e_nj"}, body=_form({"response": "accept"}),
         label="(王建国's own, already accepted: a message)"),
    Case("POST", "/consultations/<dbid:consultation_id>/ratings/<dbid:expert_id>", UI_STAFF(422),
         path={"consultation_id": "cons", "expert_id": "e_nj"}, body=_form(), label="(no score)"),
    Case("POST", "/consultations/<dbid:consultation_id>/invitations", UI_STAFF(422), path=CONS, body=_form(),
         label="(no answer chosen)"),
    Case("POST", "/consultations/<dbid:consultation_id>/ratings", UI_STAFF(422), path=CONS, body=_form(),
         label="(no score)"),
    # --- meeting pages (the meeting was held)
    Case("GET", "/meetings/consultations/<int:consultation_id>", UI_VIEW(), path=CONS),
    Case("POST", "/meetings/consultations/<int:consultation_id>/schedule", UI_STAFF(422), path=CONS, body=_form(),
         label="(empty form)"),
    Case("POST", "/meetings/<int:meeting_id>/reschedule", UI_STAFF(409), path=MEET, body=_form(), label="(already held)"),
    Case("POST", "/meetings/<int:meeting_id>/cancel", UI_STAFF(409), path=MEET, body=_form(), label="(already held)"),
    Case("POST", "/meetings/<int:meeting_id>/minutes", UI_STAFF(422), path=MEET, body=_form(), label="(empty form)"),
    Case("GET", "/meetings/<int:meeting_id>/invite.ics", UI_VIEW(), path=MEET),
    Case("GET", "/meetings/calendar", E(LOGIN, 200, 200, 200, 200, 200)),  # each sees their own meetings
    # --- notification centre: one's own only
    Case("GET", "/notifications", E(LOGIN, 200, 200, 200, 200, 200)),
    Case("POST", "/notifications/<int:notification_id>/read", E(LOGIN, 302, 302, 302, 302, 302),
         path={"notification_id": _notification_of()}, label="(one's own)"),
    Case("POST", "/notifications/<int:notification_id>/read", E(LOGIN, 404, 404, 404, 404, 404),
         path={"notification_id": _notification_of("spare")}, label="(another user's)"),
    Case("GET", "/notifications/<int:notification_id>/open", E(LOGIN, 302, 302, 302, 302, 302),
         path={"notification_id": _notification_of()}, label="(one's own)"),
    Case("GET", "/notifications/<int:notification_id>/open", E(LOGIN, 404, 404, 404, 404, 404),
         path={"notification_id": _notification_of("spare")}, label="(another user's)"),
    Case("POST", "/notifications/read-all", E(LOGIN, 302, 302, 302, 302, 302)),
    # --- opinion pages
    Case("GET", "/opinions/new", E(LOGIN, 302, 302, 404, 302, 302), body=_form(consultation_id="cons"),
         label="(a draft exists: sent to it)"),
    Case("POST", "/opinions/new", E(LOGIN, 403, 302, 404, 302, 302), body=_form(consultation_id="cons"),
         label="(a draft exists: sent to it)"),
    Case("POST", "/opinions/citations", E(LOGIN, 200, 200, 200, 200, 200),
         body=lambda w, r: {"json": {"analysis": "依照《信访工作条例》第三十三条", "legal_basis": []}}),
    Case("GET", "/opinions/<int:opinion_id>", UI_VIEW(), path=DRAFT, label="(draft)"),
    Case("GET", "/opinions/<int:opinion_id>", UI_VIEW(), path=ISSUED, label="(issued)"),
    # --- search pages: every signed-in user
    Case("GET", "/search", E(LOGIN, 200, 200, 200, 200, 200)),
    Case("GET", "/search", E(LOGIN, 200, 200, 200, 200, 200), body=lambda w, r: {"query_string": {"q": "征收", "year": "x"}},
         label="(a bad filter is dropped)"),
    Case("GET", "/opinions", E(LOGIN, 200, 200, 200, 200, 200)),
    Case("GET", "/precedents/<int:opinion_id>", E(LOGIN, 200, 200, 200, 200, 200), path=ISSUED),
    Case("GET", "/precedents/<int:opinion_id>", E(LOGIN, 404, 404, 404, 404, 404), path=DRAFT, label="(draft)"),
    Case("GET", "/opinions/<int:opinion_id>/preview", UI_VIEW(), path=DRAFT),
    Case("GET", "/opinions/<int:opinion_id>/versions", UI_VIEW(), path=DRAFT),
    Case("GET", "/opinions/<int:opinion_id>/pdf", UI_VIEW(), path=ISSUED),
    Case("GET", "/opinions/<int:opinion_id>/docx", UI_VIEW(), path=ISSUED),
    Case("POST", "/opinions/<int:opinion_id>/save", E(LOGIN, 403, 422, 404, 422, 422), path=DRAFT, body=_form(),
         label="(empty form)"),
    Case("POST", "/opinions/<int:opinion_id>/comments", E(LOGIN, 403, 422, 404, 422, 422), path=DRAFT, body=_form(),
         label="(empty form)"),
    Case("POST", "/opinions/<int:opinion_id>/comments/<int:comment_id>/resolve", E(LOGIN, 403, 302, 404, 302, 302),
         path={"opinion_id": "draft", "comment_id": "comment"}, label="(idempotent)"),
    Case("POST", "/opinions/<int:opinion_id>/sign", E(LOGIN, 403, 422, 404, 403, 403), path=DRAFT, body=_form(),
         label="(no password)"),
    Case("POST", "/opinions/<int:opinion_id>/dissent", E(LOGIN, 403, 422, 404, 403, 403), path=DRAFT, body=_form(),
         label="(empty form)"),
    Case("POST", "/opinions/<int:opinion_id>/issue", UI_STAFF(302), path=DRAFT, label="(incomplete: a message)"),
    Case("POST", "/opinions/<int:opinion_id>/correction", UI_STAFF(302), path=DRAFT, label="(not issued: a message)"),
    Case("POST", "/opinions/<int:opinion_id>/feedback", E(LOGIN, 422, 403, 404, 403, 403), path=ISSUED, body=_form(),
         label="(empty form)"),
]

# --- supervision (issue 10): deadlines, extensions, supervision notices, dashboards, exports and PDFs.
# ``_extension``/``_notice`` make a pending extension request / an open notice on 南京's case.


def _extension(w, role) -> int:
    from app.supervision.models import ExtensionRequest

    row = ExtensionRequest(case_id=w.case, days=10, reason="矩阵测试延期", status="pending")
    db.session.add(row)
    db.session.commit()
    return row.id


def _notice(w, role) -> int:
    from datetime import date

    from app.supervision.models import SupervisionNotice

    n = 900000 + next(_seq)
    row = SupervisionNotice(case_id=w.case, office_id=w.nj, agency_id=w.agency, number=f"〔2026〕矩阵督{n}号",
                            number_year=2026, number_seq=n, requirements="请办理", due_on=date(2026, 12, 31), status="open")
    db.session.add(row)
    db.session.commit()
    return row.id


SUPERVISION_VIEW = E(401, 200, 403, 200, 200, 200)
UI_SUPERVISION_VIEW = E(LOGIN, 200, 403, 200, 200, 200)
API_CASES += [
    Case("GET", "/api/v1/deadlines", SUPERVISION_VIEW),
    Case("GET", "/api/v1/stats/overview", SUPERVISION_VIEW),
    Case("POST", "/api/v1/cases/<dbid:case_id>/extensions", E(401, 422, 403, 404, 403, 422), path=CASE, body=EMPTY,
         label="(empty body)"),
    Case("POST", "/api/v1/extensions/<dbid:extension_id>/decision", E(401, 403, 403, 404, 422, 422),
         path={"extension_id": _extension}, body=EMPTY, label="(empty body)"),
    Case("POST", "/api/v1/cases/<dbid:case_id>/supervision-notices", E(401, 403, 403, 404, 422, 422), path=CASE,
         body=EMPTY, label="(empty body)"),
    Case("GET", "/api/v1/supervision-notices/<dbid:notice_id>", E(401, 200, 403, 404, 200, 200),
         path={"notice_id": _notice}),
    Case("POST", "/api/v1/supervision-notices/<dbid:notice_id>/reply", E(401, 422, 403, 404, 403, 422),
         path={"notice_id": _notice}, body=EMPTY, label="(empty body)"),
]
UI_CASES += [
    Case("GET", "/supervision/", UI_SUPERVISION_VIEW),
    Case("GET", "/supervision/list/<what>", UI_SUPERVISION_VIEW, path={"what": lambda w, r: "cases"}),
    Case("GET", "/supervision/list/<what>/export", UI_SUPERVISION_VIEW, path={"what": lambda w, r: "deadlines"}),
    Case("GET", "/supervision/tables/<name>/export", UI_SUPERVISION_VIEW, path={"name": lambda w, r: "cases"}),
    Case("GET", "/supervision/bulletin.pdf", E(LOGIN, 403, 403, 200, 200, 200)),
    Case("GET", "/supervision/cases/<dbid:case_id>", E(LOGIN, 200, 403, 404, 200, 200), path=CASE),
    Case("POST", "/supervision/cases/<dbid:case_id>/extensions", E(LOGIN, 422, 403, 404, 403, 422), path=CASE,
         body=_form(), label="(empty form)"),
    Case("POST", "/supervision/extensions/<dbid:extension_id>/decision", E(LOGIN, 403, 403, 404, 422, 422),
         path={"extension_id": _extension}, body=_form(), label="(empty form)"),
    Case("POST", "/supervision/cases/<dbid:case_id>/notices", E(LOGIN, 403, 403, 404, 422, 422), path=CASE,
         body=_form(), label="(empty form)"),
    Case("GET", "/supervision/notices/<dbid:notice_id>", E(LOGIN, 200, 403, 404, 200, 200), path={"notice_id": _notice}),
    Case("GET", "/supervision/notices/<dbid:notice_id>/pdf", E(LOGIN, 200, 403, 404, 200, 200),
         path={"notice_id": _notice}),
    Case("POST", "/supervision/notices/<dbid:notice_id>/reply", E(LOGIN, 422, 403, 404, 403, 422),
         path={"notice_id": _notice}, body=_form(), label="(empty form)"),
]


def _from_another_host(w, role):
    return {"environ_base": {"REMOTE_ADDR": "10.20.30.40"}}


UI_CASES += [
    # --- operations (app/ops): the health check is public; metrics for admins, or asked on this host
    Case("GET", "/healthz", STATIC),
    Case("GET", "/metrics", E(403, 403, 403, 403, 403, 200), body=_from_another_host, label="(from another host)"),
    Case("GET", "/metrics", STATIC, label="(from this host)"),
]

CASES = API_CASES + UI_CASES

# --------------------------------------------------------------------------- the routes that exist

def _norm(rule: str) -> str:
    """A rule without its converters (``<int:x>`` and ``<dbid:x>`` are the same route)."""
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", r"<\1>", rule)


_APP = create_app("testing")
ROUTES = {(method, _norm(rule.rule)) for rule in _APP.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_classified():
    """A route without a row fails here: add it to API_CASES or UI_CASES with its outcome per role."""
    classified = {(c.method, _norm(c.rule)) for c in CASES}
    missing = sorted(ROUTES - classified, key=lambda mr: (mr[1], mr[0]))
    assert not missing, "routes missing from the access matrix:\n" + "\n".join(f"  {m} {r}" for m, r in missing)


def test_full_rows_name_every_role():
    for case in CASES:
        if not case.pending:
            assert set(case.expect) == set(ROLES), case.id


def _params():
    for case in CASES:
        for role in ROLES:
            if role in case.expect:
                marks = () if (case.method, _norm(case.rule)) in ROUTES else (pytest.mark.skip(reason="route does not exist yet"),)
                yield pytest.param(case, role, id=f"{case.id} [{role}]", marks=marks)


# --------------------------------------------------------------------------- running one case

def _url(case: Case, w, role) -> str:
    def value(m: re.Match) -> str:
        spec = case.path.get(m.group(1), lambda w, role: 1)  # pending rows: any id
        return str(spec(w, role) if callable(spec) else getattr(w, spec))

    return re.sub(r"<(?:[^:>]+:)?(\w+)>", value, case.rule)


def _request(client, case: Case, w, role):
    kwargs = case.body(w, role) if case.body else {}
    url = _url(case, w, role)
    headers = {}
    if case.rule.startswith("/api/") and role != "anonymous":
        token = w.tokens[role]
        if case.fresh_token:
            from app.auth.services import issue_token
            from app.extensions import db as _db

            token, _ = issue_token(_db.session.get(_user_model(), w.user_ids[role]))
            _db.session.commit()
        headers["Authorization"] = f"Bearer {token}"
    elif not case.rule.startswith("/api/") and role != "anonymous":
        if case.fresh_token:  # signing out ends the session: never the world's shared one
            resp = client.post("/login", data={"username": w.usernames[role], "password": PASSWORD})
            assert resp.status_code == 302
        else:
            client.set_cookie("session", w.cookies[role])
    return client.open(url, method=case.method, headers=headers, **kwargs)


def _user_model():
    from app.auth.models import User

    return User


def check_response(case: Case, role: str, resp, hidden_names) -> None:
    """The expected status (and redirect target), the contract's error shape on the API, and —
    an invisible object reads exactly like a missing one — none of ``hidden_names`` in a 404."""
    expected = case.expect[role]
    status, location = expected if isinstance(expected, tuple) else (expected, None)
    body = resp.get_data().decode("utf-8", errors="replace")
    assert resp.status_code == status, f"{case.id} as {role}: {resp.status_code}, expected {status}\n{body[:600]}"
    if location is not None:
        assert resp.headers["Location"].startswith(location), resp.headers["Location"]
    if case.rule.startswith("/api/") and status >= 400:
        err = resp.get_json()["error"]
        assert set(err) == {"code", "message", "details"} and err["message"]
        assert err["code"] == {401: err["code"], 403: "forbidden", 404: "not_found"}.get(status, err["code"])
    if status == 404:
        for name in hidden_names:
            assert name not in body, f"{case.id} as {role} leaks {name}"


@pytest.mark.parametrize(("case", "role"), list(_params()))
def test_access(app, client, mworld, case: Case, role: str):
    check_response(case, role, _request(client, case, mworld, role), ("王建国", "孙丽", "李秀英"))


# --------------------------------------------------------------------------- explicit cross-province checks

ZJ_EXPERT_REQUESTS = [
    ("GET", "/api/v1/experts/{id}", None, 404),
    ("PATCH", "/api/v1/experts/{id}", {"json": {"title": "改"}}, 404),
    ("POST", "/api/v1/experts/{id}/conflicts", {"json": {"person_name": "张某", "reason": "x"}}, 404),
    ("POST", "/api/v1/experts/{id}/unavailability", {"json": UNAV}, 404),
    ("GET", "/experts/{id}", None, 404),
    ("GET", "/experts/{id}/edit", None, 404),
    ("POST", "/experts/{id}/edit", {"data": {}}, 404),
    ("POST", "/experts/{id}/status", {"data": {"status": "suspended", "version": "1"}}, 404),
]


@pytest.mark.parametrize("who", ["officer_js", "officer_same"])
@pytest.mark.parametrize(("method", "url", "kwargs", "status"), ZJ_EXPERT_REQUESTS, ids=[f"{m} {u}" for m, u, *_ in ZJ_EXPERT_REQUESTS])
def test_jiangsu_officers_cannot_read_or_change_a_zhejiang_municipal_expert(app, client, mworld, who, method, url, kwargs,
                                                                           status):
    """江苏 officers — the provincial office and 南京's municipal office — see nothing of 杭州's expert."""
    from app.experts.models import Expert

    target = url.format(id=mworld.e_hz)
    headers = {}
    if target.startswith("/api/"):
        headers["Authorization"] = f"Bearer {mworld.tokens[who]}"
    else:
        client.set_cookie("session", mworld.cookies[who])
    resp = client.open(target, method=method, headers=headers, **(kwargs or {}))
    assert resp.status_code == status, resp.get_data(as_text=True)[:400]
    assert "李秀英" not in resp.get_data(as_text=True)
    db.session.expire_all()
    expert = db.session.get(Expert, mworld.e_hz)
    assert (expert.title, expert.status, expert.version) == ("教授", "active", 1)
    assert expert.conflicts == [] and expert.unavailability == []
