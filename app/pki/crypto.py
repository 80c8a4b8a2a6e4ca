"""Key and certificate material, framework-free (the ``cryptography`` package).

- ECDSA P-256 keys, written as key-only PKCS#12 files encrypted with a passphrase (PBES2:
  PBKDF2-SHA256 with ``rounds`` iterations, AES-256-CBC), never stored in the database.
- The deployment's root certificate (a CA, path length 0) and office signing certificates it
  issues (digitalSignature + nonRepudiation, the office's name as CN).
- PKCS#12 files from a real certificate authority (:func:`read_pkcs12`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

ROOT_YEARS = 20
OFFICE_YEARS = 10
PLATFORM = "信访工作专家会商与法律审查平台"


class PkiError(Exception):
    """Key material that cannot be used (a wrong passphrase, a certificate that does not fit)."""


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def encrypt_key(key, passphrase: str, rounds: int) -> bytes:
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(rounds)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(passphrase.encode()))
    return pkcs12.serialize_key_and_certificates(None, key, None, None, encryption)


def decrypt_key(data: bytes, passphrase: str):
    try:
        key, _, _ = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except (ValueError, TypeError) as err:
        raise PkiError("私钥无法解密：口令（PKI_PASSPHRASE）不正确或密钥文件已损坏") from err
    if key is None:
        raise PkiError("密钥文件中没有私钥")
    return key


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def load_cert(data: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_certificate(data)


def load_certs(pem: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem) if pem.strip() else []


def _name(common_name: str, unit: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, PLATFORM)]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign, content_commitment=sign, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def make_root(key, common_name: str, now: datetime | None = None) -> x509.Certificate:
    now = now or datetime.now(UTC)
    name = _name(common_name)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365 * ROOT_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(sign=False, ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))


def make_office_cert(root_key, root: x509.Certificate, key, office_name: str, office_id: int,
                     now: datetime | None = None) -> x509.Certificate:
    """A signing certificate for one office, issued by the root (valid from a little before now:
    opinions are signed at once)."""
    now = now or datetime.now(UTC)
    not_after = min(now + timedelta(days=365 * OFFICE_YEARS), root.not_valid_after_utc)
    return (x509.CertificateBuilder().subject_name(_name(office_name, f"office-{office_id}"))
            .issuer_name(root.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(sign=True, ca=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))


def common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer and issued_by(cert, cert)


@dataclass
class Pkcs12:
    key: object
    cert: x509.Certificate
    chain: list[x509.Certificate]  # intermediates and the root, as the file carries them


def read_pkcs12(data: bytes, password: str | None) -> Pkcs12:
    """Key, certificate and chain of a PKCS#12 file; the key must be ECDSA or RSA and match the
    certificate, and the certificate must allow signing."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError as err:
        raise PkiError("PKCS#12 文件无法读取：口令不正确或文件已损坏") from err
    if key is None or cert is None:
        raise PkiError("PKCS#12 文件中没有私钥或签名证书")
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise PkiError("只支持 ECDSA 或 RSA 私钥")
    if key.public_key().public_numbers() != cert.public_key().public_numbers():
        raise PkiError("私钥与证书不匹配")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            raise PkiError("该证书不能用于签名（密钥用法）")
    except x509.ExtensionNotFound:
        pass
    return Pkcs12(key, cert, list(chain or []))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
