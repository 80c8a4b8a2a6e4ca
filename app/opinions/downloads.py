"""HTTP responses for the opinion's files, shared by the API and the pages."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from app.opinions import issuing
from app.opinions.models import Opinion


def file_response(opinion: Opinion, kind: str, *, inline: bool = False) -> Response:
    """The stored bytes of an issued (or superseded) opinion — ETag = SHA-256, If-None-Match →
    304 — or a draft rendered now with the 草稿 watermark and never cached."""
    data, etag = issuing.file_for(opinion, kind)
    fresh = bool(etag) and etag in request.if_none_match
    response = Response(status=304) if fresh else Response(data, mimetype=issuing.MIME[kind])
    name = issuing.download_name(opinion, kind)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (f"{disposition}; filename=\"opinion-{opinion.id}.{kind}\"; "
                                               f"filename*=UTF-8''{quote(name)}")
    if etag:
        response.set_etag(etag)
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        response.headers["Cache-Control"] = "no-store"
    return response
