"""Importing operator invoices through a saved column-mapping profile (the statement machinery)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from apps.billing.invoices.reconciliation import reconcile
from apps.billing.models import Invoice, InvoiceLine
from apps.calls.models import StatementProfile

from .invoice_support import LINE_FEE

D = Decimal

PROFILE_COLUMNS = {
    "service": "Услуга",
    "number": "Номер",
    "date": "Дата",
    "time": "Время",
    "callee": "Вызываемый номер",
    "duration": "Длительность",
    "quantity": "Количество",
    "amount": "Сумма, руб.",
    "invoice_number": "Счёт",
    "contract": "Договор",
    "issue_date": "Дата счёта",
}
HEADER = (
    "Счёт;Дата счёта;Договор;Услуга;Номер;Дата;Время;Вызываемый номер;Длительность;Количество;Сумма, руб."
)
ROWS = [
    f"ТТ-0412;01.04.2026;TT-2026;{LINE_FEE};;;;;;1;1 000,00",
    "ТТ-0412;01.04.2026;TT-2026;Аренда номера;8 (843) 200-00-01;;;;;1;500,00",
    "ТТ-0412;01.04.2026;TT-2026;Исходящая связь;78432000001;10.03.2026;12:00:20;89171234567;1:01;;2,90",
    "ТТ-0412;01.04.2026;TT-2026;Исходящая связь;78432000001;11.03.2026;17:00:00;+78432123456;0:30;;0,40",
]


@pytest.fixture
def profile(db):
    return StatementProfile.objects.create(
        name="Таттелеком счёт",
        encoding="cp1251",
        delimiter=";",
        decimal_comma=True,
        datetime_format="%d.%m.%Y %H:%M:%S",
        duration_format="auto",
        columns=PROFILE_COLUMNS,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def write(tmp_path, rows, name="invoice.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1251"))
    return path


def test_windows_1251_semicolon_file_with_decimal_commas_imports_and_reconciles(
    inv_world, profile, media, tmp_path
):
    path = write(tmp_path, ROWS)
    assert "Аренда".encode("cp1251") in path.read_bytes()  # really Windows-1251, not UTF-8
    call_command(
        "import_invoice", "--profile", profile.name, str(path), "--received", "2026-04-02", "--json",
        stdout=(out := __import__("io").StringIO()),
    )  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["imported"] and summary["created"]
    assert (summary["lines"], summary["calls"], summary["net"]) == (4, 2, "1503.30")
    assert summary["discrepancies"] == 0 and summary["month"] == "2026-03"
    invoice = Invoice.objects.get(number="ТТ-0412")
    assert invoice.provider == inv_world.provider and invoice.contract == inv_world.contract
    assert invoice.issue_date == dt.date(2026, 4, 1) and invoice.status == Invoice.Status.CHECKING
    assert invoice.file.name and invoice.original_name == "invoice.csv"
    fee = invoice.lines.get(service=LINE_FEE)
    assert (fee.kind, fee.amount, fee.quantity) == (InvoiceLine.Kind.FEE, D("1000.00"), D("1.000"))
    rent = invoice.lines.get(service="Аренда номера")
    assert rent.number == "+78432000001"
    calls = list(invoice.lines.filter(kind=InvoiceLine.Kind.CALL).order_by("started_at"))
    # 12:00:20 Moscow = 09:00:20 UTC; 1:01 = 61 s.
    assert calls[0].started_at == dt.datetime(2026, 3, 10, 9, 0, 20, tzinfo=dt.UTC)
    assert (calls[0].duration, calls[0].amount, calls[0].callee) == (61, D("2.90"), "+79171234567")
    assert reconcile(invoice).discrepancies == []


def test_reimport_replaces_the_lines_and_adds_no_invoice(inv_world, profile, media, tmp_path):
    path = write(tmp_path, ROWS)
    for _ in range(2):
        call_command("import_invoice", "--profile", profile.name, str(path), "--received", "2026-04-02")
    assert Invoice.objects.count() == 1
    assert InvoiceLine.objects.count() == 4


def test_bad_rows_refuse_the_whole_file_naming_file_row_and_field(inv_world, profile, media, tmp_path):
    rows = [*ROWS]
    rows[1] = rows[1].replace("500,00", "пятьсот")
    rows[2] = rows[2].replace("10.03.2026", "10/03/2026")
    path = write(tmp_path, rows, name="bad.csv")
    with pytest.raises(CommandError) as exc:
        call_command("import_invoice", "--profile", profile.name, str(path))
    message = str(exc.value)
    assert "bad.csv, row 3, amount: 'пятьсот' is not a number" in message
    assert "bad.csv, row 4, start: '10/03/2026 12:00:20' does not match" in message
    assert Invoice.objects.count() == 0 and InvoiceLine.objects.count() == 0


def test_unknown_profile_and_missing_header_are_clear(inv_world, profile, media, tmp_path):
    path = write(tmp_path, ROWS)
    with pytest.raises(CommandError, match="no column-mapping profile named 'nope'"):
        call_command("import_invoice", "--profile", "nope", str(path))
    path.write_bytes("Услуга;Сумма\r\nx;1,00\r\n".encode("cp1251"))
    with pytest.raises(CommandError, match="header row 1 has no column"):
        call_command("import_invoice", "--profile", profile.name, str(path))


def test_a_file_mixing_two_invoices_is_refused(inv_world, profile, media, tmp_path):
    rows = [*ROWS]
    rows[3] = rows[3].replace("ТТ-0412", "ТТ-0413")
    path = write(tmp_path, rows)
    with pytest.raises(CommandError, match="invoice_number: 'ТТ-0413' differs from 'ТТ-0412'"):
        call_command("import_invoice", "--profile", profile.name, str(path))
