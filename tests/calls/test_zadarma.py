"""Zadarma pulls against a fake that enforces signatures, one-month windows, paging and 429."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.calls import services
from apps.calls.connectors import ConnectorUnavailable
from apps.calls.connectors.zadarma import zadarma_signature
from apps.calls.models import CallRecord, ImportRun, Source

from .fakes import FakeZadarma

UTC = dt.UTC
NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=UTC)


def _stats(n, *, first=dt.datetime(2025, 1, 20, 9, 0)):
    return [
        {
            "id": str(300000000 + i),
            "sip": "12345",
            "callstart": (first + dt.timedelta(minutes=37 * i)).strftime("%Y-%m-%d %H:%M:%S"),
            "from": "78432000001",
            "to": "79171234567",
            "description": "Russia, Mobile",
            "disposition": "answered" if i % 5 else "busy",
            "billseconds": 0 if i % 5 == 0 else 30 + i % 200,
            "cost": 2.5,
            "billcost": 0 if i % 5 == 0 else 1.25,
            "currency": "RUB",
        }
        for i in range(n)
    ]


def _source(fake, **settings):
    source = Source(
        slug="zadarma-main", connector="zadarma", url=fake.url, login=fake.key, timezone="Europe/Moscow"
    )
    source.secret = fake.secret
    source.settings = {"min_request_interval": 0, "first_pull_days": 80, **settings}
    source.save()
    return source


def _pull(source, now=NOW):
    run = services.run_create_for_pull(source=Source.objects.get(pk=source.pk), now=now)
    return services.run_process(run_id=run.pk)


def test_signature_is_base64_of_the_hex_hmac_of_path_query_and_md5():
    query, signature = zadarma_signature(
        "/v1/statistics/", {"start": "2025-03-01 00:00:00", "format": "json"}, "s"
    )
    assert query == "format=json&start=2025-03-01+00%3A00%3A00"
    assert len(signature) == 56  # 40 hex characters, base64-encoded


@pytest.mark.django_db
def test_pull_splits_the_period_into_months_pages_by_1000_and_stores_every_call():
    with FakeZadarma(stats=_stats(2600), rate_window=0.01) as fake:
        source = _source(fake)
        run = _pull(source)
    assert run.status == "succeeded", run.error
    assert CallRecord.objects.count() == 2600
    assert run.read == run.inserted + run.duplicates + run.rejected
    assert len(fake.windows) > 3  # 80 days → three windows, the busiest paged
    source.refresh_from_db()
    assert source.watermark == NOW
    call = CallRecord.objects.get(external_id="stat:300000001")
    assert (call.provider_cost, call.currency, call.direction, call.callee) == (
        1.25,
        "RUB",
        "out",
        "+79171234567",
    )
    assert call.started_at == dt.datetime(2025, 1, 20, 6, 37, tzinfo=UTC)


@pytest.mark.django_db
def test_overlapping_pull_re_fetches_and_adds_nothing_twice():
    with FakeZadarma(stats=_stats(300), rate_window=0.01) as fake:
        source = _source(fake)
        _pull(source, now=dt.datetime(2025, 1, 24, 12, 0, tzinfo=UTC))
        before = CallRecord.objects.count()
        second = _pull(source, now=dt.datetime(2025, 1, 30, 12, 0, tzinfo=UTC))
    assert second.duplicates > 0  # the hour of overlap was fetched again
    assert CallRecord.objects.count() == before + second.inserted
    assert CallRecord.objects.values("external_id").distinct().count() == CallRecord.objects.count()


@pytest.mark.django_db
def test_rate_limit_429_is_waited_out_and_the_pull_completes():
    # Five requests against 3 per 6 s: the fourth is refused with Retry-After and the client waits it out.
    with FakeZadarma(stats=_stats(2600), rate_window=6.0) as fake:
        source = _source(fake)
        run = _pull(source)
    assert fake.rate_limited >= 1
    assert run.status == "succeeded" and CallRecord.objects.count() == 2600


@pytest.mark.django_db
def test_a_pull_failing_half_way_keeps_the_watermark_and_the_retry_has_no_gaps_or_duplicates():
    with FakeZadarma(stats=_stats(2600), rate_window=0.01) as fake:
        source = _source(fake)
        run = services.run_create_for_pull(source=source, now=NOW)
        fake.fail_after = 2
        with pytest.raises(ConnectorUnavailable):
            services.run_process(run_id=run.pk)
        run.refresh_from_db()
        source.refresh_from_db()
        assert run.status == ImportRun.Status.PENDING and "will retry" in run.error
        assert source.watermark is None
        assert 0 < CallRecord.objects.count() < 2600  # the pages before the failure are kept
        fake.fail_after = None
        run = services.run_process(run_id=run.pk)  # the Celery retry does exactly this
    assert run.status == "succeeded" and run.attempts == 2
    assert CallRecord.objects.count() == 2600
    source.refresh_from_db()
    assert source.watermark == NOW


@pytest.mark.django_db
def test_a_wrong_secret_fails_permanently_and_shows_on_the_source():
    with FakeZadarma(stats=_stats(3)) as fake:
        source = _source(fake)
        source.secret = "not-the-secret"
        source.save()
        run = _pull(source)
    assert run.status == "failed" and "HTTP 401" in run.error
    source.refresh_from_db()
    assert "credential invalid" in source.last_error and source.watermark is None


@pytest.mark.django_db
def test_pbx_statistics_give_extensions_direction_and_call_group():
    pbx = [
        {"call_id": "1741000502.1", "sip": "101", "callstart": "2025-03-03 10:15:02", "clid": "79171234567",
         "destination": "78432000001", "disposition": "answered", "seconds": 95, "is_recorded": False,
         "pbx_call_id": "in_ae6b01", "call_type": "in"},
        {"call_id": "1741000600.2", "sip": "102", "callstart": "2025-03-03 10:20:00", "clid": "102",
         "destination": "79270000000", "disposition": "no answer", "seconds": 20, "is_recorded": False,
         "pbx_call_id": "out_77aa", "call_type": "out"},
    ]  # fmt: skip
    with FakeZadarma(pbx=pbx, rate_window=0.01) as fake:
        run = _pull(_source(fake, method="pbx"), now=dt.datetime(2025, 3, 4, tzinfo=UTC))
    assert run.inserted == 2, run.error
    incoming = CallRecord.objects.get(external_id="pbx:1741000502.1")
    assert (incoming.direction, incoming.extension, incoming.call_group_id) == ("in", "101", "in_ae6b01")
    missed = CallRecord.objects.get(external_id="pbx:1741000600.2")
    assert (missed.direction, missed.disposition, missed.billsec) == ("out", "no_answer", 0)
