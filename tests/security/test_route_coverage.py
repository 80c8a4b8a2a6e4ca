"""Every route of app.url_map × every role, with objects of another jurisdiction or organization.

Coverage: each (rule, method) of the app — HEAD/OPTIONS aside — must have a full row (an
expected status for every role) in the access matrix (tests/access/test_matrix.py, which
classifies every route with 南京's objects) or in this file's table; a new route without one
fails ``test_every_route_has_an_expected_status_per_role`` with its name.

This file adds what the matrix does not try: the ids of objects the role may not see.

- ``JURISDICTION``: for every matrix route that takes an object id, the same request with the id
  of a 杭州 object (case, attachment, consultation, meeting, opinion, comment, expert and its
  conflict / unavailability rows). The 南京 agency, the 南京 expert and the 南京 officer get 404
  — exactly what a missing object gets, nothing of it in the answer — and anonymous 401 (API) or
  the sign-in redirect (UI).
- ``ORGANIZATION``: the same with another 南京 agency's case and consultation, for the agency
  and the expert (who sits on no seat of it but a reserve one).
- ``MISMATCH``: a visible parent with a child of another parent in the URL (an attachment of
  another case, a comment of another opinion, a conflict of another expert, an unknown
  version): 404 for every role that sees the parent; the child is not touched.
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from tests.access.test_matrix import CASES as MATRIX_CASES
from tests.access.test_matrix import LOGIN, Case, _norm, _request, check_response
from tests.security import world
from tests.security.world import ROLES

# the module's fixtures: the shared world, no table cleaning between cases
_clean_tables, sworld, mworld = world._clean_tables, world.sworld, world.mworld

FOREIGN_NAMES = ("周海燕", "杭州某小区", "杭州现场", "李秀英", "请补充安置协议", "刘德明", "某劳动争议")

# rule variable → the 杭州 object's world attribute
HZ_OBJECTS = {"case_id": "hz_case", "consultation_id": "hz_cons", "meeting_id": "hz_meeting", "opinion_id": "hz_draft",
              "attachment_id": "hz_attachment", "comment_id": "hz_comment", "expert_id": "e_hz",
              "conflict_id": "hz_conflict", "row_id": "hz_unavailability", "version": lambda w, r: 1}
# another 南京 agency's objects
B_OBJECTS = {"case_id": "case_b", "consultation_id": "cons_b"}
NOT_JURISDICTIONAL = {"org_id", "user_id", "notification_id", "filename", "code"}  # users/orgs/notifications: the matrix


def _vars(rule: str) -> set[str]:
    return set(re.findall(r"<(?:[^:>]+:)?(\w+)>", rule))


def _anonymous(rule: str):
    return 401 if rule.startswith("/api/") else LOGIN


def _first_rows() -> list[Case]:
    seen, rows = set(), []
    for case in MATRIX_CASES:
        key = (case.method, _norm(case.rule))
        if key not in seen and not case.pending:
            seen.add(key)
            rows.append(case)
    return rows


def _generated() -> list[Case]:
    rows = []
    for case in _first_rows():
        names = _vars(case.rule)
        if not names or names & NOT_JURISDICTIONAL:
            continue
        expect = {"anonymous": _anonymous(case.rule), "agency": 404, "expert": 404, "officer_same": 404}
        rows.append(Case(case.method, case.rule, expect, path={n: HZ_OBJECTS[n] for n in names}, body=case.body,
                         label="(杭州's object)"))
        if names <= set(B_OBJECTS):
            rows.append(Case(case.method, case.rule, {"agency": 404, "expert": 404},
                             path={n: B_OBJECTS[n] for n in names}, body=case.body, label="(another 南京 agency's object)"))
    return rows


def _q(**query):
    return lambda w, r: {"query_string": {k: getattr(w, v) for k, v in query.items()}}


MISMATCH = [
    Case("GET", "/api/v1/cases/<int:case_id>/attachments/<int:attachment_id>",
         {"anonymous": 401, "agency": 404, "expert": 404, "officer_same": 404, "admin": 404},
         path={"case_id": "case", "attachment_id": "hz_attachment"}, label="(another case's attachment)"),
    Case("DELETE", "/api/v1/cases/<int:case_id>/attachments/<int:attachment_id>",
         {"anonymous": 401, "agency": 404, "officer_same": 404, "admin": 404},
         path={"case_id": "case", "attachment_id": "hz_attachment"}, label="(another case's attachment)"),
    Case("GET", "/cases/<int:case_id>/attachments/<int:attachment_id>",
         {"anonymous": LOGIN, "agency": 404, "expert": 404, "officer_same": 404, "admin": 404},
         path={"case_id": "case", "attachment_id": "hz_attachment"}, label="(another case's attachment)"),
    Case("POST", "/cases/<int:case_id>/attachments/<int:attachment_id>/delete",
         {"anonymous": LOGIN, "agency": 404, "officer_same": 404, "admin": 404},
         path={"case_id": "case", "attachment_id": "hz_attachment"}, label="(another case's attachment)"),
    Case("POST", "/api/v1/opinions/<int:opinion_id>/comments/<int:comment_id>/resolve",
         {"anonymous": 401, "expert": 404, "officer_same": 404, "admin": 404},
         path={"opinion_id": "draft", "comment_id": "hz_comment"}, label="(another opinion's comment)"),
    Case("POST", "/opinions/<int:opinion_id>/comments/<int:comment_id>/resolve",
         {"anonymous": LOGIN, "expert": 404, "officer_same": 404, "admin": 404},
         path={"opinion_id": "draft", "comment_id": "hz_comment"}, label="(another opinion's comment)"),
    Case("DELETE", "/api/v1/experts/<int:expert_id>/conflicts/<int:conflict_id>",
         {"anonymous": 401, "expert": 404, "officer_same": 404, "admin": 404},
         path={"expert_id": "e_nj", "conflict_id": "hz_conflict"}, label="(another expert's conflict)"),
    Case("DELETE", "/api/v1/experts/<int:expert_id>/unavailability/<int:row_id>",
         {"anonymous": 401, "expert": 404, "officer_same": 404, "admin": 404},
         path={"expert_id": "e_nj", "row_id": "hz_unavailability"}, label="(another expert's row)"),
    Case("POST", "/experts/<int:expert_id>/conflicts/<int:conflict_id>/withdraw",
         {"anonymous": LOGIN, "expert": 404, "officer_same": 404, "admin": 404},
         path={"expert_id": "e_nj", "conflict_id": "hz_conflict"}, label="(another expert's conflict)"),
    Case("POST", "/experts/<int:expert_id>/unavailability/<int:row_id>/delete",
         {"anonymous": LOGIN, "expert": 404, "officer_same": 404, "admin": 404},
         path={"expert_id": "e_nj", "row_id": "hz_unavailability"}, label="(another expert's row)"),
    Case("GET", "/api/v1/opinions/<int:opinion_id>/versions/<int:version>",
         {"anonymous": 401, "agency": 404, "expert": 404, "officer_same": 404, "admin": 404},
         path={"opinion_id": "draft", "version": lambda w, r: 999}, label="(a version that does not exist)"),
    # ids in the query string
    Case("GET", "/consultations/new", {"anonymous": LOGIN, "agency": 404, "officer_same": 404},
         body=_q(case_id="hz_case"), label="(杭州's case)"),
    Case("POST", "/consultations/new", {"anonymous": LOGIN, "agency": 404, "officer_same": 404},
         body=lambda w, r: {"query_string": {"case_id": w.hz_case}, "data": {}}, label="(杭州's case)"),
    Case("GET", "/opinions/new", {"anonymous": LOGIN, "agency": 404, "expert": 404, "officer_same": 404},
         body=_q(consultation_id="hz_cons"), label="(杭州's consultation)"),
    Case("POST", "/opinions/new", {"anonymous": LOGIN, "agency": 404, "expert": 404, "officer_same": 404},
         body=lambda w, r: {"query_string": {"consultation_id": w.hz_cons}, "data": {}}, label="(杭州's consultation)"),
]

SECURITY_CASES = _generated() + MISMATCH

# --------------------------------------------------------------------------- coverage

_APP = create_app("testing")
ROUTES = sorted({(m, _norm(r.rule)) for r in _APP.url_map.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}},
                key=lambda mr: (mr[1], mr[0]))


def test_every_route_has_an_expected_status_per_role():
    """A route is covered when a row (here or in the access matrix) names the expected status of
    every role for it. A new route fails here until it gets one."""
    covered = {(c.method, _norm(c.rule)) for c in MATRIX_CASES + SECURITY_CASES if set(c.expect) >= set(ROLES)}
    missing = [f"  {m} {r}" for m, r in ROUTES if (m, r) not in covered]
    assert not missing, ("routes without an expected status per role (add a row to tests/access/test_matrix.py or "
                         "tests/security/test_route_coverage.py):\n" + "\n".join(missing))


def test_every_object_route_is_tried_with_foreign_ids():
    """Every route taking the id of a jurisdictional object is tried with a 杭州 object's id."""
    tried = {(c.method, _norm(c.rule)) for c in SECURITY_CASES}
    untried = [f"  {m} {r}" for m, r in ROUTES
               if _vars(r) and not _vars(r) & NOT_JURISDICTIONAL and (m, r) not in tried]
    assert not untried, "routes with object ids never tried with another jurisdiction's ids:\n" + "\n".join(untried)


