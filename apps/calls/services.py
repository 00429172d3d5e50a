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
import io
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
from .store import copy_streaming, csv_writer, insert_batch

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
# Rows per transaction when a file is streamed into PostgreSQL (its text is kept for a possible replay:
# about 10 MB at this size, whatever the file's size).
STREAM_BATCH_SIZE = 20000
CHUNK_CHARS = 1 << 16
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
    *,
    run_id: int,
    path: str | Path | None = None,
    progress: ProgressCallback | None = None,
    retry_lost_database: bool = False,
) -> ImportRun:
    """Process one run if this caller can claim it. ConnectorUnavailable is re-raised (for a retry)
    after putting the run back to pending; every other failure marks the run failed. A lost database
    connection fails the run too, unless the caller retries (`retry_lost_database`, the Celery task):
    then the run goes back to pending and RunInterrupted is raised."""
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
        _after_lost_connection(run, exc, retry=retry_lost_database)
        if not retry_lost_database:
            raise
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


def _after_lost_connection(run: ImportRun, exc: Exception, *, retry: bool) -> None:
    """On a fresh connection, waiting up to DATABASE_WAIT seconds for the database to answer again:
    running → pending (only the attempt this worker claimed) for a retry, else → failed."""
    deadline = time.monotonic() + DATABASE_WAIT
    while True:
        try:
            if not connection.in_atomic_block:
                connection.close()  # the broken one; the next query opens a new connection
            if not retry:
                _finish(run, ImportRun.Status.FAILED, f"database connection lost: {exc}"[:2000])
                return
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
        attributor = _attributor(run.source)
        writer = BatchWriter(run, attributor=attributor, progress=progress)
        copy_lines = getattr(connector, "copy_lines", None)
        if copy_lines is not None and connection.vendor == "postgresql":
            # The connector writes most rows' COPY lines itself (Master.csv: asterisk_csv.MasterCopyLines).
            items = copy_lines(handle, attributor=attributor, source_id=run.source_id, run_id=run.pk)
        else:
            items = connector.read_file(handle)
        writer.write(
            items,
            bytes_read=lambda: connector.bytes_read,
            parses_without_queries=connector.parses_without_queries,
        )
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
        self,
        items: Iterable[CallRow | Rejected],
        *,
        bytes_read: Callable[[], int] = lambda: 0,
        parses_without_queries: bool = False,
    ) -> None:
        """Store a file's rows. On PostgreSQL they are streamed into COPY while being parsed when the
        connector promises not to query the database while parsing (a query cannot run on a
        connection in the middle of a COPY); otherwise each batch is parsed first, then streamed."""
        if connection.vendor != "postgresql":
            for batch in _batches(items, BATCH_SIZE):
                self._store(batch, bytes_done=bytes_read())
            return
        if parses_without_queries:
            feeds: Iterable[tuple[Iterator, int]] = [(iter(items), STREAM_BATCH_SIZE)]
        else:
            feeds = ((iter(batch), len(batch)) for batch in _batches(items, BATCH_SIZE))
        for feed, limit in feeds:
            while True:
                batch = _StreamBatch(self, feed, limit=limit)
                with transaction.atomic():
                    inserted = copy_streaming(batch)
                    duplicates = batch.duplicates + batch.stored - inserted
                    self._count(batch.count, inserted, duplicates, batch.rejected, bytes_done=bytes_read())
                self._report()
                if batch.exhausted or not parses_without_queries:
                    break

    def write_page(
        self, items: list[CallRow | Rejected], *, watermark: tuple[int, dt.datetime] | None = None
    ):
        self._store(items, bytes_done=None, watermark=watermark)

    def _store(self, items, *, bytes_done: int | None, watermark=None) -> None:
        run = self.run
        rows: dict[str, tuple] = {}
        rejected: list[QuarantinedRow] = []
        read = duplicates = 0
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
            rows[key] = record_row(item, self.attributor, source_id=run.source_id, run_id=run.pk)
        with transaction.atomic():
            inserted = insert_batch(list(rows.values()))
            self._count(read, inserted, duplicates + len(rows) - inserted, rejected, bytes_done=bytes_done)
            if watermark is not None:
                source_id, moment = watermark
                Source.objects.filter(pk=source_id).update(watermark=moment)
        self._report()

    def _count(self, read: int, inserted: int, duplicates: int, rejected: list, *, bytes_done) -> None:
        """The run's counters and quarantined rows, in the caller's transaction (with the rows)."""
        run = self.run
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

    def _report(self) -> None:
        if self.progress is not None:
            self.run.refresh_from_db(fields=["read", "inserted", "duplicates", "rejected", "bytes_done"])
            self.progress(self.run)


