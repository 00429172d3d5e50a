"""Calls in: creating runs, processing them (parse → validate → dedupe → attribute → store) and pulls.

Every import or pull is an ImportRun row first. Processing claims the row with a conditional UPDATE
(pending → running), so a run enqueued twice, or picked by two workers, is processed once. Rows are
stored in batches, each batch in its own transaction together with the run's counters and quarantined
rows; an API pull advances the source's watermark in the transaction of its last page only, so a pull
that fails half-way leaves the watermark where it was and the retry re-fetches (adding nothing twice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .attribution import Attributor
from .connectors import ConnectorError, ConnectorUnavailable, get_connector
from .connectors.base import CallRow, Context, Rejected
from .models import ImportRun, QuarantinedRow, Source
from .store import insert_batch

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
# The database went away under a run (a restart, a failover, a terminated backend): the batch in flight
# was rolled back with the connection, so the run is put back to pending and the task retries it.
DATABASE_LOST = (OperationalError, InterfaceError)
DATABASE_WAIT = 60  # seconds a lost run waits for the database to come back to put itself back
FIRST_PULL_DAYS = 7
ProgressCallback = Callable[[ImportRun], None]


# ------------------------------------------------------------------------------------------ sources


@transaction.atomic
def source_ensure(*, slug: str, connector: str | None = None, timezone_name: str | None = None) -> Source:
    """The source named `slug`; created as a file source with that format and PBX time zone if new."""
    source = Source.objects.filter(slug=slug).first()
    if source is not None:
        if connector and connector != source.connector:
            raise ValidationError(
                f"source {slug!r} reads {source.connector}, not {connector}; use another --source for it"
            )
        return source
    if not connector:
        raise ValidationError(f"there is no source {slug!r}; give --format to create it")
    get_connector(connector)
    source = Source(slug=slug, name=slug, connector=connector)
    if timezone_name:
        source.timezone = timezone_name
    source.full_clean()
    source.save()
    return source


def connector_for(source: Source, slug: str | None = None):
    cls = get_connector(slug or source.connector)
    from apps.telecom.models import Line

    trunks = frozenset(Line.objects.exclude(trunk_id="").values_list("trunk_id", flat=True))
    context = Context(timezone=source.timezone, trunks=trunks, settings=dict(source.settings or {}))
    return cls(context, source=source)


# --------------------------------------------------------------------------------------------- runs


def file_sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def run_create_for_file(
    *,
    source: Source,
    stream: IO[bytes],
    name: str,
    user=None,
    store: bool = True,
    connector: str | None = None,
) -> tuple[ImportRun, bool]:
    """A pending run for this file, or the run that already imported the same bytes (created=False).

    `store=False` keeps only the name (the command line reads the file where it is, no copy).
    A file whose earlier run failed is queued again on the same row.
    """
    sha, size = file_sha256(stream)
    existing = ImportRun.objects.select_for_update().filter(source=source, file_sha256=sha).first()
    if existing is not None:
        if existing.status != ImportRun.Status.FAILED:
            return existing, False
        existing.status = ImportRun.Status.PENDING
        existing.error = ""
        existing.file_name = name[:300]
        existing.connector = connector or source.connector  # the source may have been fixed since
        if store and not existing.file:  # first tried from the command line, now uploaded
            existing.file.save(Path(name).name or "upload", File(stream), save=False)
        existing.save(update_fields=["status", "error", "file_name", "connector", "file", "updated_at"])
        return existing, True
    run = ImportRun(
        source=source,
        kind=ImportRun.Kind.FILE,
        connector=connector or source.connector,
        file_name=name[:300],
        file_sha256=sha,
        bytes_total=size,
        created_by=user if getattr(user, "pk", None) else None,
    )
    if store:
        run.file.save(Path(name).name or "upload", File(stream), save=False)
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:  # the same file, uploaded at the same moment by someone else
        return ImportRun.objects.get(source=source, file_sha256=sha), False
    return run, True


def run_create_for_pull(*, source: Source, now: dt.datetime | None = None, user=None) -> ImportRun:
    now = now or timezone.now()
    if source.watermark is not None:
        start = source.watermark - dt.timedelta(minutes=source.overlap_minutes)
    else:
        start = now - dt.timedelta(days=int(source.settings.get("first_pull_days", FIRST_PULL_DAYS)))
    return ImportRun.objects.create(
        source=source,
        kind=ImportRun.Kind.PULL,
        connector=source.connector,
        window_start=start,
        window_end=now,
        created_by=user if getattr(user, "pk", None) else None,
    )


def run_claim(*, run_id: int) -> bool:
    """pending → running, atomically; False when another worker has it or it is finished."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.PENDING).update(
        status=ImportRun.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        read=0,
        inserted=0,
        duplicates=0,
        rejected=0,
        bytes_done=0,
        error="",
    )
    return claimed == 1


