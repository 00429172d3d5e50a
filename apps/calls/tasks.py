"""Async boundary: tasks take ids and call one service. Redelivery is harmless (runs are claimed
with a conditional update; calls are unique per source and external id)."""

from __future__ import annotations

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import services
from .connectors import ConnectorError, ConnectorUnavailable

MAX_RETRIES = 5
BACKOFF_FACTOR = 10  # seconds: 10, 20, 40, 80, 160 … with full jitter
BACKOFF_MAX = 600  # well below the broker's visibility timeout


@shared_task(
    bind=True,
    name="calls.run_process",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def run_process(self, run_id: int) -> None:
    try:
        services.run_process(run_id=run_id, retry_lost_database=True)
    except (ConnectorUnavailable, *services.DATABASE_LOST) as exc:  # a vendor or the database is away
        if self.request.retries >= MAX_RETRIES:
            services.run_fail(run_id=run_id, error=f"gave up after {MAX_RETRIES + 1} attempts: {exc}")
            return
        countdown = get_exponential_backoff_interval(
            BACKOFF_FACTOR, self.request.retries, BACKOFF_MAX, full_jitter=True
        )
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            countdown = max(countdown, min(retry_after, BACKOFF_MAX))
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="calls.pull_due_sources", acks_late=True)
def pull_due_sources() -> list[int]:
    run_ids = services.sources_due_for_pull()
    for run_id in run_ids:
        run_process.delay(run_id)
    for source_id in services.drop_sources_due():
        scan_drop_folder.delay(source_id)
    return run_ids


@shared_task(bind=True, name="calls.scan_drop_folder", acks_late=True, max_retries=MAX_RETRIES)
def scan_drop_folder(self, source_id: int) -> list[int]:
    """Import the new files of a source's drop folder or SFTP directory (a redelivered scan finds them
    moved or known). An SFTP server that is down or timing out is retried with backoff."""
    from .models import Source

    source = Source.objects.get(pk=source_id)
    try:
        return [run.pk for run in services.file_location_scan(source=source)]
    except ConnectorUnavailable as exc:
        Source.objects.filter(pk=source_id).update(last_error=f"temporarily unavailable: {exc}")
        if self.request.retries >= MAX_RETRIES:
            return []  # the next scheduled scan tries again; the source page says why
        countdown = get_exponential_backoff_interval(
            BACKOFF_FACTOR, self.request.retries, BACKOFF_MAX, full_jitter=True
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
    except ConnectorError as exc:
        Source.objects.filter(pk=source_id).update(last_error=str(exc))
        return []
