"""Writing a batch of normalised calls: COPY + INSERT … ON CONFLICT DO NOTHING on PostgreSQL,
bulk_create(ignore_conflicts) elsewhere. Both return how many rows were new.

The batch has already been de-duplicated in memory; rows already in the table (an earlier file, an
overlapping pull, a concurrent run) are skipped by the unique (source, external_id) constraint.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.db import connection

from .models import CallRecord

COLUMNS = [
    "source_id", "external_id", "call_group_id", "started_at", "answered_at", "ended_at", "duration",
    "billsec", "direction", "caller", "callee", "our_number_id", "extension", "line_id", "trunk",
    "disposition", "raw_disposition", "provider_cost", "currency", "department_id", "run_id", "raw",
]  # fmt: skip
STAGE = "calls_callrecord_stage"

NULLABLE = ["answered_at", "our_number_id", "line_id", "provider_cost", "department_id", "run_id"]


def copy_text(rows: Sequence[tuple]) -> str:
    """Rows (tuples in COLUMNS order, `raw` as text) → COPY … (FORMAT csv) input.

    The csv module (C) quotes every string; None is written as "" and turned back into NULL by
    FORCE_NULL on the nullable columns, none of which is text (so "" is never a real value there)."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
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
    with connection.cursor() as cursor:
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
