"""PAdES signing of an issued opinion (pyHanko), framework-free.

The grid engine's PDF is left byte for byte as it is: the verification mark, the seal and the
signature are one incremental update, which the signature covers (ETSI.CAdES.detached, PAdES
baseline B-B, SHA-256, ECDSA P-256 or the imported key's algorithm). The signature certifies
the document (DocMDP: no changes allowed), so a viewer flags anything added afterwards.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.documents.marks import IssueMarks
from app.documents.layout import BOTTOM_MM, LEFT_MM, PT_PER_MM, TYPE_WIDTH_MM
from app.pki import crypto
from app.pki.appearance import MARK_GAP_PT, OutlineFont, SealStyle, VerificationMark, seal_box
from app.pki.seal import SealImage

FIELD_NAME = "XinfangSeal"
RESERVE_BYTES = 3072  # plus the certificates' size: the CMS container fits with room to spare


@dataclass(frozen=True)
class SigningMaterial:
    key: object  # cryptography private key
    cert: object  # cryptography x509.Certificate
    chain: tuple  # issuers, up to and including the trust anchor


_signers: dict[str, signers.SimpleSigner] = {}
T = TypeVar("T")


def without_event_loop(call: Callable[[], T]) -> T:
    """``call()`` where no asyncio loop runs: pyHanko's synchronous API starts its own loop
    (``asyncio.run``), which fails inside a running one (an async worker, Playwright's tests);
    there it runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(crypto.cert_der(cert))


def simple_signer(material: SigningMaterial) -> signers.SimpleSigner:
    """pyHanko's signer for ``material`` (made once per certificate and process)."""
    fp = crypto.fingerprint(material.cert)
    signer = _signers.get(fp)
    if signer is None:
        der = material.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        signer = signers.SimpleSigner(
            signing_cert=_asn1_cert(material.cert), signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in material.chain]))
        _signers[fp] = signer
    return signer


def sign_opinion(pdf: bytes, material: SigningMaterial, *, marks: IssueMarks | None, seal: SealImage | None,
                 mark: VerificationMark, font: OutlineFont | None, name: str, reason: str, location: str,
                 contact: str) -> bytes:
    """``pdf`` + one incremental update: the verification mark under the 版记 of the last page,
    the seal over the date (when the office has one and its place is known), the signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pages = int(writer.root["/Pages"]["/Count"])
    if marks is not None and marks.banji is not None:
        page, top = marks.banji.page, marks.banji.y0 - MARK_GAP_PT
    else:  # the foot of the last page's type area
        page, top = pages - 1, BOTTOM_MM * PT_PER_MM - MARK_GAP_PT
    # The page number (单页码居右，双页码居左) keeps its corner; the mark takes the other one.
    side = "left" if (page + 1) % 2 else "right"
    _add_to_page(writer, page, mark.ops(font, LEFT_MM * PT_PER_MM, (LEFT_MM + TYPE_WIDTH_MM) * PT_PER_MM, top,
                                        side=side))
    field = fields.SigFieldSpec(FIELD_NAME)
    style = None
    if seal is not None and marks is not None:
        box = seal_box(marks.signoff, marks.date, seal)
        field = fields.SigFieldSpec(FIELD_NAME, on_page=box.page, box=(box.x0, box.y0, box.x1, box.y1))
        style = SealStyle(seal=seal)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256", name=name,
        reason=reason, location=location, contact_info=contact, certify=True, docmdp_permissions=MDPPerm.NO_CHANGES)
    pdf_signer = signers.PdfSigner(meta, simple_signer(material), stamp_style=style, new_field_spec=field)
    out = io.BytesIO()
    reserve = 2 * (RESERVE_BYTES + sum(len(crypto.cert_der(c)) for c in (material.cert, *material.chain)))  # hex digits
    without_event_loop(lambda: pdf_signer.sign_pdf(writer, output=out, bytes_reserved=reserve))
    return out.getvalue()


def _add_to_page(writer: IncrementalPdfFileWriter, page: int, ops: bytes) -> None:
    """Draw ``ops`` over the page, its own content wrapped in q … Q so no state leaks in."""
    for data, prepend in ((b"q", True), (b"Q", False), (ops, False)):
        writer.add_stream_to_page(page, writer.add_object(generic.StreamObject(stream_data=data)), prepend=prepend)
