"""Master.csv's PostgreSQL fast path (asterisk_csv.MasterCopyLines: each row straight to its COPY line)
stores exactly what the generic path (connector.read_file → CallRow → record_row) stores: every column
of every call, every quarantined row with its line and reason, the run's counters."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apps.calls import services
from apps.calls.connectors.asterisk_csv import LAYOUT_BY_COUNT
from apps.calls.connectors.base import CallRow, Rejected
from apps.calls.models import CallRecord, QuarantinedRow
from apps.calls.store import COLUMNS
from tests.factories import ExtensionFactory, LineFactory, NumberAssignmentFactory, PhoneNumberFactory

from .conftest import FIXTURES, master_line
from .factories import SourceFactory

STORED = [column for column in COLUMNS if column not in ("source_id", "run_id")]


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY fast path is PostgreSQL's; SQLite keeps the portable path")


@pytest.fixture
def telecom(db):
    """A trunk, our numbers with departments, extensions that moved: attribution has work to do."""
    LineFactory(trunk_id="trunk-kzn")
    number = PhoneNumberFactory(number="+78432000001")
    NumberAssignmentFactory(number=number, valid_from=dt.date(2017, 1, 1), valid_to=dt.date(2025, 3, 30))
    NumberAssignmentFactory(number=number, valid_from=dt.date(2025, 3, 30))
    ExtensionFactory(extension="101", valid_from=dt.date(2017, 1, 1), valid_to=dt.date(2025, 3, 4))
    ExtensionFactory(extension="101", valid_from=dt.date(2025, 3, 4))
    ExtensionFactory(extension="102", valid_from=dt.date(2017, 1, 1))


def snapshot(run):
    run.refresh_from_db()
    calls = list(CallRecord.objects.filter(source=run.source).order_by("id").values_list(*STORED))
    quarantined = list(
        QuarantinedRow.objects.filter(run=run).order_by("line", "id").values_list("line", "reason", "raw")
    )
    return (run.read, run.inserted, run.duplicates, run.rejected), calls, quarantined


def import_fast(source, data: bytes):
    """The import as it runs on PostgreSQL: run_process, which takes the connector's copy_lines()."""
    run, _ = services.run_create_for_file(source=source, stream=io.BytesIO(data), name="Master.csv")
    return services.run_process(run_id=run.pk)


def import_generic(source, data: bytes):
    """The same import through the generic rows: read_file() → CallRow → record_row()."""
    run, _ = services.run_create_for_file(source=source, stream=io.BytesIO(data), name="Master.csv")
    assert services.run_claim(run_id=run.pk)
    connector = services.connector_for(source)
    writer = services.BatchWriter(run, attributor=services._attributor(source))
    writer.write(connector.read_file(io.BytesIO(data)), parses_without_queries=True)
    return run


def fast_lines(source, data: bytes) -> int:
    """How many rows the fast path wrote itself (the rest went to the generic parser)."""
    connector = services.connector_for(source)
    attributor = services._attributor(source)
    items = connector.copy_lines(io.BytesIO(data), attributor=attributor, source_id=source.pk, run_id=0)
    return sum(1 for item in items if item.__class__ is tuple)


def assert_same(data: bytes, *, timezone: str = "Europe/Moscow", **source_settings) -> int:
    """Import `data` both ways into two like sources; assert they stored the same; return fast rows."""
    fast_source = SourceFactory(timezone=timezone, settings=source_settings)
    generic_source = SourceFactory(timezone=timezone, settings=source_settings)
    fast_run = import_fast(fast_source, data)
    assert (fast_run.status, fast_run.error) == ("succeeded", "")
    fast = snapshot(fast_run)
    generic = snapshot(import_generic(generic_source, data))
    assert fast[0] == generic[0]
    assert fast[2] == generic[2]
    assert len(fast[1]) == len(generic[1])
    for fast_call, generic_call in zip(fast[1], generic[1], strict=True):
        assert dict(zip(STORED, fast_call, strict=True)) == dict(zip(STORED, generic_call, strict=True))
    return fast_lines(fast_source, data)


@pytest.mark.parametrize("name", ["cdr.csv", "smallcdr.csv", "smallcdr_wo_parallelcalls.csv"])
def test_real_exports_store_the_same_through_the_fast_path(telecom, name):
    data = (FIXTURES / "asterisk" / name).read_bytes()
    rows = len(data.splitlines())
    assert assert_same(data) == rows  # every row of a real export takes the fast path
    assert assert_same(data, timezone="Europe/Berlin") == rows


