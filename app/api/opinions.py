"""API: the legal review opinion — drafting in versions, comments, legal-basis suggestions,
signatures and dissents, issuing with a document number, corrections, PDF/DOCX, feedback."""

from __future__ import annotations

from flask import g, jsonify, request

from app.api.core import api_route, current_api_user, json_body
from app.consultations import services as consultation_services
from app.errors import NotFound, ValidationFailed
from app.opinions import issuing, services
from app.opinions.diff import content_diff
from app.opinions.downloads import file_response
from app.opinions.permissions import sees_comments
from app.opinions.schemas import CommentIn, DissentIn, FeedbackIn, OpinionIn, OpinionUpdate, SignatureIn
from app.opinions.serialize import (
    citation_suggestions,
    comment_dict,
    feedback_dict,
    opinion_dict,
    signature_status,
    version_list,
)
from app.timeutil import iso
from app.validation import parse

TAG = "opinions"
EDITORS = "已接受邀请的专家组成员, officer（承办单位）"


def _optional_body() -> dict:
    return json_body() if request.get_data() else {}


def _load(opinion_id: int):
    return services.get_visible(current_api_user(), opinion_id)


@api_route("/consultations/<dbid:consultation_id>/opinion", ["POST"], "起草法律审查意见书（未提供的章节按信访事项和会商情况预填）",
           body=OpinionIn, status=201, roles="专家组组长（已接受邀请）, officer（承办单位）", tag=TAG)
def create_opinion(consultation_id: int):
    user = current_api_user()
    c = consultation_services.get_visible(user, consultation_id)
    opinion = services.create_draft(user, c, _optional_body())
    return jsonify(opinion_dict(opinion, user)), 201


@api_route("/consultations/<dbid:consultation_id>/opinion", ["GET"], "会商的现行意见书（起草中或已印发）", tag=TAG)
def get_consultation_opinion(consultation_id: int):
    user = current_api_user()
    c = consultation_services.get_visible(user, consultation_id)
    if c.current_opinion is None:
        raise NotFound("该会商尚无意见书")
    return jsonify(opinion_dict(c.current_opinion, user))


@api_route("/opinions/<dbid:opinion_id>", ["GET"], "意见书（含签署情况、法律依据建议）", tag=TAG)
def get_opinion(opinion_id: int):
    return jsonify(opinion_dict(_load(opinion_id), current_api_user()))


@api_route("/opinions/<dbid:opinion_id>", ["PUT"], "保存意见书新版本（version 过期 → 409 stale_version；清除已有签名）",
           body=OpinionUpdate, roles=EDITORS, tag=TAG)
def update_opinion(opinion_id: int):
    user = current_api_user()
    opinion, changed = services.update(user, _load(opinion_id), json_body())
    body = opinion_dict(opinion, user)
    body["changed"] = changed
    return jsonify(body)


@api_route("/opinions/<dbid:opinion_id>/versions", ["GET"], "意见书的版本历史", tag=TAG)
def list_versions(opinion_id: int):
    opinion = _load(opinion_id)
    items = version_list(opinion)
    return jsonify({"items": items, "total": len(items), "current_version": opinion.version})


@api_route("/opinions/<dbid:opinion_id>/versions/<dbid:version>", ["GET"], "某一版本的全文", tag=TAG)
def get_version(opinion_id: int, version: int):
    opinion = _load(opinion_id)
    v = next((v for v in opinion.versions if v.version == version), None)
    if v is None:
        raise NotFound("该版本不存在")
    return jsonify({"version": v.version, "content": v.content, "created_at": iso(v.created_at),
                    "created_by": v.created_by.display_name if v.created_by else None})


def _version_arg(name: str, opinion) -> dict:
    raw = request.args.get(name, "")
    if not raw.isdigit():
        raise ValidationFailed({name: "应为版本号（正整数）"})
    v = next((v for v in opinion.versions if v.version == int(raw)), None)
    if v is None:
        raise ValidationFailed({name: f"版本 {raw} 不存在（当前为第 {opinion.version} 版）"})
    return v.content


@api_route("/opinions/<dbid:opinion_id>/diff", ["GET"], "两个版本之间逐章节的差异（HTML 中以 <ins>/<del> 标记）", tag=TAG,
           query={"from": "起始版本", "to": "目标版本"})
def diff_versions(opinion_id: int):
    opinion = _load(opinion_id)
    old, new = _version_arg("from", opinion), _version_arg("to", opinion)
    sections = content_diff(old, new)
    return jsonify({"from": int(request.args["from"]), "to": int(request.args["to"]), "sections": sections,
                    "changed_sections": [s["section"] for s in sections if s["changed"]]})


