"""JSON shapes of opinions (api.md, Opinions) — also what the editor page reads."""

from __future__ import annotations

from app.documents import suggest_legal_basis
from app.documents.laws import legal_basis_warnings
from app.opinions import content as C
from app.opinions import permissions as perm
from app.opinions.diff import changed_sections
from app.opinions.models import Opinion, OpinionComment, OpinionFeedback
from app.timeutil import iso
from expert_pool.codes import CONCLUSIONS, RECOMMENDATIONS


def citation_suggestions(opinion: Opinion) -> list[str]:
    """Citations written in the legal analysis that the legal-basis list lacks (canonical)."""
    return suggest_legal_basis(opinion.analysis or "", opinion.legal_basis or [])


def citation_warnings(opinion: Opinion) -> list[str]:
    """Legal-basis lines the law catalogue doubts (unknown law, article past the last, repealed);
    only while the draft can still be corrected."""
    return legal_basis_warnings(opinion.legal_basis or []) if opinion.status == "draft" else []


def signature_status(opinion: Opinion) -> list[dict]:
    """Every member who accepted, chair first, and whether they signed the current version."""
    by_expert = {s.expert_id: s for s in opinion.signatures}
    out = []
    for m in opinion.consultation.accepted_members():
        s = by_expert.get(m.expert_id)
        current = s is not None and s.version == opinion.version
        out.append({"expert_id": m.expert_id, "name": m.expert.name, "role": m.role,
                    "title": m.expert.title, "employer": m.expert.employer, "signed": current,
                    "signed_version": s.version if s else None, "signed_at": iso(s.signed_at) if s else None})
    return out


def comment_dict(comment: OpinionComment) -> dict:
    return {"id": comment.id, "section": comment.section, "section_label": C.LABELS.get(comment.section, comment.section),
            "version": comment.version, "text": comment.text, "resolved": comment.resolved,
            "author_id": comment.author_id, "author": comment.author.display_name if comment.author else None,
            "created_at": iso(comment.created_at)}


def feedback_dict(fb: OpinionFeedback) -> dict:
    return {"id": fb.id, "adopted": fb.adopted, "outcome": fb.outcome, "outcome_label": fb.outcome_label,
            "note": fb.note, "created_by_id": fb.created_by_id, "created_at": iso(fb.created_at)}


def abilities(user, opinion: Opinion) -> dict[str, bool]:
    draft = opinion.status == "draft"
    return {
        "edit": draft and perm.can_edit(user, opinion),
        "comment": draft and perm.can_comment(user, opinion),
        "sign": draft and perm.can_sign(user, opinion),
        "dissent": draft and perm.can_sign(user, opinion),
        "issue": draft and perm.can_issue(user, opinion),
        "correct": opinion.status == "issued" and perm.can_issue(user, opinion),
        "feedback": opinion.status == "issued" and not opinion.feedback_final and perm.can_feedback(user, opinion),
    }


def opinion_dict(opinion: Opinion, user=None) -> dict:
    status = signature_status(opinion)
    superseded_by = next((o.id for o in opinion.consultation.opinions if o.supersedes_id == opinion.id), None)
    data = {
        "id": opinion.id,
        "consultation_id": opinion.consultation_id,
        "case_id": opinion.case_id,
        "status": opinion.status,
        "status_label": opinion.status_label,
        "version": opinion.version,
        "title": opinion.title,
        "addressee": opinion.addressee,
        **{name: getattr(opinion, name) or "" for name in C.TEXT_SECTIONS},
        "conclusion": opinion.conclusion,
        "conclusion_label": CONCLUSIONS.get(opinion.conclusion or ""),
        "recommendations": list(opinion.recommendations or []),
        "recommendation_labels": [RECOMMENDATIONS.get(r, r) for r in opinion.recommendations or []],
        "legal_basis": list(opinion.legal_basis or []),
        "citation_suggestions": citation_suggestions(opinion) if opinion.status == "draft" else [],
        "citation_warnings": citation_warnings(opinion),
        "dissent": opinion.dissent or "",
        "dissents": [{"expert_id": d.expert_id, "name": d.expert.name, "text": d.text,
                      "updated_at": iso(d.updated_at)} for d in opinion.dissents],
        "cc": opinion.cc or "",
        "missing_sections": C.missing_sections(opinion),
        "signatures": [s for s in status if s["signed"]],
        "unsigned": [{"expert_id": s["expert_id"], "name": s["name"]} for s in status if not s["signed"]],
        "signers": status,
        "number": opinion.number,
        "issued_at": iso(opinion.issued_at),
        "issuing_office_id": opinion.issuing_office_id,
        "sha256": opinion.content_sha256,
        "pdf_sha256": opinion.pdf_sha256,
        "supersedes_id": opinion.supersedes_id,
        "superseded_by_id": superseded_by,
        "feedback": [feedback_dict(f) for f in opinion.feedback],
        "created_at": iso(opinion.created_at),
        "updated_at": iso(opinion.updated_at),
        "files": {"pdf": f"/api/v1/opinions/{opinion.id}/pdf", "docx": f"/api/v1/opinions/{opinion.id}/docx"},
    }
    if user is not None:
        data["can"] = abilities(user, opinion)
    return data


def version_list(opinion: Opinion) -> list[dict]:
    out, previous = [], None
    for v in opinion.versions:
        changed = changed_sections(previous, v.content) if previous is not None else []
        out.append({"version": v.version, "created_at": iso(v.created_at), "created_by_id": v.created_by_id,
                    "created_by": v.created_by.display_name if v.created_by else None,
                    "changed_sections": changed, "changed_labels": [C.LABELS.get(s, s) for s in changed]})
        previous = v.content
    return out
