"""Property tests: whatever a source sends, a parser gives a row or a clear reason, never a crash."""

from __future__ import annotations

import io
import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.calls.connectors.base import CallRow, Context, Rejected, RowInvalid
from apps.calls.connectors.freeswitch_json import FreeswitchJsonConnector, decode_body
from apps.calls.connectors.mango import MangoConnector
from apps.calls.connectors.operator_statement import parse_duration
from apps.calls.connectors.uis import UisConnector
from apps.calls.connectors.zadarma import ZadarmaConnector

values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.sampled_from(["2025-03-03 10:15:02", "1741000502", "0", "-5", "answered", "in", "", "9" * 30]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)  # fmt: skip
KEYS = [
    "id", "call_id", "callstart", "billseconds", "seconds", "disposition", "from", "to", "billcost",
    "currency", "start_time", "finish_time", "total_duration", "talk_duration", "direction", "is_lost",
    "employees", "virtual_phone_number", "contact_phone_number",
]  # fmt: skip
items = st.one_of(values, st.dictionaries(st.sampled_from(KEYS), values, max_size=12))


def _only_rows_or_reasons(results):
    for row in results:
        assert isinstance(row, CallRow | Rejected)
        if isinstance(row, Rejected):
            assert row.reason


VALID_ZADARMA = {
    "id": "1",
    "call_id": "1.1",
    "callstart": "2025-03-03 10:15:02",
    "billseconds": 5,
    "seconds": 5,
}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(items, items.map(lambda i: {**VALID_ZADARMA, **i} if isinstance(i, dict) else i)),
        max_size=5,
    )
)
def test_zadarma_items_of_any_shape(stats):
    _only_rows_or_reasons(
        ZadarmaConnector(Context()).read_file(io.BytesIO(json.dumps({"stats": stats}).encode()))
    )
    pbx = ZadarmaConnector(Context(settings={"method": "pbx"}))
    _only_rows_or_reasons(pbx.read_file(io.BytesIO(json.dumps({"stats": stats}).encode())))


VALID_UIS = {"id": 1, "start_time": "2025-03-03 10:15:02", "finish_time": "2025-03-03 10:16:02"}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(items, items.map(lambda i: {**VALID_UIS, **i} if isinstance(i, dict) else i)), max_size=5
    )
)
@example([{**VALID_UIS, "employees": 5}])
@example([{**VALID_UIS, "direction": ["in"]}])
def test_uis_items_of_any_shape(data):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "result": {"data": data}}).encode()
    _only_rows_or_reasons(UisConnector(Context()).read_file(io.BytesIO(body)))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("0123456789;[],abc \t-"), max_size=80), max_size=5),
    st.binary(max_size=30),
)
def test_mango_lines_of_any_shape(lines, junk):
    data = ("\n".join(lines)).encode() + junk
    _only_rows_or_reasons(MangoConnector(Context()).read_file(io.BytesIO(data)))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_freeswitch_push_bodies_of_any_shape(body):
    connector = FreeswitchJsonConnector(Context())
    try:
        row = connector.document_row(decode_body(body, "application/json"))
    except RowInvalid as exc:
        assert exc.messages[0]
    else:
        assert isinstance(row, CallRow)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.sampled_from(["seconds", "mm:ss", "auto"]))
def test_durations_of_any_shape(text, fmt):
    try:
        assert parse_duration(text, "duration", fmt) >= 0
    except RowInvalid as exc:
        assert "duration" in exc.messages[0]


def test_zadarma_date_at_the_edge_of_the_calendar_is_a_clear_rejection():
    # Year 1 in a zone east of UTC cannot be expressed in UTC: a reason, not an OverflowError.
    payload = {"stats": [{"id": "1", "callstart": "0001-01-01 00:00:00", "billseconds": "1"}]}
    (row,) = ZadarmaConnector(Context()).read_file(io.BytesIO(json.dumps(payload).encode()))
    assert "out of range" in row.reason


def test_zadarma_start_at_the_end_of_the_calendar_is_a_reason_not_a_crash():
    item = {"id": "1", "call_id": "1", "callstart": "9999-12-31 23:59:59", "billseconds": 100, "seconds": 100}
    for settings_ in ({}, {"method": "pbx"}):
        [row] = ZadarmaConnector(Context(timezone="UTC", settings=settings_)).read_file(
            io.BytesIO(json.dumps({"stats": [item]}).encode())
        )
        assert isinstance(row, Rejected) and "out of range" in row.reason
