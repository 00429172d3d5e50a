"""A small bulk job shaped like the portal's real ones (a job row first, claimed with a conditional
UPDATE and a lease, rows keyed naturally, batches atomic), for the fault-injection tests.

Test-only: the models live in the `core` label (it has no migrations, so the test database creates their
tables) and the worker process imports this module through tests/faults/worker_app.py.
"""

from __future__ import annotations

import datetime as dt
import time

from celery import shared_task
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

LEASE = dt.timedelta(seconds=3)


class SampleImport(models.Model):
    """Test-only: an import run of `total` generated rows."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"

    total = models.PositiveIntegerField()
    status = models.CharField(max_length=8, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True)

    class Meta:
        app_label = "core"
        db_table = "test_faults_sampleimport"

    def __str__(self) -> str:
        return f"import {self.pk}"


class SampleRow(models.Model):
    """Test-only: one imported row; (import, line) is its natural key."""

    job = models.ForeignKey(SampleImport, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    value = models.CharField(max_length=32)

    class Meta:
        app_label = "core"
        db_table = "test_faults_samplerow"
        constraints = [models.UniqueConstraint(fields=["job", "line"], name="core_samplerow_line_once")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.line}"


def _claim(job_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=SampleImport.Status.PENDING) | Q(
        status=SampleImport.Status.RUNNING, lease_until__lt=now
    )
    return (
        SampleImport.objects.filter(claimable, pk=job_id).update(
            status=SampleImport.Status.RUNNING, attempts=F("attempts") + 1, lease_until=now + LEASE
        )
        == 1
    )


@shared_task(bind=True, acks_late=True, max_retries=20, name="faults.sample_import")
def sample_import(self, job_id: int, batch: int = 2000, pause: float = 0.0) -> str:
    job = SampleImport.objects.get(pk=job_id)
    if job.status == SampleImport.Status.DONE:
        return "already done"
    if not _claim(job_id):
        # Someone holds the lease: come back when it would have expired (a crashed holder frees it).
        raise self.retry(countdown=LEASE.total_seconds())
    start = SampleRow.objects.filter(job_id=job_id).count()  # resume after a crash: rows are keyed
    for first in range(start, job.total, batch):
        last = min(first + batch, job.total)
        with transaction.atomic():
            SampleRow.objects.bulk_create(
                [SampleRow(job_id=job_id, line=i, value=f"row-{i}") for i in range(first, last)],
                ignore_conflicts=True,
            )
            SampleImport.objects.filter(pk=job_id).update(done_rows=last, lease_until=timezone.now() + LEASE)
        if pause:
            time.sleep(pause)
    SampleImport.objects.filter(pk=job_id).update(status=SampleImport.Status.DONE, lease_until=None)
    return "done"


@shared_task(name="faults.ping")
def ping(marker: str) -> str:
    return marker
