"""SSRF guard: user-configured API addresses reach public https hosts only, checked at save and connect."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError

from apps.core import netguard

BLOCKED = [
    "http://example.com/api",  # not https
    "ftp://example.com/",
    "file:///etc/passwd",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.1.2.3/",
    "https://192.168.0.10:8443/",
    "https://172.16.5.4/",
    "https://100.64.0.1/",  # carrier-grade NAT
    "https://0x7f000001/",  # 127.0.0.1 spelled as a number
    "https://2130706433/",  # 127.0.0.1 as a decimal
    "https://0.0.0.0/",
    "https://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "https://[fd00:ec2::254]/",  # AWS metadata over IPv6
    "https://[fe80::1]/",
    "https://localhost/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://user:pass@api.example.com/",
    "https://internal.example/",  # a public-looking name resolving to a private address (below)
]


@pytest.fixture
def fake_dns(monkeypatch):
    """Resolution without the network: named hosts map to fixed addresses, literals resolve themselves."""
    table = {"api.example.com": "93.184.215.14", "internal.example": "10.0.0.7", "localhost": "127.0.0.1"}
    real = socket.getaddrinfo

    def lookup(host, port, **kwargs):
        if host in table:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]
        return real(host, port, type=socket.SOCK_STREAM)

    monkeypatch.setattr(netguard, "_getaddrinfo", lookup)
    return table


@pytest.fixture
def connections(monkeypatch):
    """Every socket the guard opens, recorded (none must go to a blocked address)."""
    opened: list[tuple] = []
    real = socket.create_connection

    def record(address, *args, **kwargs):
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(netguard.socket, "create_connection", record)
    return opened


@pytest.mark.parametrize("url", BLOCKED)
def test_an_internal_or_unsafe_address_is_refused_at_save_and_at_connect(
    url, fake_dns, connections, settings
):
    settings.PORTAL_OUTBOUND_TEST_HOSTS = []
    with pytest.raises(ValidationError):
        netguard.validate_outbound_url(url)
    with pytest.raises((netguard.BlockedURL, ValueError)):
        netguard.request("GET", url, timeout=1)
    assert connections == []


def test_a_public_https_address_passes_the_check(fake_dns):
    target = netguard.check_url("https://api.example.com/v1/calls?from=1")
    assert (target.host, target.port, target.addresses) == ("api.example.com", 443, ("93.184.215.14",))
    netguard.validate_outbound_url("https://api.example.com/v1/")


def test_a_name_that_turns_internal_after_it_was_saved_is_refused_at_connect(fake_dns, connections):
    netguard.validate_outbound_url("https://api.example.com/")  # saved while public
    fake_dns["api.example.com"] = "169.254.169.254"  # DNS rebinding
    with pytest.raises(netguard.BlockedURL, match=r"169\.254\.169\.254"):
        netguard.request("GET", "https://api.example.com/", timeout=1)
    assert connections == []


class _Redirector(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def redirecting_server():
    server = HTTPServer(("127.0.0.1", 0), _Redirector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_a_redirect_from_an_allowed_host_is_not_followed(redirecting_server, connections, settings):
    settings.PORTAL_OUTBOUND_TEST_HOSTS = ["127.0.0.1"]
    response = netguard.request("GET", redirecting_server, timeout=2)
    assert response.status == 302
    assert [address[0] for address in connections] == ["127.0.0.1"]  # one socket, to the allowed host only


def test_http_is_allowed_only_for_the_listed_test_hosts(settings):
    settings.PORTAL_OUTBOUND_TEST_HOSTS = ["127.0.0.1"]
    assert netguard.check_url("http://127.0.0.1:8080/").addresses == ("127.0.0.1",)
    with pytest.raises(netguard.BlockedURL, match="only https"):
        netguard.check_url("http://localhost:8080/")


def test_a_silent_server_times_out_quickly(settings):
    settings.PORTAL_OUTBOUND_TEST_HOSTS = ["127.0.0.1"]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with pytest.raises((TimeoutError, OSError)):
            netguard.request("GET", f"http://127.0.0.1:{listener.getsockname()[1]}/", timeout=0.5)
    finally:
        listener.close()
