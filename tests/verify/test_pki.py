"""Keys and certificates: `flask pki init`, keys encrypted at rest outside the database, office
certificates made on first issue, rotation, PKCS#12 import, seals checked by content — each
change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.errors import ValidationFailed
from app.extensions import db
from app.pki import crypto, services, store
from app.pki.models import SigningCertificate
from app.pki.seal import SealRejected, check_seal
from tests.verify.conftest import seal_png


def _audit(object_type: str) -> list[AuditEntry]:
    return list(db.session.execute(select(AuditEntry).where(AuditEntry.object_type == object_type)
                                   .order_by(AuditEntry.id)).scalars())


def test_init_makes_one_certificate_per_petition_office_and_keeps_keys_encrypted_in_files(app, runner, world):
    result = runner.invoke(args=["pki", "init"])
    assert result.exit_code == 0, result.output
    assert "根证书已存在" in result.output  # the session's root (tests/conftest.py)
    offices = [world.national, world.js, world.zj, world.nj, world.hz]
    certs = db.session.execute(select(SigningCertificate)).scalars().all()
    assert sorted(c.organization_id for c in certs) == sorted(o.id for o in offices)  # not the agency
    root = store.root_cert()
    for cert_row in certs:
        cert = crypto.load_cert(cert_row.cert_der)
        assert crypto.issued_by(cert, root) and cert_row.status == "active"
        key_path = store.pki_dir() / cert_row.key_file
        data = key_path.read_bytes()
        assert key_path.stat().st_mode & 0o077 == 0  # owner only
        with pytest.raises(crypto.PkiError):
            crypto.decrypt_key(data, "wrong passphrase")
        key = crypto.decrypt_key(data, store.passphrase())
        assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    # Nothing secret in the database: no column holds key material.
    for table in ("signing_certificates", "office_seals", "issued_signatures"):
        columns = {c.name for c in db.metadata.tables[table].columns}
        assert not any("key" in c and c != "key_file" for c in columns)
    assert len(_audit("signing_certificate")) == len(offices)
    again = runner.invoke(args=["pki", "init"])
    assert "新签发 0 张" in again.output
    status = runner.invoke(args=["pki", "status"])
    assert "南京市信访局" in status.output and "使用中" in status.output


def test_production_needs_the_passphrase_from_the_environment(app):
    with app.test_request_context():
        app.config.update(PKI_PASSPHRASE=None, PKI_PASSPHRASE_FILE_FALLBACK=False)
        try:
            with pytest.raises(crypto.PkiError, match="PKI_PASSPHRASE"):
                store.passphrase()
        finally:
            app.config.update(PKI_PASSPHRASE_FILE_FALLBACK=True)


def test_rotation_retires_the_old_certificate_and_is_audited(app, runner, world):
    first = services.office_certificate(world.nj)
    db.session.commit()
    result = runner.invoke(args=["pki", "rotate", "--office-id", str(world.nj.id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    rows = db.session.execute(select(SigningCertificate).where(SigningCertificate.organization_id == world.nj.id)
                              .order_by(SigningCertificate.id)).scalars().all()
    assert [r.status for r in rows] == ["retired", "active"] and rows[0].id == first.id and rows[0].retired_at
    assert rows[1].fingerprint != rows[0].fingerprint
    assert [e.action for e in _audit("signing_certificate")][-3:] == ["update", "create", "rotate"]


def _ca_p12(password: bytes) -> bytes:
    now = datetime.now(UTC)
    ca_key = crypto.new_key()
    ca = crypto.make_root(ca_key, "某电子认证服务机构 CA")
    key = crypto.new_key()
    cert = (x509.CertificateBuilder().subject_name(x509.Name.from_rfc4514_string("CN=南京市信访局,O=CA 用户"))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(b"nj", key, cert, [ca],
                                                 pkcs12.serialization.BestAvailableEncryption(password))


def test_import_office_from_pkcs12(app, runner, world, tmp_path, monkeypatch):
    path = tmp_path / "nj.p12"
    path.write_bytes(_ca_p12(b"p12-secret"))
    monkeypatch.setenv("PKCS12_PASSWORD", "wrong")
    bad = runner.invoke(args=["pki", "import-office", "--office-id", str(world.nj.id), "--file", str(path)])
    assert bad.exit_code != 0 and "口令不正确" in bad.output
    monkeypatch.setenv("PKCS12_PASSWORD", "p12-secret")
    result = runner.invoke(args=["pki", "import-office", "--office-id", str(world.nj.id), "--file", str(path)])
    assert result.exit_code == 0, result.output
    cert = services.active_certificate(world.nj.id)
    assert cert.source == "imported" and "CA 用户" in cert.subject
    assert any(crypto.common_name(a) == "某电子认证服务机构 CA" for a in store.trust_anchors())
    material = services.material(cert)
    assert crypto.issued_by(material.cert, material.chain[0])


def test_seal_is_checked_by_content():
    assert check_seal(seal_png()) == (420, 420)
    refusals = {
        "not a png": b"GIF89a" + b"\0" * 100,
        "opaque white": seal_png(background=(255, 255, 255, 255)),
        "black ink": seal_png(color=(0, 0, 0, 255)),
        "blue ink": seal_png(color=(0, 60, 200, 255)),
        "broken": seal_png()[:200],
    }
    for name, data in refusals.items():
        with pytest.raises(SealRejected):
            check_seal(data)
        assert name


def test_seal_upload_by_admin_only_and_audited(app, world):
    from app.errors import Forbidden

    with pytest.raises(Forbidden):
        services.upload_seal(world.officer_nj, world.nj, seal_png())
    with pytest.raises(ValidationFailed, match="红色"):
        services.upload_seal(world.admin, world.nj, seal_png(color=(0, 0, 0, 255)))
    first = services.upload_seal(world.admin, world.nj, seal_png())
    second = services.upload_seal(world.admin, world.nj, seal_png(size=300))
    db.session.commit()
    assert services.active_seal(world.nj.id).id == second.id and first.id != second.id
    assert len(_audit("office_seal")) == 2


def test_seal_page_upload(app, client, login, world):
    login(world.admin)
    resp = client.post(f"/admin/pki/offices/{world.nj.id}/seal", data={"file": (_io(seal_png()), "seal.png")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    page = client.get("/admin/pki").get_data(as_text=True)
    assert f"/admin/pki/offices/{world.nj.id}/seal.png" in page
    assert client.get(f"/admin/pki/offices/{world.nj.id}/seal.png").data == seal_png()
    bad = client.post(f"/admin/pki/offices/{world.nj.id}/seal", data={"file": (_io(seal_png(color=(0, 0, 0, 255))), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "红色" in bad.get_data(as_text=True)


def _io(data: bytes):
    import io

    return io.BytesIO(data)
