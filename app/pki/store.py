"""Where the key material lives: ``<INSTANCE_DIR>/pki/`` (or ``PKI_DIR``), never the database.

    pki/root.crt.pem       the deployment's root certificate (the trust anchor of verification)
    pki/root.key.p12       its key, encrypted (key-only PKCS#12)
    pki/keys/<fp>.key.p12  one encrypted key per office signing certificate
    pki/trust/<fp>.pem     roots of imported certificate authorities (trusted by import)

Keys are encrypted with ``PKI_PASSPHRASE`` from the environment. Outside production, when it is
unset, a random passphrase is kept in ``<INSTANCE_DIR>/pki_passphrase`` (like the session key)
so that ``make run`` and the tests need no set-up; production refuses to run without it.
Decrypted keys are kept in the process's memory only (one PBKDF2 per key and process).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from cryptography import x509
from flask import current_app

from app.instance import read_or_create_secret
from app.pki import crypto

ROOT_CERT = "root.crt.pem"
ROOT_KEY = "root.key.p12"
_keys: dict[str, object] = {}  # absolute key path → decrypted key
_certs: dict[tuple[str, float], list[x509.Certificate]] = {}  # (path, mtime) → certificates


def pki_dir() -> Path:
    configured = current_app.config.get("PKI_DIR")
    return Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "pki"


def passphrase() -> str:
    value = current_app.config.get("PKI_PASSPHRASE")
    if value:
        return value
    if not current_app.config.get("PKI_PASSPHRASE_FILE_FALLBACK"):
        raise crypto.PkiError("未设置 PKI_PASSPHRASE：生产环境中签章私钥的口令必须由环境变量提供")
    return read_or_create_secret(Path(current_app.config["INSTANCE_DIR"]) / "pki_passphrase")


def kdf_rounds() -> int:
    return int(current_app.config.get("PKI_KDF_ROUNDS") or 600_000)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by the owner only; never overwrite (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_key(key, name: str) -> str:
    """Encrypt and store ``key`` as ``keys/<name>.key.p12``; returns the path relative to pki/."""
    relative = f"keys/{name}.key.p12"
    write_private(pki_dir() / relative, crypto.encrypt_key(key, passphrase(), kdf_rounds()))
    return relative


def load_key(relative: str):
    path = (pki_dir() / relative).resolve()
    if path.parent.parent != pki_dir().resolve():  # keys/<name> only
        raise crypto.PkiError("密钥文件路径无效")
    return load_key_file(path)


def _read_certs(path: Path) -> list[x509.Certificate]:
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return []
    cached = _certs.get((str(path), mtime))
    if cached is None:
        cached = _certs[(str(path), mtime)] = crypto.load_certs(path.read_bytes())
    return cached


def root_cert() -> x509.Certificate | None:
    certs = _read_certs(pki_dir() / ROOT_CERT)
    return certs[0] if certs else None


def root_key():
    return load_key_file(pki_dir() / ROOT_KEY)


def load_key_file(path: Path):
    key = _keys.get(str(path))
    if key is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise crypto.PkiError(f"私钥文件不存在：{path.name}（请先运行 flask pki init）") from None
        key = _keys[str(path)] = crypto.decrypt_key(data, passphrase())
    return key


def create_root(common_name: str) -> x509.Certificate:
    """Make the root key and certificate (FileExistsError when another process was first)."""
    key = crypto.new_key()
    cert = crypto.make_root(key, common_name)
    directory = pki_dir()
    write_private(directory / ROOT_KEY, crypto.encrypt_key(key, passphrase(), kdf_rounds()))
    try:
        write_private(directory / ROOT_CERT, crypto.cert_pem(cert))
    except FileExistsError:
        (directory / ROOT_KEY).unlink(missing_ok=True)
        raise
    _keys[str(directory / ROOT_KEY)] = key
    return cert


def add_trust_anchor(cert: x509.Certificate) -> None:
    with contextlib.suppress(FileExistsError):
        write_private(pki_dir() / "trust" / f"{crypto.fingerprint(cert)}.pem", crypto.cert_pem(cert))


def trust_anchors() -> list[x509.Certificate]:
    """The deployment's root and the roots of imported certificate authorities."""
    anchors = _read_certs(pki_dir() / ROOT_CERT)
    trust = pki_dir() / "trust"
    if trust.is_dir():
        for path in sorted(trust.glob("*.pem")):
            anchors = anchors + _read_certs(path)
    return anchors
