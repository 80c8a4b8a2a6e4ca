"""Issued opinions in the database from generated records (tests/search/corpus.py), without the
signing workflow: case with its petitioners, consultation, opinion with its frozen content, then the
same search hook ``issue`` calls (``on_issued``) and a commit, which indexes them.

The issue flow itself (API → index) is tested with real issuing in test_search_api.py."""

from __future__ import annotations

from datetime import datetime, time

from app.cases.models import Case, Petitioner
from app.consultations.models import Consultation
from app.extensions import db
from app.opinions import content as C
from app.opinions.models import Opinion, OpinionFile
from app.search import service
from app.timeutil import SHANGHAI


def insert_issued(record: dict, handling_org, office, *, commit: bool = True, status: str = "issued") -> Opinion:
    issued_on = datetime.fromisoformat(record["date"]).date()
    case = Case(case_number=record["case_number"] + f"-{record['opinion_id']}", title=record["title"][2:12],
                summary=record["basic_facts"][:200], claims=record["claims"][:200], category=record["category"],
                region_code=record["region_code"], handling_org_id=handling_org.id, cross_flags=record["cross_flags"],
                responsible_leader="", status="opinion_issued")
    case.petitioners = [Petitioner(name=p["name"], id_number=p["id_number"], phone=p["phone"], address=p["address"])
                        for p in record["petitioners"]]
    consultation = Consultation(case=case, questions="请就诉求是否合理出具法律审查意见。", tier=record["tier"],
                                office_id=office.id, status="opinion_issued")
    opinion = Opinion(consultation=consultation, case=case, status=status, version=1, title=record["title"],
                      addressee=record["addressee"], claims=record["claims"], basic_facts=record["basic_facts"],
                      consultation_summary=record["consultation_summary"], findings=record["findings"],
                      analysis=record["analysis"], conclusion=record["conclusion"],
                      recommendations=record["recommendations"], legal_basis=record["legal_basis"],
                      issuing_office_id=office.id, number=record["number"] + f"#{record['opinion_id']}",
                      issued_at=datetime.combine(issued_on, time(10), SHANGHAI))
    db.session.add(opinion)
    db.session.flush()
    content = {key: value for key, value in record.items()
               if key not in ("id", "topic", "category", "tier", "region_code", "cross_flags", "petitioners")}
    content.update(opinion_id=opinion.id, consultation_id=consultation.id, number=opinion.number)
    data = C.canonical_json(content)
    db.session.add(OpinionFile(opinion=opinion, kind="content", sha256=C.sha256_hex(data), size=len(data), data=data))
    service.on_issued(opinion, content)
    if commit:
        db.session.commit()
    return opinion
