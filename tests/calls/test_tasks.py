"""Celery tasks (run eagerly here): retries of transient failures, scheduling, idempotence."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from apps.calls import services, tasks
from apps.calls.models import CallRecord, ImportRun, Source

from .conftest import master_line
from .factories import SourceFactory
from .fakes import FakeZadarma


def _zadarma(fake, **extra):
    source = Source(
        slug="zd", connector="zadarma", url=fake.url, login=fake.key, timezone="Europe/Moscow", **extra
    )
    source.secret = fake.secret
    source.settings = {"min_request_interval": 0}
    source.save()
    return source


@pytest.mark.django_db
def test_running_the_import_task_twice_leaves_the_same_state():
    run, _ = services.run_create_for_file(
        source=SourceFactory(), stream=io.BytesIO(master_line().encode()), name="m"
    )
    tasks.run_process.delay(run.pk)
    state = list(CallRecord.objects.values_list("external_id", "department_id"))
    tasks.run_process.delay(run.pk)
    run.refresh_from_db()
    assert list(CallRecord.objects.values_list("external_id", "department_id")) == state
    assert (run.status, run.attempts) == ("succeeded", 1)


@pytest.mark.django_db
def test_a_source_that_stays_down_is_retried_up_to_the_cap_then_fails(monkeypatch):
    countdowns = []
    original = tasks.run_process.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.run_process, "retry", spy)
    with FakeZadarma(stats=[], rate_window=0.01) as fake:
        fake.fail_after = 0  # every request answers 500
        source = _zadarma(fake)
        run = services.run_create_for_pull(source=source)
        # Run eagerly, Celery applies each retry at once (countdowns are recorded, not waited for).
        conf = tasks.run_process.app.conf
        conf.task_eager_propagates = False
        try:
            tasks.run_process.apply((run.pk,))
        finally:
            conf.task_eager_propagates = True
    run.refresh_from_db()
    assert run.status == "failed" and "gave up after 6 attempts" in run.error
    assert run.attempts == tasks.MAX_RETRIES + 1
    assert len(countdowns) == tasks.MAX_RETRIES
    assert all(0 <= c <= tasks.BACKOFF_MAX for c in countdowns)
    assert fake.served == 0 and len(fake.requests) == tasks.MAX_RETRIES + 1


@pytest.mark.django_db
def test_scheduler_pulls_a_due_source_once_per_interval():
    with FakeZadarma(stats=[], rate_window=0.01) as fake:
        source = _zadarma(fake, schedule_minutes=15)
        first = tasks.pull_due_sources.delay().get()
        second = tasks.pull_due_sources.delay().get()
    assert len(first) == 1 and second == []
    run = ImportRun.objects.get(pk=first[0])
    source.refresh_from_db()
    assert run.status == "succeeded" and source.watermark == run.window_end
    assert timezone.now() - source.last_pull_at < dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_scheduler_skips_disabled_and_file_only_sources():
    SourceFactory(slug="files", connector="asterisk_csv", schedule_minutes=5)
    with FakeZadarma(stats=[]) as fake:
        _zadarma(fake, schedule_minutes=5, enabled=False)
        assert services.sources_due_for_pull() == []
