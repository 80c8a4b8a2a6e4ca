"""Signing an opinion at issue: the verification code, the seal and QR mark, the PAdES
signature with the office's certificate, and the record that ties them to the opinion.

Called once per opinion, inside the issuing transaction (``app.opinions.issuing.issue``), with
the PDF the grid engine rendered; never again for an issued number (a correction is a new
opinion, signed when it is issued).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.documents import OpinionDocument
from app.documents.docx_note import prepend_line
from app.documents.marks import issue_marks
from app.extensions import db
from app.orgs.models import Organization
from app.pki import services
from app.pki.appearance import CODE_ALPHABET, VerificationMark, outline_font
from app.pki.models import IssuedSignature, OfficeSeal, SigningCertificate
from app.pki.signing import sign_opinion

CODE_LENGTH = 8  # 40 bits: unguessable at the verification pages' rate limit
_CODE_CHARS = re.compile(r"[^0-9A-Z]")
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text: str) -> str | None:
    """A code as typed (lower case, hyphens, spaces, O for 0) → its stored form, or None."""
    code = _CODE_CHARS.sub("", (text or "").upper()).translate(_CONFUSABLE)
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.execute(select(IssuedSignature.opinion_id).where(IssuedSignature.code == code)).first() is None:
            return code


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def verify_url(code: str) -> str:
    return f"{base_url()}/verify/{code}"


def docx_notice(code: str) -> str:
    return (f"本文件为可编辑副本，以加盖电子签章的 PDF 版本为准。验真码：{format_code(code)}，"
            f"验证网址：{verify_url(code)}")


@dataclass
class SignedPdf:
    pdf: bytes
    code: str
    certificate: SigningCertificate
    seal: OfficeSeal | None


def sign_issued(office: Organization, doc: OpinionDocument, pdf: bytes, *, fonts: str | None) -> SignedPdf:
    """``pdf`` signed by ``office``, with its seal (if one was uploaded) and the verification mark."""
    certificate = services.office_certificate(office)
    seal = services.active_seal(office.id)
    code = new_code()
    mark = VerificationMark(verify_url(code), format_code(code), f"扫码或访问 {base_url()}/verify 核验")
    signed = sign_opinion(
        pdf, services.material(certificate), marks=issue_marks(doc, fonts=fonts),
        seal=services.seal_image(seal) if seal is not None else None, mark=mark,
        font=outline_font(mark.chars, str(fonts) if fonts else None), name=office.name,
        reason=f"印发法律审查意见书 {doc.number}（验真码 {format_code(code)}）", location=office.name,
        contact=verify_url(code))
    return SignedPdf(signed, code, certificate, seal)


def mark_docx(docx: bytes, code: str) -> bytes:
    return prepend_line(docx, docx_notice(code))


def record_issued(opinion_id: int, signed: SignedPdf) -> IssuedSignature:
    row = IssuedSignature(opinion_id=opinion_id, code=signed.code, certificate_id=signed.certificate.id,
                          seal_id=signed.seal.id if signed.seal else None)
    db.session.add(row)
    return row
