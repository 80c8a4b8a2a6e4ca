"""Signing certificates (the keys stay in files, encrypted), office seals, and the signature
record of each issued opinion (its verification code)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.extensions import db

CERT_STATUSES = {"active": "使用中", "retired": "已停用（轮换）"}
CERT_SOURCES = {"generated": "平台根证书签发", "imported": "外部 CA（PKCS#12 导入）"}


class SigningCertificate(db.Model):
    """One office's signing certificate. The private key is a file under the instance's ``pki/``
    directory (``key_file``), encrypted with ``PKI_PASSPHRASE``; only the certificate is here.
    A rotation retires the old one: opinions it signed stay verifiable."""

    __tablename__ = "signing_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the DER
    serial: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    cert_der: Mapped[bytes] = mapped_column(LargeBinary)
    chain_pem: Mapped[str] = mapped_column(Text, default="")  # issuers up to the trust anchor
    key_file: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(12), default="generated")
    status: Mapped[str] = mapped_column(String(12), default="active", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization = relationship("Organization")

    @property
    def status_label(self) -> str:
        return CERT_STATUSES.get(self.status, self.status)

    @property
    def source_label(self) -> str:
        return CERT_SOURCES.get(self.source, self.source)


class OfficeSeal(db.Model):
    """An office's seal image (PNG, red on transparent, checked by content). The newest active
    one is printed on the opinions the office issues; replaced ones are kept."""

    __tablename__ = "office_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization = relationship("Organization")


class IssuedSignature(db.Model):
    """How an issued opinion was signed: its verification code (printed with the QR code), the
    certificate and the seal. Written once, at issue."""

    __tablename__ = "issued_signatures"

    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("signing_certificates.id"), index=True)
    seal_id: Mapped[int | None] = mapped_column(ForeignKey("office_seals.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    certificate: Mapped[SigningCertificate] = relationship()
