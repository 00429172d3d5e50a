"""Asterisk Master.csv: every layout, the tricky cases, the real pseudonymised exports."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.calls.connectors.asterisk_csv import AsteriskCsvConnector, CdrCustomConnector
from apps.calls.connectors.base import CallRow, Rejected
from apps.calls.models import CallRecord

from .conftest import FIXTURES, master_line, parse
from .factories import SourceFactory

UTC = dt.UTC


@pytest.mark.parametrize(
    ("name", "lines", "duplicates"),
    [("cdr.csv", 218, 8), ("smallcdr.csv", 45, 1), ("smallcdr_wo_parallelcalls.csv", 34, 0)],
)
@pytest.mark.django_db
def test_real_exports_import_with_nothing_lost(run_import, name, lines, duplicates):
    source = SourceFactory(connector="asterisk_csv")
    run = run_import(source, (FIXTURES / "asterisk" / name).read_bytes(), name)
    assert run.status == "succeeded", run.error
    assert (run.read, run.rejected, run.duplicates) == (lines, 0, duplicates)
    assert run.read == run.inserted + run.duplicates + run.rejected
    assert CallRecord.objects.filter(source=source).count() == lines - duplicates


@pytest.mark.django_db
def test_one_uniqueid_with_two_different_records_keeps_both(run_import):
    first = master_line(answer="", billsec=0, disposition="NO ANSWER", extra=["1497952162.0", ""])
    second = master_line(extra=["1497952162.0", ""])
    run = run_import(SourceFactory(), (first + second).encode())
    assert (run.inserted, run.duplicates) == (2, 0)


@pytest.mark.parametrize(
    ("layout", "extra", "tail"),
    [
        ([], [], None),
        (["loguniqueid"], ["1741000502.26"], None),
        (["loguserfield"], ["vip"], None),
        (["loguniqueid", "loguserfield"], ["1741000502.26", "vip"], None),
        (["newcdrcolumns"], ["", "1741000502.26"], 41),
        (["loguniqueid", "newcdrcolumns"], ["1741000502.26", "", "1741000502.26"], 41),
        (["loguniqueid", "loguserfield", "newcdrcolumns"], ["1741000502.26", "vip", "", "1741000502.26"], 41),
    ],
)
def test_every_master_csv_layout_parses(layout, extra, tail):
    line = master_line(extra=extra, unquoted_tail=tail)
    [row] = parse(AsteriskCsvConnector, line.encode(), layout=layout, trunks={"trunk-kzn"})
    assert isinstance(row, CallRow), row
    assert row.started_at == dt.datetime(2025, 3, 3, 7, 15, 2, tzinfo=UTC)  # Moscow is UTC+3
    assert (row.duration, row.billsec, row.disposition) == (162, 155, "answered")
    assert (row.direction, row.trunk, row.extension, row.callee) == (
        "out",
        "trunk-kzn",
        "101",
        "+79171234567",
    )
    if "newcdrcolumns" in layout and "loguniqueid" in layout:
        assert row.external_id == "1741000502.26:41"
    else:
        assert row.external_id.startswith("h:")
    if "loguserfield" in layout:
        assert row.raw["userfield"] == "vip"


def test_layout_with_userfield_only_is_not_mistaken_for_uniqueid():
    line = master_line(extra=["vip"])
    [row] = parse(AsteriskCsvConnector, line.encode(), layout=["loguserfield"])
    assert row.raw["userfield"] == "vip" and "uniqueid" not in row.raw


def test_empty_unquoted_answer_means_not_answered():
    line = master_line(answer="", billsec=0, disposition="NO ANSWER")
    assert ',"2025-03-03 10:15:02",,"2025-03-03 10:17:44",' in line
    [row] = parse(AsteriskCsvConnector, line.encode())
    assert row.answered_at is None and row.disposition == "no_answer"


def test_doubled_quotes_in_clid_are_read_back():
    line = master_line(clid='"Иванова" <101>')
    assert '"""Иванова"" <101>"' in line
    [row] = parse(AsteriskCsvConnector, line.encode())
    assert row.raw["clid"] == '"Иванова" <101>'


def test_incoming_call_on_a_known_trunk_is_in_and_names_our_number():
    line = master_line(
        src="89171234567",
        dst="78432000001",
        context="hq",
        channel="PJSIP/trunk-kzn-00000031",
        dstchannel="PJSIP/102-00000032",
    )
    [row] = parse(AsteriskCsvConnector, line.encode(), trunks={"trunk-kzn"})
    assert (row.direction, row.our_number, row.extension, row.trunk) == (
        "in",
        "+78432000001",
        "102",
        "trunk-kzn",
    )


