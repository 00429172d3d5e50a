"""Writing a batch of normalised calls: COPY + INSERT … ON CONFLICT DO NOTHING on PostgreSQL,
bulk_create(ignore_conflicts) elsewhere. Both return how many rows were new.

The batch has already been de-duplicated in memory; rows already in the table (an earlier file, an
overlapping pull, a concurrent run) are skipped by the unique (source, external_id) constraint.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.db import connection, transaction

from .models import CallRecord

COLUMNS = [
    "source_id", "external_id", "call_group_id", "started_at", "answered_at", "ended_at", "duration",
    "billsec", "direction", "caller", "callee", "our_number_id", "extension", "line_id", "trunk",
    "disposition", "raw_disposition", "provider_cost", "currency", "department_id", "run_id", "raw",
]  # fmt: skip
STAGE = "calls_callrecord_stage"

NULLABLE = ["answered_at", "our_number_id", "line_id", "provider_cost", "department_id", "run_id"]


def csv_writer(buffer):
    """A writer of COPY … (FORMAT csv) input; see copy_text."""
    return csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")


def copy_text(rows: Sequence[tuple]) -> str:
    """Rows (tuples in COLUMNS order, `raw` as text) → COPY … (FORMAT csv) input.

    The csv module (C) quotes every string; None is written as "" and turned back into NULL by
    FORCE_NULL on the nullable columns, none of which is text (so "" is never a real value there)."""
    buffer = io.StringIO()
    csv_writer(buffer).writerows(rows)
    return buffer.getvalue()


def insert_batch(rows: Sequence[tuple]) -> int:
    """Store rows (tuples in COLUMNS order, raw as text); return how many were new."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _insert_postgresql(rows)
    return _insert_portable(rows)


def _insert_postgresql(rows: Sequence[tuple]) -> int:
    cols = ", ".join(COLUMNS)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        # A temporary staging table without indexes or constraints takes COPY at full speed; the
        # INSERT … SELECT then lets the real table's unique constraint skip what it already has.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} AS "
            f"SELECT {cols} FROM calls_callrecord WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {STAGE}")
        raw_cursor = cursor.cursor  # psycopg2 cursor under Django's wrapper
        copy = f"COPY {STAGE} ({cols}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({', '.join(NULLABLE)}))"
        raw_cursor.copy_expert(copy, io.StringIO(copy_text(rows)))
        cursor.execute(
            f"INSERT INTO calls_callrecord ({cols}) SELECT {cols} FROM {STAGE} "
            f"ON CONFLICT (source_id, external_id) DO NOTHING"
        )
        return cursor.rowcount


class CopySource:
    """What a streamed COPY reads: `read(size)` returns the next chunk of COPY (FORMAT csv) text, ""
    at the end. Implemented by the pipeline's streaming batch; `replay()` gives all the text again."""

    failure: BaseException | None = None  # what read() raised, if it did

    def read(self, size: int = -1) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def drain(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def replay(self) -> io.StringIO:  # pragma: no cover - interface
        raise NotImplementedError


def copy_streaming(source: CopySource) -> int:
    """PostgreSQL: store a streamed batch; return how many rows were new. Call inside a transaction.

    The COPY goes straight into calls_callrecord while the caller is still parsing (the server
    indexes rows on the other core as they arrive). A key the table already has (an earlier file, a
    concurrent run, a re-delivered run) makes that COPY fail on the unique constraint; the savepoint
    is rolled back and the batch's text, kept by the source, goes through the staging table and
    `INSERT … ON CONFLICT DO NOTHING` instead, which skips what is already stored.
    """
    from psycopg2 import errors as pg_errors

    cols = ", ".join(COLUMNS)
    options = f"FORMAT csv, FORCE_NULL ({', '.join(NULLABLE)})"
    # The raw psycopg2 cursor's errors become Django's (a lost connection is an OperationalError the
    # task retries, whichever cursor met it).
    with connection.wrap_database_errors, connection.cursor() as cursor:
        raw_cursor = cursor.cursor
        savepoint = transaction.savepoint()
        try:
            raw_cursor.copy_expert(f"COPY calls_callrecord ({cols}) FROM STDIN WITH ({options})", source)
        except pg_errors.UniqueViolation:
            transaction.savepoint_rollback(savepoint)
        except Exception:
            # A failure of the parser inside read() reaches us as "COPY from stdin failed": raise the
            # parser's own exception (ConnectorError, ConnectorUnavailable…) so the run reports it.
            if source.failure is not None:
                raise source.failure from None
            raise
        else:
            transaction.savepoint_commit(savepoint)
            return raw_cursor.rowcount
        source.drain()
        _stage(cursor)
        raw_cursor.copy_expert(f"COPY {STAGE} ({cols}) FROM STDIN WITH ({options})", source.replay())
        cursor.execute(
            f"INSERT INTO calls_callrecord ({cols}) SELECT {cols} FROM {STAGE} "
            f"ON CONFLICT (source_id, external_id) DO NOTHING"
        )
        return cursor.rowcount


def _stage(cursor) -> None:
    cols = ", ".join(COLUMNS)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} AS SELECT {cols} FROM calls_callrecord WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {STAGE}")


def _insert_portable(rows: Sequence[tuple]) -> int:
    source_id = rows[0][0]
    keys = [row[1] for row in rows]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        existing.update(
            CallRecord.objects.filter(
                source_id=source_id, external_id__in=keys[start : start + 500]
            ).values_list("external_id", flat=True)
        )
    objects = []
    for row in rows:
        if row[1] in existing:
            continue
        values = dict(zip(COLUMNS, row, strict=True))
        objects.append(CallRecord(**values))
    CallRecord.objects.bulk_create(objects, ignore_conflicts=True, batch_size=500)
    return len(objects)
