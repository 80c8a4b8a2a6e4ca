"""A line put before everything else in a rendered DOCX, without touching the renderer: the
issued DOCX says there that the signed PDF is the authoritative version and gives the
verification code. The package is copied entry by entry (names, dates and order kept); only
``word/document.xml`` gains one paragraph at the start of its body.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

DOCUMENT_PART = "word/document.xml"
_BODY = re.compile(rb"<w:body>")
NOTE_COLOR = "C00000"
NOTE_HALF_POINTS = 21  # 五号 (10.5 pt)


def note_paragraph(text: str) -> bytes:
    run_props = (f'<w:rPr><w:rFonts w:ascii="SimHei" w:hAnsi="SimHei" w:eastAsia="黑体"/><w:color w:val="{NOTE_COLOR}"/>'
                 f'<w:sz w:val="{NOTE_HALF_POINTS}"/><w:szCs w:val="{NOTE_HALF_POINTS}"/></w:rPr>')
    return (f'<w:p><w:pPr><w:spacing w:before="0" w:after="120"/><w:ind w:firstLine="0"/></w:pPr>'
            f'<w:r>{run_props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>').encode()


def prepend_line(docx: bytes, text: str) -> bytes:
    """``docx`` with ``text`` as its first paragraph."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == DOCUMENT_PART:
                data, count = _BODY.subn(lambda m: m.group(0) + note_paragraph(text), data, count=1)
                if not count:
                    raise ValueError("DOCX 中没有正文（w:body）")
            target.writestr(info, data)
    return out.getvalue()
