"""The sample opinion (tests/documents/sample.py) as issuing signs it, without a database: a
throw-away PKI in memory, the seal, the verification mark."""

from __future__ import annotations

from functools import cache

from app.documents.marks import issue_marks
from app.documents.pdf import render_pdf
from app.pki import crypto
from app.pki.appearance import VerificationMark, outline_font
from app.pki.seal import prepare
from app.pki.signing import SigningMaterial, sign_opinion
from tests.documents.sample import sample_opinion
from tests.verify.conftest import seal_png

URL = "http://127.0.0.1:5000/verify/ABCD2345"
CODE = "ABCD-2345"


@cache
def pki(name: str = "测试根证书") -> tuple:
    root_key = crypto.new_key()
    root = crypto.make_root(root_key, name)
    key = crypto.new_key()
    return root, SigningMaterial(key, crypto.make_office_cert(root_key, root, key, "江苏省信访局", 1), (root,))


def sign_sample(pdf: bytes | None = None, material: SigningMaterial | None = None, *, with_seal: bool = True,
                url: str = URL) -> bytes:
    doc = sample_opinion()
    pdf = pdf if pdf is not None else render_pdf(doc)
    mark = VerificationMark(url, CODE, "扫码或访问 127.0.0.1:5000/verify 核验")
    return sign_opinion(pdf, material or pki()[1], marks=issue_marks(doc), seal=prepare(seal_png()) if with_seal else None,
                        mark=mark, font=outline_font(mark.chars), name="江苏省信访局", reason="印发", location="南京",
                        contact=url)
