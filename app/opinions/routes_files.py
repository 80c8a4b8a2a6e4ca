"""The opinion's PDF and DOCX, the HTML preview (the same ``render_html`` the PDF is printed
from), the version history with a readable diff, and the citation check the editor calls."""

from __future__ import annotations

from flask import jsonify, render_template, request

from app.documents import render_html, suggest_legal_basis
from app.documents.laws import legal_basis_warnings
from app.opinions.blueprint import bp
from app.opinions.diff import content_diff
from app.opinions.downloads import file_response
from app.opinions.issuing import document_for
from app.opinions.routes_common import load
from app.opinions.serialize import version_list
from app.opinions.services import canonical_legal_basis


@bp.route("/<dbid:opinion_id>/pdf")
def pdf(opinion_id: int):
    return file_response(load(opinion_id), "pdf", inline=request.args.get("inline") == "1")


@bp.route("/<dbid:opinion_id>/docx")
def docx(opinion_id: int):
    return file_response(load(opinion_id), "docx")


@bp.route("/<dbid:opinion_id>/preview")
def preview(opinion_id: int):
    opinion = load(opinion_id)
    return render_template("opinions/preview.html", opinion=opinion,
                           doc_html=render_html(document_for(opinion), fragment=True))


def _version(raw: str | None, numbers: list[int], default: int) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in numbers else default


@bp.route("/<dbid:opinion_id>/versions")
def versions(opinion_id: int):
    opinion = load(opinion_id)
    items = version_list(opinion)
    numbers = [v["version"] for v in items]
    newest = numbers[-1] if numbers else 1
    to = _version(request.args.get("to"), numbers, newest)
    start = _version(request.args.get("from"), numbers, max(1, to - 1) if (to - 1) in numbers else to)
    contents = {v.version: v.content for v in opinion.versions}
    sections = content_diff(contents.get(start, {}), contents.get(to, {})) if contents else []
    return render_template("opinions/versions.html", opinion=opinion, items=list(reversed(items)), numbers=numbers,
                           start=start, to=to, sections=sections, changed=[s for s in sections if s["changed"]])


@bp.route("/citations", methods=["POST"])
def check_citations():
    """For the editor's “检测引用” button: citations in the analysis not yet in the legal basis,
    and legal-basis lines that cannot be read (JSON; CSRF token in X-CSRFToken)."""
    data = request.get_json(silent=True) or {}
    analysis = data.get("analysis") if isinstance(data.get("analysis"), str) else ""
    lines = data.get("legal_basis") if isinstance(data.get("legal_basis"), list) else []
    lines = [x for x in lines if isinstance(x, str)][:200]
    canonical, errors = canonical_legal_basis(lines)
    return jsonify({"suggestions": suggest_legal_basis(analysis[:100000], canonical), "canonical": canonical,
                    "errors": list(errors.values()), "warnings": legal_basis_warnings(canonical)})
