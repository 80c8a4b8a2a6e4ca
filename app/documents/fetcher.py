"""The only way WeasyPrint may load anything while rendering an opinion.

Opinion text comes from users; the template escapes it, and this fetcher makes sure that
even so nothing can reach the network or read the server's files: every URL is refused
except the document's own in-memory fonts (``gwfont:``) and ``file://`` paths inside an
allow-list of directories (the PDF templates and the prepared fonts).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

try:  # WeasyPrint ≥ 66: fetchers are URLFetcher subclasses returning responses.
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except ImportError:  # pragma: no cover - older WeasyPrint: plain callables returning dicts
    URLFetcher = object
    URLFetcherResponse = None

from .fonts import RESOURCE_SCHEME


class RefusedURL(ValueError):
    """Raised for every URL the opinion renderer must not load."""


class SafeURLFetcher(URLFetcher):
    def __init__(
        self,
        allowed_dirs: list[str | os.PathLike] | tuple = (),
        resources: dict[str, bytes] | None = None,
    ):
        if URLFetcher is not object:
            super().__init__(allowed_protocols=("file", RESOURCE_SCHEME), allow_redirects=False)
        self._fail_on_errors = False
        self.allowed_dirs = [Path(d).resolve() for d in allowed_dirs]
        self.resources = dict(resources or {})

    def load(self, url: str) -> tuple[str, bytes]:
        """Return (url, body) for an allowed URL; raise :class:`RefusedURL` otherwise."""
        if url in self.resources:
            return url, self.resources[url]
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"拒绝加载外部资源：{url}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_dirs):
            raise RefusedURL(f"拒绝读取允许目录以外的文件：{url}")
        if not path.is_file():
            raise RefusedURL(f"文件不存在：{url}")
        return url, path.read_bytes()

    def fetch(self, url, headers=None):
        url, body = self.load(url)
        if URLFetcherResponse is None:  # pragma: no cover
            return {"string": body, "redirected_url": url}
        return URLFetcherResponse(url, body)

    def __call__(self, url):
        return self.fetch(url)
