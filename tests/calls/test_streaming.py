"""The streamed store (PostgreSQL: parse while COPY runs straight into the table; fall back to the
staging table when a key is already there), and the portable path on SQLite: same counts either way."""

from __future__ import annotations

import pytest

from apps.calls import services
from apps.calls.connectors import ConnectorError
from apps.calls.connectors.asterisk_csv import AsteriskCsvConnector
from apps.calls.models import CallRecord, QuarantinedRow

from .conftest import master_line
from .factories import SourceFactory


def lines(first: int, last: int) -> str:
    return "".join(
        master_line(
            start=f"2025-03-03 1{n // 60}:{n % 60:02d}:00", end=f"2025-03-03 1{n // 60}:{n % 60:02d}:30"
        )
        for n in range(first, last)
    )


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(services, "STREAM_BATCH_SIZE", 7)
    monkeypatch.setattr(services, "BATCH_SIZE", 7)
    monkeypatch.setattr(services, "CHUNK_CHARS", 200)  # several COPY chunks per batch


@pytest.mark.django_db
def test_batches_that_meet_stored_rows_count_them_as_duplicates(run_import, small_batches):
    source = SourceFactory()
    run_import(source, lines(0, 20).encode(), "first.csv")
    # 10..19 are stored already: the batches holding them fall back to the conflict-skipping insert.
    run = run_import(source, (lines(10, 40) + lines(35, 40)).encode(), "second.csv")
    assert (run.status, run.read, run.inserted, run.duplicates, run.rejected) == ("succeeded", 35, 20, 15, 0)
    assert CallRecord.objects.filter(source=source).count() == 40
    assert (
        sorted(CallRecord.objects.values_list("run_id", flat=True).distinct()) == sorted({run.pk, run.pk - 1})
        or CallRecord.objects.filter(run=run).count() == 20
    )


@pytest.mark.django_db
def test_rejected_rows_in_streamed_batches_are_quarantined_with_their_lines(run_import, small_batches):
    good = lines(0, 20).splitlines(keepends=True)
    good[3] = master_line(start="not a time")
    good[15] = '"only","two"\n'
    run = run_import(SourceFactory(), "".join(good).encode())
    assert (run.read, run.inserted, run.rejected) == (20, 18, 2)
    assert list(QuarantinedRow.objects.filter(run=run).values_list("line", flat=True)) == [4, 16]


@pytest.mark.django_db
def test_a_parser_failure_mid_file_fails_the_run_and_keeps_no_half_batch(
    run_import, small_batches, monkeypatch
):
    # The CSV reader under both read_file() and the PostgreSQL fast path (copy_lines()).
    original = AsteriskCsvConnector.csv_rows

    def breaks_after_ten(self, stream, **options):
        for n, item in enumerate(original(self, stream, **options)):
            if n == 10:
                raise ConnectorError("the file was cut off (test)")
            yield item

    monkeypatch.setattr(AsteriskCsvConnector, "csv_rows", breaks_after_ten)
    run = run_import(SourceFactory(), lines(0, 20).encode())
    assert run.status == "failed" and run.error == "the file was cut off (test)"
    # The first batch (7 rows) was committed with its counters; the broken batch left nothing.
    assert CallRecord.objects.count() == run.inserted == 7