def run_process(
    *, run_id: int, path: str | Path | None = None, progress: ProgressCallback | None = None
) -> ImportRun:
    """Process one run if this caller can claim it. ConnectorUnavailable is re-raised (for a retry)
    after putting the run back to pending; every other failure marks the run failed."""
    if not run_claim(run_id=run_id):
        return ImportRun.objects.get(pk=run_id)
    run = ImportRun.objects.select_related("source").get(pk=run_id)
    QuarantinedRow.objects.filter(run=run).delete()  # a re-claimed run starts its report afresh
    try:
        if run.kind == ImportRun.Kind.PULL:
            _process_pull(run, progress)
        else:
            _process_file(run, path, progress)
    except ConnectorUnavailable as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.PENDING, error=f"will retry: {exc}"
        )
        Source.objects.filter(pk=run.source_id).update(last_error=f"temporarily unavailable: {exc}")
        raise
    except DATABASE_LOST as exc:
        _release_after_lost_connection(run, exc)
        raise RunInterrupted(f"database connection lost: {exc}".strip()) from exc
    except (ConnectorError, ValidationError, OSError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        _finish(run, ImportRun.Status.FAILED, message)
        return ImportRun.objects.get(pk=run.pk)
    except Exception as exc:
        _finish(run, ImportRun.Status.FAILED, f"internal error: {exc.__class__.__name__}: {exc}")
        raise
    _finish(run, ImportRun.Status.SUCCEEDED, "")
    return ImportRun.objects.get(pk=run.pk)


class RunInterrupted(ConnectorUnavailable):
    """The run lost its database connection and is pending again: retry it like an unavailable vendor."""


def _release_after_lost_connection(run: ImportRun, exc: Exception) -> None:
    """running → pending on a fresh connection (only the attempt this worker claimed), waiting up to
    DATABASE_WAIT seconds for the database to answer again."""
    deadline = time.monotonic() + DATABASE_WAIT
    while True:
        try:
            if not connection.in_atomic_block:
                connection.close()  # the broken one; the next query opens a new connection
            ImportRun.objects.filter(
                pk=run.pk, status=ImportRun.Status.RUNNING, attempts=run.attempts
            ).update(
                status=ImportRun.Status.PENDING, error=f"will retry: database connection lost: {exc}"[:2000]
            )
            return
        except DATABASE_LOST:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def run_fail(*, run_id: int, error: str) -> None:
    """Give up on a run (retries exhausted)."""
    run = ImportRun.objects.get(pk=run_id)
    _finish(run, ImportRun.Status.FAILED, error)


def _finish(run: ImportRun, status: str, error: str) -> None:
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=now)
    source_update = {"last_error": error if status == ImportRun.Status.FAILED else ""}
    if run.kind == ImportRun.Kind.PULL:
        source_update["last_pull_at"] = now
    Source.objects.filter(pk=run.source_id).update(**source_update)


def _process_file(run: ImportRun, path, progress) -> None:
    connector = connector_for(run.source, run.connector)
    if path is not None:
        handle = open(path, "rb")  # noqa: SIM115 — closed in the finally below
    elif run.file:
        handle = run.file.open("rb")
    else:
        raise ConnectorError(f"run #{run.pk} has no file to read")
    try:
        writer = BatchWriter(run, attributor=_attributor(run.source), progress=progress)
        writer.write(connector.read_file(handle), bytes_read=lambda: connector.bytes_read)
    finally:
        handle.close()


def _process_pull(run: ImportRun, progress) -> None:
    connector = connector_for(run.source, run.connector)
    writer = BatchWriter(run, attributor=_attributor(run.source), progress=progress)
    pages = iter(connector.pull(start=run.window_start, end=run.window_end))
    page = next(pages, None)
    if page is None:  # nothing in the window: it has still been read
        Source.objects.filter(pk=run.source_id).update(watermark=run.window_end)
    while page is not None:
        following = next(pages, None)
        if following is None:
            # The last page: its rows and the new watermark commit together.
            writer.write_page(page, watermark=(run.source_id, run.window_end))
        else:
            writer.write_page(page)
        page = following


def _attributor(source: Source) -> Attributor:
    return Attributor(timezone=source.timezone, pbx_account_id=source.pbx_account_id)


