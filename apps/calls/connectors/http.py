"""A small HTTP client for the API connectors (standard library only), mapping failures to our two
exception kinds: timeouts, 429 and 5xx are ConnectorUnavailable (retried); 401/403 and other 4xx are
ConnectorError (permanent: fix the credentials or the settings)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .base import ConnectorError, ConnectorUnavailable

TIMEOUT = 30


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ConnectorError(f"the answer is not JSON: {self.body[:200]!r}") from exc


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect to somewhere else is not followed (SSRF)


_opener = urllib.request.build_opener(_NoRedirect)


def check_url(url: str) -> None:
    parsed = urllib.parse.urlsplit(url)
    allowed = {"https"} if getattr(settings, "PRODUCTION", False) else {"https", "http"}
    if parsed.scheme not in allowed or not parsed.hostname:
        raise ConnectorError(
            f"{url!r} is not an allowed API address (scheme must be {' or '.join(sorted(allowed))})"
        )


def request(
    method: str, url: str, *, headers: dict | None = None, data: bytes | None = None, ok=(200,)
) -> Response:
    check_url(url)
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _opener.open(req, timeout=TIMEOUT) as raw:
            response = Response(raw.status, dict(raw.headers), raw.read())
    except urllib.error.HTTPError as exc:
        response = Response(exc.code, dict(exc.headers or {}), exc.read() or b"")
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise ConnectorUnavailable(f"{urllib.parse.urlsplit(url).netloc} unreachable: {exc}") from exc
    if response.status in ok:
        return response
    detail = response.body[:300].decode("utf-8", "replace")
    if response.status == 429:
        retry_after = response.headers.get("Retry-After")
        seconds = float(retry_after) if retry_after and retry_after.replace(".", "", 1).isdigit() else None
        raise ConnectorUnavailable(f"rate limited (HTTP 429): {detail}", retry_after=seconds or 60.0)
    if response.status >= 500:
        raise ConnectorUnavailable(f"server error (HTTP {response.status}): {detail}")
    if response.status in (401, 403):
        raise ConnectorError(f"credential invalid or not allowed (HTTP {response.status}): {detail}")
    raise ConnectorError(f"request refused (HTTP {response.status}): {detail}")
