"""The ingest pipeline: dedupe, quarantine, attribution at call time, claiming runs."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.db import connection

from apps.calls import services
from apps.calls.models import CallRecord, ImportRun, QuarantinedRow
from tests.factories import (
    DepartmentFactory,
    ExtensionFactory,
    NumberAssignmentFactory,
    PhoneNumberFactory,
)

from .conftest import master_line
from .factories import SourceFactory


@pytest.mark.django_db
def test_reimport_of_the_same_file_adds_nothing(run_import):
    source = SourceFactory()
    data = master_line().encode()
    first = run_import(source, data)
    again, created = services.run_create_for_file(source=source, stream=io.BytesIO(data), name="copy.csv")
    assert not created and again.pk == first.pk
    assert CallRecord.objects.count() == 1


@pytest.mark.django_db
def test_overlapping_files_add_each_record_once(run_import):
    source = SourceFactory()
    a, b, c = (master_line(start=f"2025-03-03 10:1{i}:00", end=f"2025-03-03 10:1{i}:50") for i in range(3))
    run_import(source, (a + b).encode(), "day1.csv")
    second = run_import(source, (b + c).encode(), "day1-and-2.csv")
    assert (second.read, second.inserted, second.duplicates) == (2, 1, 1)
    assert CallRecord.objects.count() == 3


@pytest.mark.django_db
def test_quarantine_keeps_every_bad_row_with_its_line_and_good_rows_still_land(run_import):
    good = master_line()
    bad_time = master_line(start="yesterday", end="2025-03-03 10:17:44")
    bad_count = '"a","b"\n'
    run = run_import(
        SourceFactory(), (good + bad_time + good.replace("10:15:02", "10:16:02") + bad_count).encode()
    )
    assert (run.status, run.read, run.inserted, run.rejected) == ("succeeded", 4, 2, 2)
    rows = list(QuarantinedRow.objects.filter(run=run).values_list("line", "reason", "raw"))
    assert [line for line, _, _ in rows] == [2, 4]
    assert "start" in rows[0][1] and rows[0][2] == bad_time.rstrip("\n")
    assert rows[1][2] == '"a","b"'
    summary = services.run_summary(run)
    assert summary["errors"] == [{"line": 2, "reason": rows[0][1]}, {"line": 4, "reason": rows[1][1]}]


@pytest.mark.django_db
def test_attribution_follows_an_extension_that_moved_mid_month(run_import):
    kazan, ufa = DepartmentFactory(code="KZN-1"), DepartmentFactory(code="UFA-1")
    ExtensionFactory(
        extension="101", department=kazan, valid_from=dt.date(2025, 3, 1), valid_to=dt.date(2025, 3, 15)
    )
    ExtensionFactory(extension="101", department=ufa, valid_from=dt.date(2025, 3, 15), valid_to=None)
    before = master_line(start="2025-03-14 23:30:00", answer="", end="2025-03-14 23:30:10", billsec=0,
                         duration=10, disposition="NO ANSWER")  # fmt: skip
    after = master_line(start="2025-03-15 00:30:00", answer="", end="2025-03-15 00:30:10", billsec=0,
                        duration=10, disposition="NO ANSWER")  # fmt: skip
    run_import(SourceFactory(), (before + after).encode())
    # 23:30 and 00:30 Moscow are 20:30 and 21:30 UTC, both on the 14th: the PBX's local day decides.
    codes = dict(CallRecord.objects.values_list("started_at", "department__code"))
    assert codes == {
        dt.datetime(2025, 3, 14, 20, 30, tzinfo=dt.UTC): "KZN-1",
        dt.datetime(2025, 3, 14, 21, 30, tzinfo=dt.UTC): "UFA-1",
    }


@pytest.mark.django_db
def test_number_assignment_attributes_an_incoming_call_and_unknown_ones_stay_unassigned(run_import):
    salon = DepartmentFactory(code="KZN-2")
    number = PhoneNumberFactory(number="+78432000001")
    NumberAssignmentFactory(number=number, department=salon, valid_from=dt.date(2025, 1, 1), valid_to=None)
    incoming = master_line(src="89171234567", dst="78432000001", context="from-trunk", dstchannel="")
    stranger = master_line(src="89171234567", dst="78432999999", context="from-trunk", dstchannel="",
                           start="2025-03-03 11:00:00", end="2025-03-03 11:02:00")  # fmt: skip
    run = run_import(SourceFactory(), (incoming + stranger).encode())
    assert run.inserted == 2
    known = CallRecord.objects.get(callee="+78432000001")
    assert (known.our_number_id, known.department_id) == (number.pk, salon.pk)
    assert CallRecord.objects.get(callee="+78432999999").department_id is None


@pytest.mark.django_db
def test_a_run_enqueued_twice_is_processed_once(run_import):
    source = SourceFactory()
    run, _ = services.run_create_for_file(
        source=source, stream=io.BytesIO(master_line().encode()), name="x.csv"
    )
    services.run_process(run_id=run.pk)
    again = services.run_process(run_id=run.pk)
    assert (again.status, again.attempts, again.inserted) == ("succeeded", 1, 1)


@pytest.mark.django_db
def test_a_failed_file_can_be_uploaded_again_and_is_retried(run_import, monkeypatch):
    source = SourceFactory(connector="cdr_custom")  # no column list: the run fails clearly
    data = master_line().encode()
    run = run_import(source, data)
    assert run.status == "failed" and "settings.columns" in run.error
    source.refresh_from_db()
    assert "settings.columns" in source.last_error
    retry, created = services.run_create_for_file(source=source, stream=io.BytesIO(data), name="again.csv")
    assert created and retry.pk == run.pk and retry.status == "pending"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_one_source_store_each_call_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    source = SourceFactory()
    lines = "".join(
        master_line(start=f"2025-03-03 10:{m:02d}:{s:02d}", end=f"2025-03-03 10:{m:02d}:{s:02d}", duration=0,
                    billsec=0, answer="", disposition="NO ANSWER")
        for m in range(20) for s in range(0, 60, 5)
    )  # fmt: skip
    runs = [
        services.run_create_for_file(
            source=source, stream=io.BytesIO((lines + extra).encode()), name=f"{i}.csv"
        )[0]
        for i, extra in enumerate(["", "\n"])
    ]
    errors = []

    def work(run_id):
        try:
            services.run_process(run_id=run_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(r.pk,)) for r in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    done = ImportRun.objects.filter(pk__in=[r.pk for r in runs])
    assert sum(r.inserted for r in done) == 240 and sum(r.duplicates for r in done) == 240
    assert CallRecord.objects.filter(source=source).count() == 240


def test_copy_rows_keep_nulls_apart_from_empty_text_and_escape_quotes():
    from apps.calls.store import copy_text

    text = copy_text([(1, "", None, 'say "hi"\nnext', 5)])
    assert text == '1,"","","say ""hi""\nnext",5\n'  # "" in a nullable column becomes NULL (FORCE_NULL)


@pytest.mark.django_db
def test_a_file_that_failed_from_the_command_line_can_be_uploaded_and_imports(tmp_path):
    source = SourceFactory(connector="cdr_custom")  # misconfigured: no column list yet
    data = master_line().encode()
    path = tmp_path / "Master.csv"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        run, _ = services.run_create_for_file(source=source, stream=handle, name=str(path), store=False)
    assert services.run_process(run_id=run.pk, path=path).status == "failed"
    source.connector, source.settings = "asterisk_csv", {}
    source.save()
    again, created = services.run_create_for_file(source=source, stream=io.BytesIO(data), name="upload.csv")
    assert created and again.pk == run.pk and again.file and again.connector == "asterisk_csv"
    assert services.run_process(run_id=again.pk).inserted == 1