# --------------------------------------------------------------------------- the requests

def _params():
    existing = set(ROUTES)
    for case in SECURITY_CASES:
        for role in case.expect:
            marks = () if (case.method, _norm(case.rule)) in existing else (pytest.mark.skip(reason="no such route"),)
            yield pytest.param(case, role, id=f"{case.id} [{role}]", marks=marks)


@pytest.mark.parametrize(("case", "role"), list(_params()))
def test_foreign_object(app, client, sworld, case: Case, role: str):
    check_response(case, role, _request(client, case, sworld, role), FOREIGN_NAMES)


def test_foreign_objects_unchanged(app, sworld):
    """Runs after the requests above: none of them changed a 杭州 object or a 南京 one it named."""
    from app.cases.models import Attachment, Case as CaseRow
    from app.consultations.models import Consultation
    from app.experts.models import ConflictDeclaration, Expert, Unavailability
    from app.extensions import db
    from app.meetings.models import Meeting
    from app.opinions.models import Opinion, OpinionComment

    w = sworld
    assert db.session.get(Attachment, w.hz_attachment) is not None
    assert db.session.get(CaseRow, w.hz_case).version == 1 and db.session.get(CaseRow, w.hz_case).status == "consulting"
    assert db.session.get(CaseRow, w.case_b).version == 1
    assert db.session.get(Consultation, w.hz_cons).status == w.hz_cons_status
    assert db.session.get(Meeting, w.hz_meeting).status != "cancelled"
    assert db.session.get(Opinion, w.hz_draft).version == 1
    assert db.session.get(OpinionComment, w.hz_comment).resolved is False
    assert db.session.get(ConflictDeclaration, w.hz_conflict) is not None
    assert db.session.get(Unavailability, w.hz_unavailability) is not None
    assert db.session.get(Expert, w.e_hz).version == 1
