"""API: public verification of an issued opinion's PDF (api.md, "Authenticity") — no token,
rate-limited per address."""

from __future__ import annotations

from flask import jsonify, request

from app.api.core import api_route
from app.errors import ValidationFailed
from app.verify import services
from app.verify.routes_common import limit, read_pdf


@api_route("/verify", ["POST"], "验真：核验一份意见书 PDF（签名有效、与印发文件逐字节一致、是否被更正替代）；无需令牌",
           tag="verify", file_upload=True, roles="任何人（无需登录）")
def verify_pdf():
    limit()
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed({"file": "请上传要核验的 PDF 文件（multipart 字段 file）"})
    return jsonify(services.verify_pdf(read_pdf(upload)).to_dict())