@api_route("/opinions/<dbid:opinion_id>/comments", ["GET"], "章节评论", tag=TAG)
def list_comments(opinion_id: int):
    opinion = _load(opinion_id)
    items = [comment_dict(c) for c in opinion.comments] if sees_comments(current_api_user(), opinion) else []
    return jsonify({"items": items, "total": len(items)})


@api_route("/opinions/<dbid:opinion_id>/comments", ["POST"], "就某一章节发表评论", body=CommentIn, status=201,
           roles=EDITORS, tag=TAG)
def add_comment(opinion_id: int):
    comment = services.add_comment(current_api_user(), _load(opinion_id), json_body())
    return jsonify(comment_dict(comment)), 201


@api_route("/opinions/<dbid:opinion_id>/comments/<dbid:comment_id>/resolve", ["POST"], "将评论标记为已处理", roles=EDITORS,
           tag=TAG)
def resolve_comment(opinion_id: int, comment_id: int):
    comment = services.resolve_comment(current_api_user(), _load(opinion_id), comment_id)
    return jsonify(comment_dict(comment))


@api_route("/opinions/<dbid:opinion_id>/citation-suggestions", ["GET"], "法律分析中引用、但法律依据中尚未列出的条文", tag=TAG)
def get_citation_suggestions(opinion_id: int):
    opinion = _load(opinion_id)
    return jsonify({"suggestions": citation_suggestions(opinion), "legal_basis": opinion.legal_basis})


@api_route("/opinions/<dbid:opinion_id>/signatures", ["GET"], "签署情况：谁已签署、谁未签署", tag=TAG)
def list_signatures(opinion_id: int):
    opinion = _load(opinion_id)
    status = signature_status(opinion)
    return jsonify({"version": opinion.version, "items": status,
                    "unsigned": [s for s in status if not s["signed"]]})


@api_route("/opinions/<dbid:opinion_id>/signatures", ["POST"],
           "签署现行版本（须再次验证身份：提供 password，或使用 15 分钟内获取的令牌）", body=SignatureIn, status=201,
           roles="已接受邀请的专家组成员本人", tag=TAG)
def sign_opinion(opinion_id: int):
    user = current_api_user()
    data = parse(SignatureIn, _optional_body())
    opinion = _load(opinion_id)
    signature = services.sign(user, opinion, password=data.password, token_issued_at=g.api_token.created_at)
    return jsonify({"expert_id": signature.expert_id, "version": signature.version, "signed_at": iso(signature.signed_at),
                    "opinion": opinion_dict(opinion, user)}), 201


@api_route("/opinions/<dbid:opinion_id>/dissent", ["POST"], "发表、修改或撤回（text 为空）本人的少数意见；清除已有签名",
           body=DissentIn, status=201, roles="已接受邀请的专家组成员本人", tag=TAG)
def set_dissent(opinion_id: int):
    user = current_api_user()
    opinion = _load(opinion_id)
    _, created = services.set_dissent(user, opinion, json_body())
    return jsonify(opinion_dict(opinion, user)), 201 if created else 200


@api_route("/opinions/<dbid:opinion_id>/issue", ["POST"], "印发：编发文字号、冻结内容并生成 PDF/DOCX（须全体已接受成员签署现行版本）",
           roles="officer（承办单位）", tag=TAG)
def issue_opinion(opinion_id: int):
    user = current_api_user()
    opinion = issuing.issue(user, _load(opinion_id))
    return jsonify(opinion_dict(opinion, user))


@api_route("/opinions/<dbid:opinion_id>/correction", ["POST"], "起草更正意见书（印发后替代原意见书）", status=201,
           roles="officer（承办单位）", tag=TAG)
def correct_opinion(opinion_id: int):
    user = current_api_user()
    new = issuing.correct(user, _load(opinion_id))
    return jsonify(opinion_dict(new, user)), 201


@api_route("/opinions/<dbid:opinion_id>/feedback", ["POST"], "有权处理机关反馈落实情况（会商随之办结）", body=FeedbackIn,
           status=201, roles="agency（事项所属单位）", tag=TAG)
def add_feedback(opinion_id: int):
    user = current_api_user()
    fb = issuing.add_feedback(user, _load(opinion_id), json_body())
    return jsonify(feedback_dict(fb)), 201


@api_route("/opinions/<dbid:opinion_id>/pdf", ["GET"], "意见书 PDF（已印发：存档文件，ETag 为 SHA-256；草稿：带“草稿”水印）",
           tag=TAG, content_type="application/pdf")
def opinion_pdf(opinion_id: int):
    return file_response(_load(opinion_id), "pdf")


@api_route("/opinions/<dbid:opinion_id>/docx", ["GET"], "意见书 DOCX（可在 Word/WPS 中编辑）", tag=TAG,
           content_type=issuing.MIME["docx"])
def opinion_docx(opinion_id: int):
    return file_response(_load(opinion_id), "docx")
