"""Faults injected into real services: a worker SIGKILLed in the middle of a 100 000-row import, ten
deliveries of one import at once, Redis crashing under the web and under a worker."""

from __future__ import annotations

import time

import pytest
from django.db.models import Count
from django.urls import reverse

from tests.access.matrix import all_routes

from .conftest import wait_for
from .jobs import SampleImport, SampleRow, ping, sample_import

ROWS = 100_000
pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _no_row_lost_or_doubled(job: SampleImport) -> None:
    job.refresh_from_db()
    assert job.status == SampleImport.Status.DONE
    assert SampleRow.objects.filter(job=job).count() == job.total  # 0 lost
    doubled = SampleRow.objects.filter(job=job).values("line").annotate(n=Count("id")).filter(n__gt=1)
    assert not doubled.exists()  # 0 duplicates (the unique key would refuse them anyway)
    assert sorted(SampleRow.objects.filter(job=job).values_list("line", flat=True))[-1] == job.total - 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_import_is_redelivered_and_loses_or_doubles_nothing(
    postgres_only, shared_redis, worker, send
):
    job = SampleImport.objects.create(total=ROWS)
    w = worker(shared_redis, concurrency=1)
    send(sample_import, job.pk, 2000, 0.05, broker_url=shared_redis)
    wait_for(lambda: SampleImport.objects.get(pk=job.pk).done_rows >= ROWS // 3, timeout=60, what="a third")
    [child] = w.children()
    w.kill_child(child)  # SIGKILL mid-batch: acks_late + reject_on_worker_lost → the message is requeued

    wait_for(lambda: SampleImport.objects.get(pk=job.pk).status == "done", timeout=120, what="the redelivery")
    _no_row_lost_or_doubled(job)
    job.refresh_from_db()
    assert job.attempts == 2
    assert "WorkerLostError" in w.text() or "SIGKILL" in w.text()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_import_leaves_the_message_for_the_next_worker(
    postgres_only, shared_redis, worker, send
):
    job = SampleImport.objects.create(total=ROWS)
    first = worker(shared_redis, concurrency=1)
    send(sample_import, job.pk, 2000, 0.05, broker_url=shared_redis)
    wait_for(lambda: SampleImport.objects.get(pk=job.pk).done_rows >= ROWS // 3, timeout=60, what="a third")
    first.kill_all()  # the machine dies: nobody acks, nobody rejects
    stopped_at = SampleImport.objects.get(pk=job.pk).done_rows
    assert stopped_at < ROWS

    worker(shared_redis, concurrency=1)  # unacked messages come back after the visibility timeout
    wait_for(
        lambda: SampleImport.objects.get(pk=job.pk).status == "done", timeout=120, what="the next worker"
    )
    _no_row_lost_or_doubled(job)
    job.refresh_from_db()
    assert job.attempts == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_import_fired_ten_times_at_once_runs_once(postgres_only, shared_redis, worker, send):
    job = SampleImport.objects.create(total=20_000)
    w = worker(shared_redis, concurrency=4)
    for _ in range(10):
        send(sample_import, job.pk, 1000, 0.05, broker_url=shared_redis)
    wait_for(lambda: SampleImport.objects.get(pk=job.pk).status == "done", timeout=120, what="the import")
    # the nine others either found it running (and retried later) or found it done
    wait_for(lambda: w.text().count("already done") >= 9, timeout=60, what="the nine duplicates to finish")
    _no_row_lost_or_doubled(job)
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db
def test_the_web_keeps_answering_while_redis_is_down(private_redis, settings, client_as, api_as):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": private_redis.url}}  # fmt: skip
    settings.CELERY_BROKER_URL = private_redis.url
    private_redis.stop()
    answered = 0
    for route in all_routes().values():
        if route.skip:
            continue
        url = reverse(route.name, kwargs=route.kwargs() if route.kwargs else {}) + (route.query or "")
        client = api_as("admin") if route.kind == "api" else client_as("admin")
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code} with Redis down"
        answered += 1
    assert answered > 20


@pytest.mark.django_db(transaction=True)
def test_a_worker_consumes_again_after_redis_crashes_and_returns(private_redis, worker, send):
    w = worker(private_redis.url, concurrency=1)
    send(ping, "before", broker_url=private_redis.url)
    wait_for(lambda: "'before'" in w.text(), timeout=30, what="the first ping")

    private_redis.stop()
    time.sleep(3)
    private_redis.start()
    send(ping, "after", broker_url=private_redis.url)
    wait_for(lambda: "'after'" in w.text(), timeout=60, what="the worker to reconnect and consume")
    assert private_redis.stops == 1
