"""The renderer's URL fetcher refuses the network and the server's files."""

from __future__ import annotations

import pytest

from app.documents.fetcher import RefusedURL, SafeURLFetcher
from app.documents.preview import TEMPLATES_DIR


@pytest.fixture
def fetcher(tmp_path):
    return SafeURLFetcher(allowed_dirs=[TEMPLATES_DIR, tmp_path], resources={"gwfont:GW-fangsong-0": b"font"})


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.png",
        "https://example.com/a.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://attacker.example/share/x",
        f"file://{TEMPLATES_DIR}/../../app/config.py",
        "data:text/plain,hello",
        "gwfont:GW-unknown-0",
        "/etc/passwd",
    ],
)
def test_refuses(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher(url)


def test_allows_own_assets(fetcher, tmp_path):
    assert fetcher.load("gwfont:GW-fangsong-0") == ("gwfont:GW-fangsong-0", b"font")
    template = TEMPLATES_DIR / "opinion.css"
    assert fetcher.load(template.as_uri())[1] == template.read_bytes()
    (tmp_path / "font.otf").write_bytes(b"otf")
    response = fetcher((tmp_path / "font.otf").as_uri())
    assert response.read() == b"otf"


def test_symlinks_out_of_an_allowed_dir_are_refused(fetcher, tmp_path):
    (tmp_path / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(RefusedURL):
        fetcher((tmp_path / "passwd").as_uri())


def test_weasyprint_never_reaches_out(tmp_path):
    from weasyprint import HTML

    calls = []

    class Recording(SafeURLFetcher):
        def fetch(self, url, headers=None):
            calls.append(url)
            return super().fetch(url, headers)

    html = '<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="file:///etc/passwd"><p>正文</p>'
    pdf = HTML(string=html, url_fetcher=Recording(allowed_dirs=[tmp_path])).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert set(calls) == {"http://127.0.0.1:9/x.png", "file:///etc/passwd"}  # asked, and refused
