"""Faults injected into real API pulls (apps.calls): a real Celery worker pulls from the fake Zadarma
server of tests/calls (signatures, paging, windows enforced) into the test PostgreSQL database.

- the database drops every connection in the middle of a pull (what a PostgreSQL restart does to its
  clients) → the pull retries and completes, no partial batch is ever visible;
- the same pull is delivered ten times at once → one delivery runs it, the vendor is asked once;
- Redis crashes during a pull and stays away for a while → the running pull finishes, and pulls are
  scheduled and run again once Redis is back.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg2
import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from apps.calls import tasks
from apps.calls.models import CallRecord, ImportRun, Source
from tests.calls.fakes import FakeZadarma

from .conftest import PAGE, wait_for, zadarma_stats

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.postgres]


def _source(fake: FakeZadarma, **fields) -> Source:
    source = Source(
        slug="zadarma-faults",
        connector="zadarma",
        url=fake.url,
        login=fake.key,
        timezone="Europe/Moscow",
        **fields,
    )
    source.secret = fake.secret
    source.settings = {"min_request_interval": 0, "first_pull_days": 2}
    source.save()
    return source


def _pull(source: Source) -> ImportRun:
    from apps.calls import services

    return services.run_create_for_pull(source=Source.objects.get(pk=source.pk))


def _stored(source: Source) -> int:
    return CallRecord.objects.filter(source=source).count()


def _exactly_once(source: Source, expected_ids: list[str]) -> None:
    stored = [
        key.removeprefix("stat:")  # the connector keys statistics rows by kind
        for key in CallRecord.objects.filter(source=source).values_list("external_id", flat=True)
    ]
    assert len(stored) == len(expected_ids), f"{len(stored)} stored, {len(expected_ids)} at the vendor"
    assert sorted(stored) == sorted(expected_ids)  # 0 lost, 0 doubled
    doubled = CallRecord.objects.filter(source=source).values("external_id").annotate(n=Count("id"))
    assert not doubled.filter(n__gt=1).exists()


def _admin_connection():
    """A connection of the test's own to the test database, outside Django (it survives the purge)."""
    db = connection.settings_dict
    raw = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )
    return raw


def _terminate_every_other_backend(raw) -> int:
    """What a PostgreSQL restart does to its clients: every session on the database is cut."""
    with raw.cursor() as cur:
        cur.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cur.fetchone()[0]


def _lock_waiters(raw) -> int:
    with raw.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cur.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_database_connections_cut_in_the_middle_of_a_pull_the_pull_retries_and_leaves_no_partial_batch(
    postgres_only, shared_redis, worker, send, vendor
):
    """Four pages (1000, 1000, 1000, 500). The pull stores a page when it holds the next one; the last
    page commits with the watermark. The connections are cut while the worker is *inside* the
    transaction of page 2 (its rows inserted, the run's counters not yet): page 2 must vanish whole,
    page 1 must stay, the watermark must not move, and the retry must finish with every call once."""
    now = timezone.now()
    vendor.stats = zadarma_stats(3 * PAGE + 500, first=now - dt.timedelta(hours=20))
    ids = [item["id"] for item in vendor.stats]
    source = _source(vendor)
    run = _pull(source)
    page3_arrived, page3_release = vendor.hold(2)  # attempt 1 asks for page 3 holding page 2 unwritten
    retry_arrived, retry_release = vendor.hold(3)  # the retry's first request
    w = worker(shared_redis, concurrency=1)
    send(tasks.run_process, run.pk, broker_url=shared_redis)

    assert page3_arrived.wait(60), w.text()
    assert _stored(source) == PAGE  # page 1 committed

    raw = _admin_connection()
    try:
        with raw.cursor() as cur:  # hold the run's row: page 2's transaction will wait on it, mid-way
            cur.execute("SELECT id FROM calls_importrun WHERE id = %s FOR UPDATE", [run.pk])
        page3_release.set()
        wait_for(lambda: _lock_waiters(raw) == 1, timeout=30, what="the worker inside page 2's transaction")
        cut = _terminate_every_other_backend(raw)  # the worker's (and this test's Django) connections
        raw.rollback()
    finally:
        raw.close()
    connection.close()  # ours was cut too; reconnect
    assert cut >= 1

    # The retry has claimed the run again and is held at its first request: look at what is stored.
    assert retry_arrived.wait(60), w.text()
    assert _stored(source) == PAGE  # page 2's inserted rows went with the transaction: no partial batch
    held = ImportRun.objects.get(pk=run.pk)
    assert (held.status, held.attempts) == (ImportRun.Status.RUNNING, 2)
    assert Source.objects.get(pk=source.pk).watermark is None  # the watermark did not move
    retry_release.set()

    wait_for(lambda: ImportRun.objects.get(pk=run.pk).status != "running", timeout=90, what="the retry")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED, (run.error, w.text())
    assert (run.attempts, run.read, run.inserted, run.duplicates) == (2, 3500, 2500, 1000)
    _exactly_once(source, ids)
    assert Source.objects.get(pk=source.pk).watermark == run.window_end
    assert "database connection lost" in w.text() or "terminating connection" in w.text()
    assert len(vendor.requests) == 3 + 4  # pages 1-3, then the four pages again


