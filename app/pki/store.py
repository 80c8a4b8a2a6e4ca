"""Where the key material lives: the storage backend (:mod:`app.storage`) under ``pki/`` —
``<INSTANCE_DIR>/pki/`` (or ``PKI_DIR``) with ``STORAGE_BACKEND=local``, the database with
``database`` (so a second app server signs with the same office keys).

    pki/root.crt.pem       the deployment's root certificate (the trust anchor of verification)
    pki/root.key.p12       its key, encrypted (key-only PKCS#12)
    pki/keys/<fp>.key.p12  one encrypted key per office signing certificate
    pki/trust/<fp>.pem     roots of imported certificate authorities (trusted by import)

Keys are encrypted with ``PKI_PASSPHRASE`` from the environment — never stored with them, in the
database or anywhere else the app writes. Outside production, when it is unset, a random
passphrase is kept in ``<INSTANCE_DIR>/pki_passphrase`` (like the session key) so that ``make run``
and the tests need no set-up; production refuses to run without it. Decrypted keys are kept in the
process's memory only (one PBKDF2 per key and process). Everything here is written once.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path

from cryptography import x509
from flask import current_app

from app.instance import read_or_create_secret
from app.pki import crypto
from app.storage import pki_key, storage
from app.storage import pki_dir as _pki_dir

ROOT_CERT = "root.crt.pem"
ROOT_KEY = "root.key.p12"
_KEY_FILE = re.compile(r"^keys/[A-Za-z0-9_-]+\.key\.p12$")
_keys: dict[tuple[str, str], object] = {}  # (sha256 of the encrypted key, of the passphrase) → key
_certs: dict[bytes, list[x509.Certificate]] = {}  # PEM → certificates


def pki_dir() -> Path:
    """The local directory (``STORAGE_BACKEND=local``), also named in messages."""
    return _pki_dir()


def passphrase() -> str:
    value = current_app.config.get("PKI_PASSPHRASE")
    if value:
        return value
    if not current_app.config.get("PKI_PASSPHRASE_FILE_FALLBACK"):
        raise crypto.PkiError("未设置 PKI_PASSPHRASE：生产环境中签章私钥的口令必须由环境变量提供")
    return read_or_create_secret(Path(current_app.config["INSTANCE_DIR"]) / "pki_passphrase")


def kdf_rounds() -> int:
    return int(current_app.config.get("PKI_KDF_ROUNDS") or 600_000)


def save_key(key, name: str) -> str:
    """Encrypt and store ``key`` as ``keys/<name>.key.p12``; returns that relative name."""
    relative = f"keys/{name}.key.p12"
    storage().put_bytes(pki_key(relative), crypto.encrypt_key(key, passphrase(), kdf_rounds()))
    return relative


def load_key(relative: str):
    if not _KEY_FILE.match(relative or ""):  # keys/<name> only
        raise crypto.PkiError("密钥文件路径无效")
    return _load_key(relative)


def _read_certs(relative: str) -> list[x509.Certificate]:
    try:
        data = storage().read_bytes(pki_key(relative))
    except FileNotFoundError:
        return []
    cached = _certs.get(data)
    if cached is None:
        cached = _certs[data] = crypto.load_certs(data)
    return cached


def root_cert() -> x509.Certificate | None:
    certs = _read_certs(ROOT_CERT)
    return certs[0] if certs else None


def root_key():
    return _load_key(ROOT_KEY)


def _load_key(relative: str):
    try:
        data = storage().read_bytes(pki_key(relative))
    except FileNotFoundError:
        raise crypto.PkiError(f"私钥文件不存在：{Path(relative).name}（请先运行 flask pki init）") from None
    secret = passphrase()
    cache_key = (hashlib.sha256(data).hexdigest(), hashlib.sha256(secret.encode()).hexdigest())
    key = _keys.get(cache_key)
    if key is None:
        key = _keys[cache_key] = crypto.decrypt_key(data, secret)
    return key


def create_root(common_name: str) -> x509.Certificate:
    """Make the root key and certificate (FileExistsError when another process was first)."""
    key = crypto.new_key()
    cert = crypto.make_root(key, common_name)
    store = storage()
    store.put_bytes(pki_key(ROOT_KEY), crypto.encrypt_key(key, passphrase(), kdf_rounds()))
    try:
        store.put_bytes(pki_key(ROOT_CERT), crypto.cert_pem(cert))
    except FileExistsError:
        store.delete(pki_key(ROOT_KEY))
        raise
    return cert


def add_trust_anchor(cert: x509.Certificate) -> None:
    with contextlib.suppress(FileExistsError):
        storage().put_bytes(pki_key(f"trust/{crypto.fingerprint(cert)}.pem"), crypto.cert_pem(cert))


def trust_anchors() -> list[x509.Certificate]:
    """The deployment's root and the roots of imported certificate authorities."""
    anchors = _read_certs(ROOT_CERT)
    for key in storage().keys("pki/trust/"):
        if key.endswith(".pem"):
            anchors = anchors + _read_certs(key.removeprefix("pki/"))
    return anchors