def record_row(item: CallRow, attributor: Attributor, *, source_id: int, run_id: int) -> tuple:
    """One call as a `calls_callrecord` row in `store.COLUMNS` order (both store paths use it): numbers and
    trunk resolved to ids, the department attributed at call time, the raw record kept for re-processing."""
    our_number_id = attributor.number_id(item.our_number)
    return (
        source_id,
        item.external_id,
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
        attributor.line_id(item.trunk),
        item.trunk,
        item.disposition,
        item.raw_disposition,
        item.provider_cost,
        item.currency,
        attributor.department_id(item.started_at, item.extension, our_number_id),
        run_id,
        item.raw_text or json.dumps(item.raw, ensure_ascii=False, default=str),
    )


class _StreamBatch:
    """Up to `limit` items of a file, turned into COPY text as PostgreSQL asks for it (`read`), so
    parsing here and indexing on the server run at the same time. Counts what it read, keeps the
    rejected rows for quarantine, skips repeats within the batch, and keeps its text for `replay`.
    Items are CallRows, Rejected rows, or (external id, COPY line) pairs a connector wrote itself."""

    def __init__(self, writer: BatchWriter, items: Iterator, *, limit: int):
        self.items = items
        self.limit = limit
        self.run = writer.run
        self.attributor = writer.attributor
        self.count = self.duplicates = self.stored = 0
        self.rejected: list[QuarantinedRow] = []
        self.exhausted = False
        self.failure: BaseException | None = None
        self.seen: set[str] = set()
        self.chunks: list[str] = []
        self.buffer = io.StringIO()
        self.writer = csv_writer(self.buffer)

    def read(self, size: int = -1) -> str:
        if self.exhausted or self.count >= self.limit:
            return ""
        run, source_id, run_id = self.run, self.run.source_id, self.run.pk
        seen, rejected, writerow = self.seen, self.rejected, self.writer.writerow
        attributor = self.attributor
        buffer = self.buffer
        items = self.items
        read = self.count
        stop = self.limit
        try:
            while read < stop:
                item = next(items, None)
                if item is None:
                    self.exhausted = True
                    break
                read += 1
                cls = item.__class__
                if cls is tuple:  # (external id, COPY line) from a connector's copy_lines()
                    key, text = item
                    if key in seen:
                        self.duplicates += 1
                        continue
                    seen.add(key)
                    buffer.write(text)
                    self.stored += 1
                    if buffer.tell() >= CHUNK_CHARS:
                        break
                    continue
                if cls is Rejected:
                    rejected.append(
                        QuarantinedRow(run=run, line=item.line, reason=item.reason[:2000], raw=item.raw)
                    )
                    continue
                key = item.external_id
                if key in seen:
                    self.duplicates += 1
                    continue
                seen.add(key)
                writerow(record_row(item, attributor, source_id=source_id, run_id=run_id))
                self.stored += 1
                if buffer.tell() >= CHUNK_CHARS:
                    break
        except BaseException as exc:
            self.failure = exc
            raise
        finally:
            self.count = read
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if text:
            self.chunks.append(text)
        return text

    def drain(self) -> None:
        while self.read():
            pass

    def replay(self) -> io.StringIO:
        return io.StringIO("".join(self.chunks))


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


# ---------------------------------------------------------------------------------- drop folders

