"""A small HTTP client for the API connectors, on top of the SSRF guard (apps.core.netguard): every
request goes to a checked public address (https only; http and private addresses only for the hosts in
PORTAL_OUTBOUND_TEST_HOSTS), no redirects, no proxies, short timeouts, a capped body.

Failures map to our two exception kinds: timeouts, refused connections, 429 and 5xx are
ConnectorUnavailable (retried); a refused address, a redirect, 401/403 and other 4xx are ConnectorError
(permanent: fix the URL, the credentials or the settings)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
from dataclasses import dataclass

from apps.core import netguard

from .base import ConnectorError, ConnectorUnavailable

TIMEOUT = netguard.TIMEOUT


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


def check_url(url: str) -> None:
    """ConnectorError when the guard refuses the address (checked again, resolved, at connect)."""
    try:
        netguard.check_url(url, resolve=False)
    except netguard.BlockedURL as exc:
        raise ConnectorError(f"refused to connect: {exc}") from exc


def request(
    method: str, url: str, *, headers: dict | None = None, data: bytes | None = None, ok=(200,)
) -> Response:
    check_url(url)
    host = urllib.parse.urlsplit(url).netloc
    try:
        answer = netguard.request(method, url, headers=headers, data=data, timeout=TIMEOUT)
    except netguard.BlockedURL as exc:  # e.g. the name now resolves to an internal address
        raise ConnectorError(f"refused to connect: {exc}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, netguard.BlockedURL):
            raise ConnectorError(f"refused to connect: {reason}") from exc
        raise ConnectorUnavailable(f"{host} unreachable: {reason}") from exc
    response = Response(answer.status, answer.headers, answer.body)
    if response.status in ok:
        return response
    detail = response.body[:300].decode("utf-8", "replace")
    if response.status == 429:
        retry_after = response.headers.get("Retry-After")
        seconds = float(retry_after) if retry_after and retry_after.replace(".", "", 1).isdigit() else None
        raise ConnectorUnavailable(f"rate limited (HTTP 429): {detail}", retry_after=seconds or 60.0)
    if response.status >= 500:
        raise ConnectorUnavailable(f"server error (HTTP {response.status}): {detail}")
    if 300 <= response.status < 400:
        where = response.headers.get("Location", "")
        raise ConnectorError(f"redirect (HTTP {response.status}) to {where!r} not followed; fix the URL")
    if response.status in (401, 403):
        raise ConnectorError(f"credential invalid or not allowed (HTTP {response.status}): {detail}")
    raise ConnectorError(f"request refused (HTTP {response.status}): {detail}")