@pytest.mark.django_db(transaction=True)
def test_the_same_pull_fired_ten_times_at_once_runs_once(postgres_only, shared_redis, worker, send, vendor):
    now = timezone.now()
    vendor.stats = zadarma_stats(2 * PAGE + 300, first=now - dt.timedelta(hours=10))
    vendor.delay = 0.2  # slow pages, so the ten deliveries overlap the one that runs
    source = _source(vendor)
    run = _pull(source)
    w = worker(shared_redis, concurrency=4)
    for _ in range(10):
        send(tasks.run_process, run.pk, broker_url=shared_redis)

    wait_for(lambda: w.text().count("succeeded in") >= 10, timeout=90, what="the ten deliveries")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    assert (run.attempts, run.read, run.inserted, run.duplicates) == (1, 2300, 2300, 0)
    _exactly_once(source, [item["id"] for item in vendor.stats])
    assert len(vendor.requests) == 3  # the vendor was asked for the three pages once


@pytest.mark.django_db(transaction=True)
def test_pulls_resume_after_redis_crashes_and_comes_back(postgres_only, private_redis, worker, send, vendor):
    now = timezone.now()
    vendor.stats = zadarma_stats(PAGE + 200, first=now - dt.timedelta(hours=5))
    source = _source(vendor, schedule_minutes=15)
    first = _pull(source)
    page2_arrived, page2_release = vendor.hold(1)
    w = worker(private_redis.url, concurrency=1, default_queue=True)  # the beat task enqueues there
    send(tasks.run_process, first.pk, broker_url=private_redis.url)
    assert page2_arrived.wait(60), w.text()

    private_redis.stop()  # broker (and result backend) crash in the middle of the pull
    page2_release.set()
    wait_for(
        lambda: ImportRun.objects.get(pk=first.pk).status == "succeeded", timeout=60, what="the running pull"
    )
    with pytest.raises(Exception):  # noqa: B017 — whatever kombu raises: the beat cannot enqueue now
        send(tasks.pull_due_sources, broker_url=private_redis.url)

    # Late records reach the vendor while Redis is away (inside the next pull's overlap window).
    window_end = ImportRun.objects.get(pk=first.pk).window_end
    vendor.stats += zadarma_stats(
        300, first=window_end - dt.timedelta(minutes=10), step=1, start_id=600_000_000
    )
    time.sleep(3)
    private_redis.start()
    Source.objects.filter(pk=source.pk).update(last_pull_at=timezone.now() - dt.timedelta(hours=1))

    send(tasks.pull_due_sources, broker_url=private_redis.url)  # the beat's next tick
    wait_for(
        lambda: ImportRun.objects.filter(source=source, status="succeeded").count() == 2,
        timeout=90,
        what="the next pull after Redis came back",
    )
    second = ImportRun.objects.filter(source=source).exclude(pk=first.pk).get()
    assert (second.kind, second.inserted) == (ImportRun.Kind.PULL, 300), second.error
    _exactly_once(source, [item["id"] for item in vendor.stats])
    assert private_redis.stops == 1


@pytest.mark.django_db(transaction=True)
def test_a_command_line_pull_whose_database_connections_are_cut_fails_cleanly(postgres_only, vendor):
    """Without a task to retry it (pull_calls, import_calls), the run is marked failed on a new
    connection — never left running — and nothing of the batch in flight is stored."""
    from django.db import InterfaceError, OperationalError

    from apps.calls import services

    now = timezone.now()
    vendor.stats = zadarma_stats(2 * PAGE + 500, first=now - dt.timedelta(hours=8))
    source = _source(vendor)
    run = _pull(source)
    arrived, release = vendor.hold(2)  # page 1 stored, page 2 in hand

    def cut_when_held():
        if arrived.wait(60):
            raw = _admin_connection()
            try:
                _terminate_every_other_backend(raw)  # this test's own (the pull's) connection
            finally:
                raw.close()
        release.set()

    cutter = threading.Thread(target=cut_when_held)
    cutter.start()
    with pytest.raises((OperationalError, InterfaceError)):
        services.run_process(run_id=run.pk)
    cutter.join(10)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.error.startswith("database connection lost")
    assert _stored(source) == PAGE
    assert Source.objects.get(pk=source.pk).watermark is None