@pytest.mark.parametrize(
    ("layout", "extra", "tail"),
    [
        ([], [], None),
        (["loguniqueid"], ["1741000502.26"], None),
        (["loguserfield"], ["vip"], None),
        (["loguniqueid", "loguserfield"], ["1741000502.26", "vip"], None),
        (["newcdrcolumns"], ["", "1741000502.20"], 41),
        (["loguniqueid", "newcdrcolumns"], ["1741000502.26", "", "1741000502.20"], 41),
        (["loguniqueid", "loguserfield", "newcdrcolumns"], ["1741000502.26", 'v"i,p', "", "1741000502.2"], 7),
    ],
)
def test_every_layout_stores_the_same(telecom, layout, extra, tail):
    incoming = dict(
        src="89171234567", dst="78432000001", context="from-trunk", channel="PJSIP/trunk-kzn-0000001b"
    )
    lines = [
        master_line(extra=extra, unquoted_tail=tail),
        master_line(extra=extra, unquoted_tail=tail, answer="", billsec=0, disposition="NO ANSWER"),
        master_line(
            extra=extra, unquoted_tail=tail, clid='"Иванова, ""Отдел"" <101>', start="2025-03-04 00:00:00"
        ),
        master_line(extra=extra, unquoted_tail=tail, **incoming, dstchannel="PJSIP/102-00000032"),
        master_line(extra=extra, unquoted_tail=tail, start="2025-03-03 10:15:02", end="2025-03-03 10:15:01"),
        master_line(extra=extra, unquoted_tail=tail, disposition="MAYBE"),
        master_line(extra=extra, unquoted_tail=tail, start="03.03.2025 10:15"),
        master_line(extra=extra, unquoted_tail=tail, duration=-1),
        '"only","two"\n',
        '"unterminated,\n',
    ]
    data = "".join(lines + lines[:2]).encode()  # the last two repeat: duplicates
    for settings_ in ({"layout": layout}, {}):
        assert assert_same(data, **settings_) >= 4


def test_times_the_fast_path_leaves_alone_are_stored_as_the_generic_path_stores_them(telecom):
    """Daylight saving edges (a skipped hour, a repeated hour), an offset with seconds (1900 Moscow),
    the calendar's ends, other shapes: whatever the generic parser makes of them."""
    times = [
        ("2025-03-30 01:59:59", "2025-03-30 03:00:01"),  # across Berlin's skipped hour
        ("2025-03-30 02:30:00", "2025-03-30 02:40:00"),  # inside it
        ("2025-10-26 02:30:00", "2025-10-26 02:10:00"),  # the repeated hour: ends "before" it starts
        ("2025-10-26 01:59:00", "2025-10-26 02:01:00"),
        ("1900-01-01 10:00:00", "1900-01-01 10:01:00"),
        ("0001-01-01 00:00:00", "0001-01-01 00:00:10"),
        ("9999-12-31 23:00:00", "9999-12-31 23:59:59"),
        ("2025-02-29 10:00:00", "2025-02-29 10:01:00"),
        ("2025-03-03T10:15:02", "2025-03-03T10:16:02"),
        ("2025-03-03 10:15:02.5", "2025-03-03 10:16:02"),
        ("2025-03-03 10:15", "2025-03-03 10:16"),
        (" 2025-03-03 10:15:02", "2025-03-03 10:16:02 "),
        ("2025-03-03 10:15:02+05:00", "2025-03-03 10:16:02"),
        ("2025-03-03 24:00:00", "2025-03-03 10:16:02"),
        ("2025-03-03 10:60:00", "2025-03-03 10:16:02"),
    ]
    data = "".join(
        master_line(start=s, answer="", end=e, extra=[f"{n}.1", ""]) for n, (s, e) in enumerate(times)
    )
    for zone in ("Europe/Berlin", "Europe/Moscow", "America/Sao_Paulo", "Australia/Lord_Howe"):
        assert_same(data.encode(), timezone=zone)


# ----------------------------------------------------------------------------------- hypothesis

