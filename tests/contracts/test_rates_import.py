"""Rates import: a price list in, every bad row reported, all or nothing."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.contracts.models import Rate
from apps.contracts.rates_io import RatesFileError, read_rates
from apps.contracts.services import rates_import

from .factories import RateFactory, TariffFactory

pytestmark = pytest.mark.django_db
HEADER = "prefix;destination;price_per_minute;connection_fee\n"


def csv_bytes(rows: list[str], header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "\n".join(rows) + "\n").encode(encoding)


def price_list(count: int) -> bytes:
    return csv_bytes([f"7{n:06d};Направление {n};{n % 7}.{n % 100:02d};0" for n in range(count)])


def test_ten_thousand_rates_are_imported_in_bulk_with_few_queries(django_assert_max_num_queries):
    tariff = TariffFactory()
    # Bulk: SQLite caps parameters per statement (~140 rows a batch here); one row a query would be 10 000.
    # The audit trail adds one event per new rate, written in bulk too (~83 a statement on SQLite).
    with django_assert_max_num_queries(200):
        result = rates_import(tariff=tariff, data=price_list(10_000), filename="appendix.csv")
    assert (result.rows, result.created) == (10_000, 10_000)
    assert tariff.rates.count() == 10_000
    rate = tariff.rates.get(prefix="7000123")
    assert (rate.destination, rate.price_per_minute) == ("Направление 123", Decimal("4.2300"))


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written():
    tariff = TariffFactory()
    data = csv_bytes(
        [
            "7495;Москва;1.20;0",
            "7x12;Плохой префикс;1;0",  # row 3
            "7812;;1;0",  # row 4
            "7843;Казань;-1;0",  # row 5
            "7495;Москва снова;1;0",  # row 6, duplicate
            "7347;Уфа;1.23456;abc",  # row 7, two errors
            "7351;Челябинск;1,50;0",  # row 8: a decimal comma is fine
        ]
    )
    with pytest.raises(RatesFileError) as info:
        rates_import(tariff=tariff, data=data, filename="appendix.csv")
    found = [(e.row, e.column) for e in info.value.errors]
    assert found == [
        (3, "prefix"),
        (4, "destination"),
        (5, "price_per_minute"),
        (6, "prefix"),
        (7, "price_per_minute"),
        (7, "connection_fee"),
    ]
    assert "already on row 2" in info.value.errors[3].message
    assert "appendix.csv" in str(info.value)
    assert Rate.objects.count() == 0


def test_a_missing_column_is_reported_on_the_header_row():
    with pytest.raises(RatesFileError) as info:
        read_rates(csv_bytes(["7495;Москва"], header="prefix;destination\n"), "a.csv")
    assert [(e.row, e.column) for e in info.value.errors] == [(1, "price_per_minute")]


def test_reimporting_the_same_list_changes_nothing_and_a_changed_price_is_updated():
    tariff = TariffFactory()
    data = csv_bytes(["7495;Москва;1.20;0", "7812;Санкт-Петербург;1.50;0.50"])
    rates_import(tariff=tariff, data=data, filename="a.csv")
    again = rates_import(tariff=tariff, data=data, filename="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = rates_import(tariff=tariff, data=csv_bytes(["7495;Москва;1.10;0"]), filename="a.csv")
    assert (changed.updated, changed.deleted) == (1, 0)
    assert tariff.rates.get(prefix="7495").price_per_minute == Decimal("1.1")
    assert tariff.rates.count() == 2


def test_replace_leaves_exactly_the_prefixes_of_the_file():
    tariff = TariffFactory()
    RateFactory(tariff=tariff, prefix="7999")
    result = rates_import(tariff=tariff, data=csv_bytes(["7495;Москва;1;0"]), filename="a.csv", replace=True)
    assert result.deleted == 1
    assert list(tariff.rates.values_list("prefix", flat=True)) == ["7495"]


def test_a_dry_run_counts_but_writes_nothing():
    tariff = TariffFactory()
    result = rates_import(tariff=tariff, data=price_list(50), filename="a.csv", dry_run=True)
    assert (result.created, result.dry_run) == (50, True)
    assert tariff.rates.count() == 0


def test_an_xlsx_price_list_with_numeric_cells_is_imported():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Prefix", "Destination", "Price per minute", "Connection fee"])
    sheet.append([7495, "Москва", 1.2, 0])
    sheet.append(["7812", "Санкт-Петербург", "1.50", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = rates_import(tariff=TariffFactory(), data=buffer.getvalue(), filename="appendix.xlsx")
    assert result.created == 2
    assert Rate.objects.get(prefix="7495").price_per_minute == Decimal("1.2")


def test_a_text_file_named_xlsx_is_refused():
    with pytest.raises(RatesFileError, match="not an Excel workbook"):
        read_rates(b"prefix,destination\n", "rates.xlsx")


def test_the_command_prints_a_json_summary(tmp_path):
    tariff = TariffFactory(code="RT-2026")
    path = tmp_path / "rates.csv"
    path.write_bytes(price_list(3))
    out = io.StringIO()
    call_command("import_rates", str(path), "--tariff", "RT-2026", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "ok": True,
        "file": "rates.csv",
        "tariff": "RT-2026",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "dry_run": False,
    }
    assert tariff.rates.count() == 3


def test_the_command_lists_bad_rows_in_json_and_fails(tmp_path):
    TariffFactory(code="RT-2026")
    path = tmp_path / "rates.csv"
    path.write_bytes(csv_bytes(["7495;Москва;дорого;0"]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_rates", str(path), "--tariff", "RT-2026", "--json", stdout=out)
    assert json.loads(out.getvalue())["errors"] == [
        {"row": 2, "column": "price_per_minute", "message": "'дорого' is not a number"}
    ]


def test_the_command_names_an_unknown_tariff():
    with pytest.raises(CommandError, match="no tariff with code 'NOPE'"):
        call_command("import_rates", "x.csv", "--tariff", "NOPE")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_any_bytes_give_rows_or_a_clear_error_never_a_crash(data):
    for name in ("rates.csv", "rates.xlsx"):
        try:
            read_rates(HEADER.encode() + data, name)
        except RatesFileError as exc:
            assert exc.errors
