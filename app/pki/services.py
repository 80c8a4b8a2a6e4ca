"""Use cases of the deployment's keys and seals: the root and office certificates (create,
rotate, import from PKCS#12), seal upload. Every change takes its lock and writes an audit entry;
the callers (CLI, pages) commit.

Office certificates are made when first needed, too: an office that issues its first opinion
after ``flask pki init`` gets its certificate from the root at that moment (audited like any).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from app.audit import services as audit
from app.db_types import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.locking import lock_name
from app.orgs.models import Organization
from app.pki import crypto, store
from app.pki.crypto import PkiError
from app.pki.models import OfficeSeal, SigningCertificate
from app.pki.seal import SealImage, SealRejected, check_seal, prepare
from app.pki.signing import SigningMaterial

ROOT_NAME = "信访工作专家会商与法律审查平台 根证书"


class PkiMissing(Conflict):
    code = "pki_not_initialised"
    message = "本平台尚未初始化签章证书（请系统管理员运行 flask pki init），意见书不能印发"


def _lock_office(office_id: int) -> None:
    lock_name(f"pki:office:{office_id}", expire=False)


# --------------------------------------------------------------------------- root


@dataclass
class InitReport:
    root_created: bool
    root_fingerprint: str
    created: list[SigningCertificate]


def init(common_name: str = ROOT_NAME) -> InitReport:
    """The root (when missing) and a certificate for every petition office that has none."""
    created_root = False
    root = store.root_cert()
    if root is None:
        try:
            root = store.create_root(common_name)
            created_root = True
            audit.record("create", "pki", None, f"创建签章根证书（SHA-256 {crypto.fingerprint(root)[:16]}…）",
                         after={"fingerprint": crypto.fingerprint(root), "subject": root.subject.rfc4514_string()})
        except FileExistsError:  # another process was first: use its root
            root = store.root_cert()
    offices = db.session.execute(select(Organization).where(Organization.kind == "petition_office")
                                 .order_by(Organization.id)).scalars().all()
    created = [cert for office in offices if (cert := _ensure(office)) is not None]
    return InitReport(created_root, crypto.fingerprint(root), created)


def _ensure(office: Organization) -> SigningCertificate | None:
    """A new certificate for ``office`` when it has no active one (None when it has)."""
    _lock_office(office.id)
    if active_certificate(office.id) is not None:
        return None
    return _issue_certificate(office, "为{name}签发签章证书")


def _issue_certificate(office: Organization, summary: str) -> SigningCertificate:
    root = store.root_cert()
    if root is None:
        raise PkiMissing()
    key = crypto.new_key()
    cert = crypto.make_office_cert(store.root_key(), root, key, office.name, office.id)
    return _save(office, key, cert, [root], "generated", summary)


def _save(office: Organization, key, cert, chain: list, source: str, summary: str) -> SigningCertificate:
    fp = crypto.fingerprint(cert)
    if db.session.execute(select(SigningCertificate.id).where(SigningCertificate.fingerprint == fp)).first():
        raise Conflict("该证书已导入过", code="duplicate_certificate")
    key_file = store.save_key(key, fp[:32])
    row = SigningCertificate(organization_id=office.id, fingerprint=fp, serial=format(cert.serial_number, "x"),
                             subject=cert.subject.rfc4514_string()[:300], not_before=cert.not_valid_before_utc,
                             not_after=cert.not_valid_after_utc, cert_der=crypto.cert_der(cert),
                             chain_pem=b"".join(crypto.cert_pem(c) for c in chain).decode(), key_file=key_file,
                             source=source, status="active")
    db.session.add(row)
    db.session.flush()
    audit.record("create", "signing_certificate", row.id, summary.format(name=office.name) + f"（序列号 {row.serial[:16]}）",
                 after={"organization_id": office.id, "fingerprint": fp, "source": source,
                        "not_after": row.not_after.isoformat()})
    return row


# --------------------------------------------------------------------------- office certificates


def active_certificate(office_id: int) -> SigningCertificate | None:
    return db.session.execute(select(SigningCertificate).where(SigningCertificate.organization_id == office_id,
                                                               SigningCertificate.status == "active")
                              .order_by(SigningCertificate.id.desc()).limit(1)).scalar_one_or_none()


def office_certificate(office: Organization) -> SigningCertificate:
    """The office's signing certificate; the first one is issued by the root now."""
    cert = active_certificate(office.id)
    if cert is None:
        if store.root_cert() is None:
            raise PkiMissing()
        cert = _ensure(office) or active_certificate(office.id)
    return cert


