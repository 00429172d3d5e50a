"""Issue 10 (SSRF guard) on the calls side: a source's URL must be a public https address, checked when
it is saved and again when a pull connects; the tests' fake vendors on 127.0.0.1 are the only exemption."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.calls import services
from apps.calls.connectors import ConnectorError
from apps.calls.connectors.http import request
from apps.calls.models import CallRecord, Source

from .fakes import FakeServer, FakeZadarma

NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://169.254.169.254/latest/meta-data/", "only https"),
        ("https://169.254.169.254/latest/meta-data/", "internal address"),
        ("https://10.0.0.1/v1/", "internal address"),
        ("https://[::ffff:192.168.0.10]/", "internal address"),
        ("https://metadata.google.internal/", "metadata"),
        ("https://user:pw@api.zadarma.com/", "credential field"),
    ],
)
@pytest.mark.django_db
def test_a_source_pointing_at_a_private_address_is_refused_at_save(url, says):
    source = Source(slug="evil", connector="zadarma", url=url)
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert "url" in caught.value.message_dict
    assert says in " ".join(caught.value.message_dict["url"])


@pytest.mark.django_db
def test_a_pull_from_a_private_address_fails_clearly_without_connecting():
    # Saved without validation (as an old row or a direct DB edit would be): the pull checks again.
    source = Source.objects.create(slug="meta", connector="zadarma", url="https://169.254.169.254", login="k")
    source.secret = "s"
    source.save()
    run = services.run_create_for_pull(source=source, now=NOW)
    run = services.run_process(run_id=run.pk)
    assert run.status == "failed"
    assert "refused to connect" in run.error and "169.254.169.254" in run.error
    source.refresh_from_db()
    assert "internal address" in source.last_error
    assert not CallRecord.objects.exists()


def test_plain_http_is_refused_for_hosts_that_are_not_test_hosts(settings):
    settings.PORTAL_OUTBOUND_TEST_HOSTS = []
    with FakeZadarma() as fake:  # a live server on 127.0.0.1, no longer exempt
        with pytest.raises(ConnectorError, match="only https"):
            request("GET", fake.url + "/v1/info/balance/")
        assert fake.requests == []  # refused before connecting


class Redirecting(FakeServer):
    def handle(self, method, path, query, headers, body):
        return 302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""


def test_a_redirect_is_not_followed():
    with Redirecting() as fake:
        with pytest.raises(ConnectorError, match="not followed"):
            request("GET", fake.url + "/v1/statistics/")
        assert fake.requests == [("GET", "/v1/statistics/")]  # one request, the redirect not followed
