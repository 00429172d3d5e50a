"""Outbound HTTP to user-configured addresses (operator and PBX APIs) without SSRF (ASVS V1.3.6, V13.2.4).

Rules, checked when a URL is saved (`validate_outbound_url`, a model/form validator) and again on every
connection (`opener()` / `request()`), because DNS can change between the two (rebinding):

- https only; http only for hosts listed in `PORTAL_OUTBOUND_TEST_HOSTS` (the tests' fake servers);
- no user:password@ in the URL (credentials travel in headers, and never end up in logs);
- the host name is resolved once and *every* address must be public: no private, loopback, link-local
  (169.254.169.254 cloud metadata included), shared (100.64/10), multicast, reserved or unspecified
  address, in IPv4, IPv6 or IPv4-mapped form — then the connection goes to that checked address
  (TLS still verifies the certificate against the host name);
- redirects are not followed (a 3xx is an error); connect/read timeouts are short; proxies from the
  environment are ignored; the body read is capped.

`PORTAL_OUTBOUND_TEST_HOSTS` (hosts exempt from the address rules, e.g. "127.0.0.1" in tests) is empty in
production unless someone sets it deliberately.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

TIMEOUT = 10.0
MAX_BODY_BYTES = 50 * 1024 * 1024
METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}


class BlockedURL(ValueError):
    """An outbound address the portal refuses to connect to; the message says why."""


def _test_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "PORTAL_OUTBOUND_TEST_HOSTS", [])}


def _getaddrinfo(host: str, port: int):
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        for embedded in (ip.ipv4_mapped, ip.sixtofour, (ip.teredo or (None, None))[1]):
            if embedded is not None and not address_is_public(str(embedded)):
                return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def check_url(url: str, *, resolve: bool = True) -> Target:
    """The URL's target if the rules allow it; `BlockedURL` otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURL(f"{url!r} is not a valid URL") from exc
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise BlockedURL(f"{url!r} has no host")
    exempt = host in _test_hosts()
    if parts.scheme != "https" and not (parts.scheme == "http" and exempt):
        raise BlockedURL(f"{url!r}: only https:// addresses are allowed")
    if parts.username or parts.password:
        raise BlockedURL("user names and passwords do not belong in the URL; use the credential field")
    if host in METADATA_HOSTS:
        raise BlockedURL(f"{host} is a cloud metadata service")
    port = port or (443 if parts.scheme == "https" else 80)
    if not resolve:
        return Target(parts.scheme, host, port, ())
    return Target(parts.scheme, host, port, _resolve_checked(host, port, exempt=exempt))


def _resolve_checked(host: str, port: int, *, exempt: bool) -> tuple[str, ...]:
    try:
        infos = _getaddrinfo(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedURL(f"{host} does not resolve ({exc})") from exc
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise BlockedURL(f"{host} does not resolve")
    if not exempt:
        for address in addresses:
            if not address_is_public(address):
                raise BlockedURL(
                    f"{host} resolves to {address}, an internal address; only public hosts allowed"
                )
    return addresses


def validate_outbound_url(value: str) -> None:
    """Model/form validator: the URL obeys the rules now (it is checked again at every connection)."""
    if not value:
        return
    try:
        check_url(value)
    except BlockedURL as exc:
        raise ValidationError(str(exc), code="blocked_url") from exc


def _pinned_connection(host: str, port: int, *, exempt: bool):
    def create_connection(address, timeout=TIMEOUT, source_address=None, **kwargs):
        last_error: OSError | None = None
        for ip in _resolve_checked(host, port, exempt=exempt):
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                last_error = exc
        raise last_error or OSError(f"cannot connect to {host}")

    return create_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        self._create_connection = _pinned_connection(self.host, self.port, exempt=self.host in _test_hosts())
        super().connect()


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        if self.host.lower() not in _test_hosts():
            raise BlockedURL(f"http://{self.host}: only https:// addresses are allowed")
        self._create_connection = _pinned_connection(self.host, self.port, exempt=True)
        super().connect()


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPSConnection, req, context=self._context)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GuardedHTTPConnection, req)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx surfaces as an HTTPError; following it could lead anywhere


def opener() -> urllib.request.OpenerDirector:
    """A urllib opener that applies the rules on every connection (no proxies, no redirects)."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _GuardedHTTPHandler(), _GuardedHTTPSHandler(), _NoRedirect()
    )


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes


def request(
    method: str, url: str, *, headers: dict | None = None, data: bytes | None = None, timeout: float = TIMEOUT
) -> Response:
    """One guarded HTTP exchange. Any status is returned (3xx included, never followed)."""
    check_url(url, resolve=False)
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with opener().open(req, timeout=timeout) as raw:
            return Response(raw.status, dict(raw.headers), _read_capped(raw))
    except urllib.error.HTTPError as exc:
        return Response(exc.code, dict(exc.headers or {}), _read_capped(exc))
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, BlockedURL):
            raise exc.reason from exc
        raise


def _read_capped(raw) -> bytes:
    body = raw.read(MAX_BODY_BYTES + 1) if raw is not None else b""
    if len(body) > MAX_BODY_BYTES:
        raise BlockedURL(f"the answer is larger than {MAX_BODY_BYTES // 2**20} MiB")
    return body