def _retire(office: Organization) -> SigningCertificate | None:
    old = active_certificate(office.id)
    if old is not None:
        old.status, old.retired_at = "retired", utcnow()
        audit.record("update", "signing_certificate", old.id, f"停用{office.name}的签章证书（序列号 {old.serial[:16]}）",
                     before={"status": "active"}, after={"status": "retired"})
    return old


def rotate(office: Organization) -> SigningCertificate:
    """A new key and certificate for ``office``; the old certificate is retired, and the opinions
    it signed stay verifiable (verification trusts the root and reads the issue record)."""
    _lock_office(office.id)
    if store.root_cert() is None:
        raise PkiMissing()
    old = _retire(office)
    new = _issue_certificate(office, "轮换{name}的签章证书：签发新证书")
    audit.record("rotate", "signing_certificate", new.id, f"轮换{office.name}的签章证书",
                 before={"certificate_id": old.id if old else None}, after={"certificate_id": new.id})
    return new


def import_office(office: Organization, data: bytes, password: str | None) -> SigningCertificate:
    """Use a certificate from a real certificate authority (PKCS#12) for ``office``: its key is
    re-encrypted with PKI_PASSPHRASE; a self-signed root in the file becomes a trust anchor."""
    try:
        bundle = crypto.read_pkcs12(data, password)
    except PkiError as err:
        raise ValidationFailed({"file": str(err)}) from err
    anchors = [c for c in bundle.chain if crypto.self_signed(c)]
    if not anchors and not any(crypto.issued_by(bundle.cert, a) for a in store.trust_anchors()):
        raise ValidationFailed({"file": "PKCS#12 文件中没有签发该证书的根证书，无法建立信任链"})
    _lock_office(office.id)
    _retire(office)
    for anchor in anchors:
        store.add_trust_anchor(anchor)
    return _save(office, bundle.key, bundle.cert, bundle.chain, "imported", "为{name}导入外部 CA 签发的签章证书")


def material(cert: SigningCertificate) -> SigningMaterial:
    chain = tuple(crypto.load_certs(cert.chain_pem.encode()))
    return SigningMaterial(store.load_key(cert.key_file), crypto.load_cert(cert.cert_der), chain)


def certificates() -> list[SigningCertificate]:
    return list(db.session.execute(select(SigningCertificate).order_by(SigningCertificate.organization_id,
                                                                        SigningCertificate.id.desc())).scalars())


# --------------------------------------------------------------------------- seals


def active_seal(office_id: int) -> OfficeSeal | None:
    return db.session.execute(select(OfficeSeal).where(OfficeSeal.organization_id == office_id, OfficeSeal.active)
                              .order_by(OfficeSeal.id.desc()).limit(1)).scalar_one_or_none()


def get_office(office_id: int) -> Organization:
    office = db.session.get(Organization, office_id)
    if office is None or office.kind != "petition_office":
        raise NotFound("信访部门不存在")
    return office


def upload_seal(user, office: Organization, data: bytes) -> OfficeSeal:
    """An administrator's new seal for ``office`` (checked by content); the previous one is kept
    but no longer printed."""
    if getattr(user, "role", None) != "admin":
        raise Forbidden("只有系统管理员可以上传单位印章")
    try:
        width, height = check_seal(data)
    except SealRejected as err:
        raise ValidationFailed({"file": str(err)}) from err
    _lock_office(office.id)
    previous = active_seal(office.id)
    db.session.execute(update(OfficeSeal).where(OfficeSeal.organization_id == office.id).values(active=False))
    seal = OfficeSeal(organization_id=office.id, data=data, sha256=crypto.sha256_hex(data), width=width, height=height,
                      active=True, uploaded_by_id=user.id)
    db.session.add(seal)
    db.session.flush()
    audit.record("create", "office_seal", seal.id, f"上传{office.name}的印章图片（{width}×{height}）",
                 before={"seal_id": previous.id} if previous else None,
                 after={"organization_id": office.id, "sha256": seal.sha256})
    return seal


_prepared: dict[str, SealImage] = {}


def seal_image(seal: OfficeSeal) -> SealImage:
    """The seal's PDF samples, prepared once per process."""
    image = _prepared.get(seal.sha256)
    if image is None:
        image = _prepared[seal.sha256] = prepare(seal.data)
    return image
