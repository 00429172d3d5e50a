"""FreeSWITCH CSV and operator statements (CSV in Windows-1251, XLSX), and the secret at rest."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.calls.connectors.base import CallRow, ConnectorError, Rejected
from apps.calls.connectors.freeswitch_csv import FreeswitchCsvConnector
from apps.calls.connectors.operator_statement import OperatorStatementConnector, parse_duration
from apps.calls.models import CallRecord, Source

from .conftest import parse
from .factories import SourceFactory, StatementProfileFactory

UTC = dt.UTC
FS_ANSWERED = (
    '"Ivanova","101","89171234567","default","2025-03-03 10:15:02","2025-03-03 10:15:09",'
    '"2025-03-03 10:17:44","162","155","NORMAL_CLEARING","7f0c2d1e-3b7a-4c55-9d0e-1a2b3c4d5e6f","",'
    '"sales","PCMA","PCMA"\n'
)
FS_BUSY = (
    '"Petrov ""Jr""","205","83472000000","default","2025-03-03 11:00:00","","2025-03-03 11:00:05",'
    '"5","0","USER_BUSY","0a0b0c0d-0000-4000-8000-000000000001","","","PCMA","PCMA"\n'
)


def test_freeswitch_example_template_answered_and_busy_calls():
    answered, busy = parse(FreeswitchCsvConnector, (FS_ANSWERED + FS_BUSY).encode())
    assert isinstance(answered, CallRow) and isinstance(busy, CallRow)
    assert answered.external_id == "7f0c2d1e-3b7a-4c55-9d0e-1a2b3c4d5e6f"
    assert answered.started_at == dt.datetime(2025, 3, 3, 7, 15, 2, tzinfo=UTC)
    assert (answered.direction, answered.disposition, answered.billsec) == ("out", "answered", 155)
    assert (busy.answered_at, busy.disposition, busy.raw["caller_id_name"]) == (None, "busy", 'Petrov "Jr"')


def test_freeswitch_row_without_uuid_is_rejected():
    [row] = parse(
        FreeswitchCsvConnector, FS_ANSWERED.replace("7f0c2d1e-3b7a-4c55-9d0e-1a2b3c4d5e6f", "").encode()
    )
    assert isinstance(row, Rejected) and "uuid" in row.reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_freeswitch_parser_never_crashes_on_arbitrary_bytes(data):
    for row in parse(FreeswitchCsvConnector, FS_ANSWERED.encode() + data):
        assert isinstance(row, CallRow | Rejected)


STATEMENT_CSV = (
    "Детализация звонков за март 2025\n"
    "Дата и время;Номер А;Номер Б;Длительность;Стоимость, руб.\n"
    "03.03.2025 10:15:02;8 (843) 200-00-01;89171234567;2:35;6,50\n"
    "03.03.2025 11:00:00;78432000001;84951234567;95;1,20\n"
    "03.03.2025 12:00:00;78432000001;84951234567;1:75;0,00\n"
    "вчера;78432000001;84951234567;10;0,10\n"
)


@pytest.mark.django_db
def test_operator_statement_in_cp1251_with_decimal_comma_and_mmss(run_import):
    profile = StatementProfileFactory(header_row=2)
    source = SourceFactory(connector="operator_statement", settings={"profile": profile.name})
    run = run_import(source, STATEMENT_CSV.encode("cp1251"), "detal.csv")
    assert (run.status, run.read, run.inserted, run.rejected) == ("succeeded", 4, 2, 2), run.error
    first = CallRecord.objects.get(billsec=155)
    assert (first.provider_cost, first.currency, first.callee) == (Decimal("6.5000"), "RUB", "+79171234567")
    assert first.started_at == dt.datetime(2025, 3, 3, 7, 15, 2, tzinfo=UTC)
    reasons = sorted(run.quarantined.values_list("line", "reason"))
    assert reasons[0][0] == 5 and "mm:ss" in reasons[0][1]
    assert reasons[1][0] == 6 and "start" in reasons[1][1]


@pytest.mark.django_db
def test_operator_statement_xlsx_is_read_through_the_same_profile(run_import):
    profile = StatementProfileFactory(header_row=1, duration_format="seconds")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Дата и время", "Номер А", "Номер Б", "Длительность", "Стоимость, руб."])
    sheet.append([dt.datetime(2025, 3, 3, 10, 15, 2), "78432000001", "79171234567", 155, 6.5])
    buffer = io.BytesIO()
    book.save(buffer)
    source = SourceFactory(connector="operator_statement", settings={"profile": profile.name})
    run = run_import(source, buffer.getvalue(), "detal.xlsx")
    assert (run.status, run.inserted) == ("succeeded", 1), run.error
    assert CallRecord.objects.get().provider_cost == Decimal("6.5")


@pytest.mark.django_db
def test_operator_statement_whose_header_lacks_a_mapped_column_fails_clearly(run_import):
    profile = StatementProfileFactory(header_row=1)
    source = SourceFactory(connector="operator_statement", settings={"profile": profile.name})
    run = run_import(source, "Дата;Номер\n".encode("cp1251"))
    assert run.status == "failed" and "header row 1 has no column" in run.error


def test_durations_in_seconds_or_minutes_and_seconds():
    assert parse_duration("95", "d", "auto") == 95
    assert parse_duration("2:35", "d", "mm:ss") == 155
    assert parse_duration("1:02:05", "d", "auto") == 3725


def test_statement_without_a_profile_is_a_connector_error():
    from apps.calls.connectors.base import Context

    with pytest.raises(ConnectorError, match=r"settings\.profile"):
        list(OperatorStatementConnector(Context()).read_file(io.BytesIO(b"x")))


@pytest.mark.django_db
def test_source_secret_is_stored_encrypted_and_read_back():
    source = SourceFactory(connector="zadarma")
    source.secret = "s3cr3t-api-key"
    source.save()
    stored = Source.objects.values_list("secret_encrypted", flat=True).get(pk=source.pk)
    assert "s3cr3t" not in stored and stored.startswith("gAAAA")
    assert Source.objects.get(pk=source.pk).secret == "s3cr3t-api-key"


def test_production_without_an_encryption_key_refuses_to_store_a_secret(settings):
    from django.core.exceptions import ImproperlyConfigured

    from apps.calls import crypto

    settings.PRODUCTION, settings.PORTAL_ENCRYPTION_KEYS = True, []
    with pytest.raises(ImproperlyConfigured, match="PORTAL_ENCRYPTION_KEY"):
        crypto.encrypt("secret")


def test_keys_rotate_old_secrets_stay_readable(settings):
    from cryptography.fernet import Fernet

    from apps.calls import crypto

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PORTAL_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("api-key")
    settings.PORTAL_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token) == "api-key"