def test_call_between_two_extensions_is_internal():
    line = master_line(src="101", dst="102", dstchannel="PJSIP/102-00000002")
    [row] = parse(AsteriskCsvConnector, line.encode())
    assert row.direction == "internal"


def test_configured_inbound_context_decides_when_no_trunk_is_known():
    line = master_line(src="89171234567", dst="200", context="city-in", dstchannel="PJSIP/200-1")
    [row] = parse(AsteriskCsvConnector, line.encode(), inbound_contexts=["city-in"])
    assert row.direction == "in"


def test_wrong_column_count_is_rejected_with_its_line():
    data = master_line() + '"only","three","fields"\n' + master_line(start="2025-03-03 10:16:00")
    rows = parse(AsteriskCsvConnector, data.encode(), layout=[])
    assert [type(r).__name__ for r in rows] == ["CallRow", "Rejected", "CallRow"]
    assert rows[1].line == 2 and "expected 16 columns, found 3" in rows[1].reason


def test_unknown_disposition_and_bad_time_are_rejected_with_reasons():
    data = master_line(disposition="MAYBE") + master_line(start="03.03.2025 10:15")
    first, second = parse(AsteriskCsvConnector, data.encode())
    assert isinstance(first, Rejected) and "disposition" in first.reason and first.line == 1
    assert isinstance(second, Rejected) and "start" in second.reason and second.line == 2


def test_seconds_beyond_the_column_are_rejected_not_a_failed_file():
    data = (
        master_line(billsec=99999999999)
        + master_line(duration=2147483647, billsec=2147483647)
        + master_line(duration="9" * 5000)
        + master_line(billsec="0000000000007")
    )
    first, second, third, fourth = parse(AsteriskCsvConnector, data.encode())
    assert isinstance(first, Rejected) and first.reason == "billsec: '99999999999' is out of range"
    assert isinstance(second, CallRow) and second.billsec == 2147483647
    assert (
        isinstance(third, Rejected)
        and third.reason.startswith("duration: '999")
        and "out of range" in third.reason
    )
    assert isinstance(fourth, CallRow) and fourth.billsec == 7


def test_cdr_custom_reads_its_configured_order():
    columns = ["clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata", "start",
               "answer", "end", "duration", "billsec", "disposition", "amaflags", "accountcode", "uniqueid",
               "userfield"]  # fmt: skip
    line = (
        '"""Petrov"" <205>","205","83472000000","from-internal","PJSIP/205-1","","Dial","x",'
        '"2025-03-03 11:00:00","","2025-03-03 11:00:30","30","0","NO ANSWER","DOCUMENTATION","support",'
        '"1741000600.1",""\n'
    )
    [row] = parse(CdrCustomConnector, line.encode(), columns=columns, timezone="Asia/Yekaterinburg")
    assert isinstance(row, CallRow), row
    assert row.started_at == dt.datetime(2025, 3, 3, 6, 0, 0, tzinfo=UTC)  # Ufa clock is UTC+5
    assert (row.direction, row.callee, row.disposition) == ("out", "+73472000000", "no_answer")


fragments = st.sampled_from(
    [
        '"',
        '""',
        ",",
        "\n",
        "\r",
        "\x00",
        "2025-03-03 10:15:02",
        "ANSWERED",
        "-1",
        "99999999999999999999",
        "PJSIP/trunk-1",
        "\ufeff",
        "é",
        "\udcff",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.integers(min_value=0, max_value=3),
    position=st.integers(min_value=0, max_value=400),
    junk=st.lists(st.one_of(fragments, st.text(max_size=5)), max_size=6),
    raw_bytes=st.binary(max_size=40),
)
def test_any_mangled_line_gives_a_row_or_a_reason_never_a_crash(base, position, junk, raw_bytes):
    line = master_line(extra=["1.1", "x", "", "1.1"][:base])
    cut = position % (len(line) + 1)
    text = line[:cut] + "".join(junk) + line[cut:]
    data = text.encode("utf-8", "surrogatepass") + raw_bytes
    for row in parse(AsteriskCsvConnector, data):
        assert isinstance(row, CallRow | Rejected)
        if isinstance(row, Rejected):
            assert row.reason and row.line >= 1
        else:
            assert row.ended_at >= row.started_at and row.duration >= 0


def test_local_times_convert_to_utc_across_a_daylight_saving_change():
    from apps.calls.connectors.base import parse_local

    berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    assert parse_local("2025-03-30 01:30:00", "start", berlin) == dt.datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    assert parse_local("2025-03-30 03:30:00", "start", berlin) == dt.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert parse_local("2025-07-01 12:00:00", "start", berlin) == dt.datetime(2025, 7, 1, 10, 0, tzinfo=UTC)