parties = st.sampled_from(
    ["101", "102", " 101 ", "89171234567", "+79171234567", "78432000001", "8432000001", "810441234567",
     "anonymous", "", "12", "1234567", "+7", "１０１", 'a"b', "a,b"]
)  # fmt: skip
channels = st.sampled_from(
    ["PJSIP/101-0000001a", "PJSIP/trunk-kzn-0000001b", "SIP/102-00000012", "Local/101@ctx-00000001;1",
     "PJSIP/trunk-kzn", "NOT_AVAILABLE", "", "DAHDI/i1/89171234567-5"]
)  # fmt: skip
times = st.sampled_from(
    ["2025-03-03 10:15:02", "2025-03-03 10:17:44", "2025-03-03 23:59:59", "2025-03-04 00:00:00",
     "2025-03-30 01:30:00", "2025-03-30 02:30:00", "2025-03-30 03:30:00", "2025-10-26 02:30:00",
     "2025-02-29 10:00:00", "2025-03-03 24:00:00", "2025-03-03T10:15:02", "2025-03-03 10:15", "",
     " 2025-03-03 10:15:02", "1900-01-01 10:00:00", "9999-12-31 23:59:59", "x", "2025-03-03 10:15:02.5",
     "２０２５-03-03 10:15:02"]
)  # fmt: skip
good_times = st.sampled_from(["2025-03-03 10:15:02", "2025-03-03 23:59:59", "2025-03-04 00:00:00"])
good_seconds = st.sampled_from(["0", "162", "007"])
good_dispositions = st.sampled_from(["ANSWERED", "NO ANSWER", "BUSY", "8"])
seconds = st.sampled_from(["0", "162", "007", " 5", "-1", "", "99999999999", "1.5", "²", "10"])
dispositions = st.sampled_from(
    ["ANSWERED", "NO ANSWER", "BUSY", "answered", " FAILED ", "8", "16", "MAYBE", ""]
)
texts = st.sampled_from(["", "1741000502.26", "1741000502.20", " 7 ", '"q"', "a,b", "Клиент"])


@st.composite
def master_rows(draw):
    """One Master.csv line: fields of every kind, quoted as cdr_csv.c does or bare, now and then broken;
    half the lines take their times, seconds and disposition from good values only."""
    good = draw(st.booleans())
    when = good_times if good else times
    fields = [
        draw(st.sampled_from(["", "sales"])),
        draw(parties),
        draw(parties),
        draw(st.sampled_from(["from-internal", "from-trunk", "hq", "", "city-in"])),
        draw(st.sampled_from(['"Ivanova" <101>', "", "Клиент"])),
        draw(channels),
        draw(channels),
        "Dial",
        draw(st.sampled_from(["PJSIP/89171234567@trunk-kzn,60,tT", "PJSIP/101,30", "", "x@y"])),
        draw(when),
        draw(when) if draw(st.booleans()) else "",
        draw(when),
        draw(good_seconds if good else seconds),
        draw(good_seconds if good else seconds),
        draw(good_dispositions if good else dispositions),
        "DOCUMENTATION",
    ]
    fields += draw(st.lists(texts, max_size=6))
    bare = draw(st.lists(st.booleans(), min_size=len(fields), max_size=len(fields)))
    cells = []
    for field, unquoted in zip(fields, bare, strict=True):
        if unquoted and not any(c in field for c in '",\n'):
            cells.append(field)
        else:
            cells.append('"' + field.replace('"', '""') + '"')
    line = ",".join(cells)
    if draw(st.integers(0, 9)) == 0:  # now and then a broken line
        cut = draw(st.integers(0, len(line)))
        line = line[:cut] + draw(st.sampled_from(['"', ",", "\x00", "\ufeff", ""])) + line[cut:]
    return line


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(master_rows(), min_size=1, max_size=12),
    repeats=st.lists(st.integers(0, 11), max_size=3),
    zone=st.sampled_from(["Europe/Moscow", "Europe/Berlin", "Australia/Lord_Howe"]),
    layout=st.sampled_from([None, *LAYOUT_BY_COUNT.values()]),
)
def test_any_master_csv_rows_store_the_same_both_ways(telecom, rows, repeats, zone, layout):
    rows = rows + [rows[n % len(rows)] for n in repeats]
    data = ("\n".join(rows) + "\n").encode()
    settings_ = {} if layout is None else {"layout": layout}
    fast = assert_same(data, timezone=zone, **settings_)
    event("the fast path wrote rows itself" if fast else "every row went to the generic parser")


def test_the_fast_path_gives_generic_rows_for_what_it_cannot_vouch_for(telecom):
    source = SourceFactory(timezone="Europe/Berlin")
    connector = services.connector_for(source)
    data = (
        master_line(start="2025-03-30 02:30:00", end="2025-03-30 03:30:00")  # Berlin skips 02:00–03:00
        + master_line(disposition="MAYBE")
        + master_line()
    ).encode()
    items = list(
        connector.copy_lines(io.BytesIO(data), attributor=services._attributor(source), source_id=1, run_id=2)
    )
    assert [item.__class__ for item in items] == [CallRow, Rejected, tuple]
    key, text = items[2]
    assert text.startswith(f'1,"{key}",""') and ',"2025-03-03 10:15:02+01:00",' not in text
    assert ",2025-03-03 10:15:02+01:00," in text and text.endswith(
        ',2,"' + master_line().strip().replace('"', '""') + '"\n'
    )
