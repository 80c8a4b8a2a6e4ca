"""What a verification answers, for the page of a code and for an uploaded PDF.

An uploaded file is authentic when (1) it carries a PAdES signature that is intact, made by a
certificate chaining to one of the deployment's trust anchors, and covering the whole file, and
(2) it is byte for byte the PDF that was issued (its SHA-256 is an issued opinion's). A superseded
opinion is still authentic — it was issued — and the answer says by which number it was replaced.
The certificate is validated at the moment of issue recorded by the platform when the bytes are
known (a certificate rotated or expired since then does not make an old opinion invalid), else now.

Nothing here reveals the case: the public record is the number, the office, the title as
anonymized at issue (法释〔2016〕19号), the issue date and the status.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import asdict, dataclass
from datetime import date

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from app.extensions import db
from app.opinions.models import Opinion
from app.pki import crypto, store
from app.pki.models import IssuedSignature
from app.pki.signing import without_event_loop
from app.pki.stamping import format_code, normalize_code
from app.search.models import OpinionSearchText
from app.timeutil import local

log = logging.getLogger(__name__)
PUBLIC_STATUSES = ("issued", "superseded")


@dataclass
class PublicRecord:
    number: str
    office: str
    title: str
    issued_on: date
    status: str  # valid / superseded
    superseded_by: str | None
    code: str | None = None

    @property
    def status_label(self) -> str:
        return "有效" if self.status == "valid" else f"已被 {self.superseded_by} 更正替代"


def _superseding(opinion: Opinion) -> str | None:
    return db.session.execute(select(Opinion.number).where(Opinion.supersedes_id == opinion.id,
                                                           Opinion.status.in_(PUBLIC_STATUSES))).scalar_one_or_none()


def public_record(opinion: Opinion, code: str | None = None) -> PublicRecord:
    anonymized = db.session.get(OpinionSearchText, opinion.id)
    superseded_by = _superseding(opinion) if opinion.status == "superseded" else None
    return PublicRecord(number=opinion.number, office=opinion.issuing_office.name if opinion.issuing_office else "",
                        title=anonymized.title if anonymized else "法律审查意见书",
                        issued_on=local(opinion.issued_at).date(), status="superseded" if superseded_by else "valid",
                        superseded_by=superseded_by, code=format_code(code) if code else None)


def lookup(text: str) -> PublicRecord | None:
    """The public record of the opinion with this verification code (as typed or scanned)."""
    code = normalize_code(text)
    if code is None:
        return None
    row = db.session.execute(select(Opinion, IssuedSignature.code).join(IssuedSignature, IssuedSignature.opinion_id == Opinion.id)
                             .where(IssuedSignature.code == code, Opinion.status.in_(PUBLIC_STATUSES))).first()
    return public_record(row[0], row[1]) if row else None


# --------------------------------------------------------------------------- uploaded files

ANSWERS = {
    "authentic": "真实有效：该文件是{office}印发的{number}原件，电子签名有效，自印发以来未被改动。",
    "superseded": ("原件真实，但已失效：该文件是{office}印发的{number}原件，已被更正意见书 {superseded_by} 替代，"
                   "请以 {superseded_by} 为准。"),
    "not_pdf": "不是 PDF 文件，无法验真。",
    "unreadable": "文件已损坏或被改动，无法读取，不能作为原件。",
    "unsigned": "文件没有电子签名：不是本平台印发的意见书原件（草稿、扫描件或其他软件生成的文件都没有签名）。",
    "tampered": "文件已被改动：签名之后内容有变化（哪怕只改了一个字节），签名校验不通过，不能作为原件。",
    "resaved": "文件已被其他软件重新保存或修改：文件结构与签名时不同，签名已失效，请向印发单位索取原件。",
    "modified_after_signing": "签名之后文件被追加了修改（例如被其他软件另存或编辑），不能作为原件。",
    "untrusted": "签名不是由本平台信任的证书签发的（可能是伪造的签章），不能作为原件。",
    "not_issued": "签名有效，但本平台没有印发过与之完全一致的文件，不能作为原件。",
}


@dataclass
class Verdict:
    authentic: bool
    signature_valid: bool
    matches_issued: bool
    number: str | None
    office: str | None
    issued_on: date | None
    status: str | None  # valid / superseded, when the file matches an issued opinion
    superseded_by: str | None
    result: str  # a key of ANSWERS
    message: str

    def to_dict(self) -> dict:
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat() if self.issued_on else None
        return data


def _issued_by_hash(sha256: str) -> Opinion | None:
    return db.session.execute(select(Opinion).where(Opinion.pdf_sha256 == sha256, Opinion.status.in_(PUBLIC_STATUSES))
                              .limit(1)).scalar_one_or_none()


def _signature_result(data: bytes, moment) -> str:
    """``ok`` or the reason the file's signature does not hold."""
    if b"%PDF-" not in data[:1024]:  # readers accept the header within the first KiB
        return "not_pdf"
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 (any parse failure of a hostile file is an answer, not an error)
        return "unreadable"
    if not signatures:
        return "unsigned"
    signature = signatures[0]
    try:
        start, first, second, length = (int(x) for x in signature.sig_object["/ByteRange"])
    except Exception:  # noqa: BLE001
        return "unreadable"
    if start != 0 or second + length != len(data) or data[first:first + 1] != b"<" or data[second - 1:second] != b">":
        return "resaved"  # the signed ranges no longer frame the signature in this file
    anchors = [crypto.cert_der(c) for c in store.trust_anchors()]
    try:
        context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(a) for a in anchors], allow_fetching=False,
                                    moment=moment, best_signature_time=moment)
        status = without_event_loop(lambda: validate_pdf_signature(signature, context))
    except (SignatureValidationError, ValueError, KeyError, TypeError) as err:
        log.info("signature validation failed: %s", err)
        return "tampered"
    except Exception:
        log.exception("unexpected error while validating a signature")
        return "tampered"
    if not status.intact or not status.valid:
        return "tampered"
    if not status.trusted:
        return "untrusted"
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return "modified_after_signing"
    return "ok"


def verify_pdf(data: bytes) -> Verdict:
    opinion = _issued_by_hash(hashlib.sha256(data).hexdigest())
    result = _signature_result(data, opinion.issued_at if opinion is not None else None)
    signature_valid = result == "ok"
    if opinion is None or not signature_valid:
        if result == "ok":
            result = "not_issued"
        return Verdict(False, signature_valid, opinion is not None, None, None, None, None, None, result, ANSWERS[result])
    record = public_record(opinion)
    result = "superseded" if record.status == "superseded" else "authentic"
    message = ANSWERS[result].format(office=record.office, number=record.number, superseded_by=record.superseded_by)
    return Verdict(True, True, True, record.number, record.office, record.issued_on, record.status, record.superseded_by,
                   result, message)