class BatchWriter:
    """Validates, de-duplicates, attributes and stores rows in batches, counting everything."""

    def __init__(self, run: ImportRun, *, attributor: Attributor, progress: ProgressCallback | None = None):
        self.run = run
        self.attributor = attributor
        self.progress = progress

    def write(
        self, items: Iterable[CallRow | Rejected], *, bytes_read: Callable[[], int] = lambda: 0
    ) -> None:
        for batch in _batches(items, BATCH_SIZE):
            self._store(batch, bytes_done=bytes_read())

    def write_page(
        self, items: list[CallRow | Rejected], *, watermark: tuple[int, dt.datetime] | None = None
    ):
        self._store(items, bytes_done=None, watermark=watermark)

    def _store(self, items, *, bytes_done: int | None, watermark=None) -> None:
        run = self.run
        rows: dict[str, tuple] = {}
        rejected: list[QuarantinedRow] = []
        read = duplicates = 0
        attribute = self.attributor.department_id
        number_id = self.attributor.number_id
        line_id = self.attributor.line_id
        for item in items:
            read += 1
            if isinstance(item, Rejected):
                rejected.append(
                    QuarantinedRow(run=run, line=item.line, reason=item.reason[:2000], raw=item.raw)
                )
                continue
            key = item.external_id
            if key in rows:
                duplicates += 1
                continue
            our_number_id = number_id(item.our_number)
            rows[key] = (
                run.source_id,
                key,
                item.call_group_id,
                item.started_at,
                item.answered_at,
                item.ended_at,
                item.duration,
                item.billsec,
                item.direction,
                item.caller,
                item.callee,
                our_number_id,
                item.extension,
                line_id(item.trunk),
                item.trunk,
                item.disposition,
                item.raw_disposition,
                item.provider_cost,
                item.currency,
                attribute(item.started_at, item.extension, our_number_id),
                run.pk,
                item.raw_text or json.dumps(item.raw, ensure_ascii=False, default=str),
            )
        with transaction.atomic():
            inserted = insert_batch(list(rows.values()))
            duplicates += len(rows) - inserted
            if rejected:
                QuarantinedRow.objects.bulk_create(rejected, batch_size=1000)
            update = {
                "read": F("read") + read,
                "inserted": F("inserted") + inserted,
                "duplicates": F("duplicates") + duplicates,
                "rejected": F("rejected") + len(rejected),
            }
            if bytes_done is not None and run.bytes_total:
                update["bytes_done"] = min(bytes_done, run.bytes_total)
            ImportRun.objects.filter(pk=run.pk).update(**update)
            if watermark is not None:
                source_id, moment = watermark
                Source.objects.filter(pk=source_id).update(watermark=moment)
        if self.progress is not None:
            run.refresh_from_db(fields=["read", "inserted", "duplicates", "rejected", "bytes_done"])
            self.progress(run)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ------------------------------------------------------------------------------------------- pushes


def push_receive(*, source: Source, body: bytes, content_type: str = "") -> tuple[ImportRun, int, str]:
    """Store one pushed CDR (FreeSWITCH mod_json_cdr) in the source's push run of the day.

    Returns (run, inserted 0/1, rejection reason or ""). A rejected push is quarantined, not lost;
    a repeated push (same uuid) is counted as a duplicate and adds nothing.
    """
    from .connectors.base import RowInvalid
    from .connectors.freeswitch_json import decode_body

    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        run, _ = ImportRun.objects.get_or_create(
            source=source,
            kind=ImportRun.Kind.PUSH,
            window_start=today,
            defaults={
                "connector": source.connector,
                "status": ImportRun.Status.SUCCEEDED,
                "file_name": f"pushes of {today:%Y-%m-%d}",
                "window_end": today + dt.timedelta(days=1),
                "started_at": timezone.now(),
            },
        )
    connector = connector_for(source)
    try:
        item: CallRow | Rejected = connector.document_row(decode_body(body, content_type))
    except RowInvalid as exc:
        item = Rejected(1, exc.messages[0], body.decode("utf-8", "replace")[:20000])
    before = run.inserted
    BatchWriter(run, attributor=_attributor(source)).write_page([item])
    run.refresh_from_db()
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    return run, run.inserted - before, item.reason if isinstance(item, Rejected) else ""


# -------------------------------------------------------------------------------------- scheduling


def sources_due_for_pull(*, now: dt.datetime | None = None) -> list[int]:
    """Pending pull runs created for every enabled, scheduled source whose interval has passed and
    which has no pull pending or running; returns the new run ids."""
    now = now or timezone.now()
    created = []
    busy = set(
        ImportRun.objects.filter(
            kind=ImportRun.Kind.PULL, status__in=[ImportRun.Status.PENDING, ImportRun.Status.RUNNING]
        ).values_list("source_id", flat=True)
    )
    for source in Source.objects.enabled().filter(schedule_minutes__isnull=False):
        if source.pk in busy or not get_connector(source.connector).can_pull:
            continue
        if source.last_pull_at and now - source.last_pull_at < dt.timedelta(minutes=source.schedule_minutes):
            continue
        created.append(run_create_for_pull(source=source, now=now).pk)
    return created


def run_summary(run: ImportRun, *, max_errors: int = 1000) -> dict:
    """The machine-readable summary of a run, as `import_calls --json` prints it."""
    errors = [
        {"line": line, "reason": reason}
        for line, reason in run.quarantined.order_by("line").values_list("line", "reason")[:max_errors]
    ]
    if run.status == ImportRun.Status.FAILED and run.error:
        errors.append({"line": 0, "reason": run.error})
    return {
        "read": run.read,
        "inserted": run.inserted,
        "duplicates": run.duplicates,
        "rejected": run.rejected,
        "errors": errors,
    }
