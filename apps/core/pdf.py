"""PDF rendering (WeasyPrint) that fetches nothing but the portal's own static files.

WeasyPrint's default fetcher opens any URL a document names: `file:///etc/passwd`, the cloud metadata
address, an intranet host, redirects included (CVE-2025-68616, GHSA-35jj-wx47-4w8r). Reports contain text
users typed, so ours serves only `/static/...` files found by Django's static finders (or STATIC_ROOT)
and `data:` URIs; everything else is refused without opening a connection, and listed in `blocked`.
Templates must still autoescape user text.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://portal.invalid/"  # documents are rendered against this origin; it never resolves


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, **kwargs):
        super().__init__(timeout=5, allowed_protocols={"https", "data"}, allow_redirects=False, **kwargs)
        self.blocked: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            self.blocked.append(url)
            raise ValueError(f"not one of the portal's static files: {url[:200]}")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def static_path(url: str) -> str | None:
    """The file behind a URL of ours under STATIC_URL (staticfiles finders, else STATIC_ROOT), else None."""
    from django.contrib.staticfiles import finders

    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(static_prefix):
        return None
    relative = posixpath.normpath(unquote(parts.path[len(static_prefix) :]))
    if relative.startswith(("..", "/")) or "\x00" in relative:
        return None
    found = finders.find(relative)
    if found:
        return found
    root = settings.STATIC_ROOT
    if root:
        from pathlib import Path

        candidate = (Path(root) / relative).resolve()
        if candidate.is_file() and Path(root).resolve() in candidate.parents:
            return str(candidate)
    return None


def render_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """PDF bytes of an HTML string; links like /static/css/print.css resolve to our static files."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher()).write_pdf()