DROP_PROCESSED = "processed"
DROP_QUARANTINE = "quarantine"
DROP_SETTLE_SECONDS = 10  # a file changed more recently than this may still be being written


def drop_root() -> Path:
    """The only place drop folders may be (a source's folder must be inside it): files there are moved."""
    from django.conf import settings

    return Path(getattr(settings, "CALLS_DROP_ROOT", Path(settings.MEDIA_ROOT) / "calls-drop")).resolve()


def drop_folder(source: Source) -> Path:
    """The source's drop folder (`settings.directory`, relative to drop_root() or absolute inside it)."""
    name = str((source.settings or {}).get("directory") or "").strip()
    if not name:
        raise ConnectorError(f"source {source.slug} has no drop folder (settings.directory)")
    root = drop_root()
    folder = (root / name).resolve()
    if folder != root and root not in folder.parents:
        raise ConnectorError(f"drop folder {name!r} is outside the drop root {root}")
    if not folder.is_dir():
        raise ConnectorError(f"drop folder {folder} does not exist")
    return folder


def drop_directory_scan(*, source: Source, now: float | None = None) -> list[ImportRun]:
    """Import every new file in a file source's drop folder, each once (by its SHA-256, like an
    upload): a file that imported (or had been imported before) moves to processed/; a file whose run
    failed moves to quarantine/ beside a `<name>.error.txt` saying why. Its rejected rows are in the
    run's quarantine either way. Hidden files and files changed in the last DROP_SETTLE_SECONDS (still
    being written) wait for the next scan; a file another worker is importing is left alone."""
    folder = drop_folder(source)
    now = now if now is not None else time.time()
    runs = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if now - path.stat().st_mtime < DROP_SETTLE_SECONDS:
            continue
        with open(path, "rb") as handle:
            run, created = run_create_for_file(source=source, stream=handle, name=path.name)
        if created:
            run = run_process(run_id=run.pk)
        if run.status in (ImportRun.Status.PENDING, ImportRun.Status.RUNNING):
            continue  # someone else's run of these bytes; it moves nothing, the next scan will
        failed = run.status == ImportRun.Status.FAILED
        _drop_move(
            path, folder / (DROP_QUARANTINE if failed else DROP_PROCESSED), run, run.error if failed else ""
        )
        runs.append(run)
    Source.objects.filter(pk=source.pk).update(last_pull_at=timezone.now())
    return runs


def _drop_move(path: Path, target: Path, run: ImportRun, error: str) -> None:
    target.mkdir(exist_ok=True)
    destination = target / path.name
    if destination.exists():
        destination = target / f"{path.stem}.run{run.pk}{path.suffix}"
    path.replace(destination)
    if error:
        destination.with_name(destination.name + ".error.txt").write_text(
            f"run #{run.pk} failed: {error}\n", encoding="utf-8"
        )


def has_file_location(source: Source) -> bool:
    """Files to fetch on a schedule: a drop folder on this disk, or a directory on the PBX over SFTP."""
    from .sftp import is_sftp_url

    return bool((source.settings or {}).get("directory")) or is_sftp_url(source.url)


def file_location_scan(*, source: Source) -> list[ImportRun]:
    """Import the new files of a file source's location (drop folder or SFTP), one run each."""
    from .sftp import is_sftp_url, sftp_scan

    if is_sftp_url(source.url):
        return sftp_scan(source=source)
    return drop_directory_scan(source=source)


def drop_sources_due(*, now: dt.datetime | None = None) -> list[int]:
    """Enabled file sources with a drop folder whose scan interval has passed (marked as scanned now,
    so the next beat does not queue them again)."""
    now = now or timezone.now()
    due = []
    for source in Source.objects.enabled().filter(schedule_minutes__isnull=False):
        if not has_file_location(source) or get_connector(source.connector).can_pull:
            continue
        if source.last_pull_at and now - source.last_pull_at < dt.timedelta(minutes=source.schedule_minutes):
            continue
        Source.objects.filter(pk=source.pk).update(last_pull_at=now)
        due.append(source.pk)
    return due


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
