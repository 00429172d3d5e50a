"""Workbook sheets: import by natural keys, bad rows reported, nothing written on error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import tablib

from apps.contracts.models import Contract, ContractNumber, ContractParty, Rate, RecurringCharge, Tariff
from apps.contracts.resources import (
    ContractLineResource,
    ContractNumberResource,
    ContractResource,
    RateResource,
    RecurringChargeResource,
    TariffResource,
)
from apps.contracts.workbook import SHEETS
from tests.factories import DepartmentFactory, LineFactory, PhoneNumberFactory, ProviderFactory

from .factories import ContractFactory, ContractNumberFactory, TariffFactory

pytestmark = pytest.mark.django_db


def dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


def run(resource_class, data, dry_run=False):
    return resource_class().import_data(data, dry_run=dry_run, use_transactions=True, raise_errors=False)


def row_problems(result) -> list[tuple[int, str]]:
    """(row number, field) of every invalid row, plus (row number, 'error') of rows that crashed."""
    found = [(row.number, field) for row in result.invalid_rows for field in row.error_dict]
    found += [(number, "error") for number, _ in result.row_errors()]
    return sorted(found)


def test_the_workbook_lists_its_sheets_in_dependency_order():
    assert [name for name, _ in SHEETS] == [
        "contracts",
        "contract_numbers",
        "contract_lines",
        "tariffs",
        "rates",
        "recurring_charges",
    ]


def test_contracts_import_with_provider_parent_and_vat_in_percent():
    ProviderFactory(name="ПАО Ростелеком", kind="operator")
    data = dataset(
        ["code", "provider", "kind", "parent", "start_date", "end_date", "currency", "vat_rate"],
        ["RT-1", "ПАО Ростелеком", "service", "", "2026-01-01", "2026-12-31", "RUB", "22"],
        ["RT-1/DS-1", "ПАО Ростелеком", "supplementary", "RT-1", "2026-02-01", "", "RUB", "22"],
    )
    result = run(ContractResource, data)
    assert not result.has_errors() and not result.has_validation_errors()
    agreement = Contract.objects.get(code="RT-1/DS-1")
    assert agreement.parent.code == "RT-1" and agreement.vat_rate == Decimal("22")
    assert agreement.parties.get().role == ContractParty.Role.OPERATOR
    again = run(ContractResource, data)
    assert [row.import_type for row in again.rows] == ["skip", "skip"]
    assert ContractParty.objects.count() == 2


def test_bad_contract_rows_are_reported_and_nothing_is_written():
    data = dataset(
        ["code", "provider", "kind", "parent", "start_date", "end_date", "currency", "vat_rate"],
        ["OK-1", "", "service", "", "2026-01-01", "", "RUB", "22"],
        ["BAD-1", "Нет такого", "service", "", "2026-01-01", "", "RUB", "22"],
        ["BAD-2", "", "lease", "", "2026-01-01", "", "RUB", "22"],
        ["BAD-3", "", "service", "", "2026-05-01", "2026-04-01", "RUB", "150"],
        ["BAD-4", "", "service", "NOPE", "01.05.2026", "", "RUB", "22"],
    )
    result = run(ContractResource, data)
    assert row_problems(result) == [
        (2, "provider"),
        (3, "kind"),
        (4, "end_date"),
        (4, "vat_rate"),
        (5, "parent"),
        (5, "start_date"),
    ]
    assert "Нет такого" in str(result.invalid_rows[0].error_dict["provider"])
    assert Contract.objects.count() == 0  # the good row was rolled back with the bad ones


def test_a_dry_run_of_good_rows_writes_nothing():
    PhoneNumberFactory(number="+78432000001")
    ContractFactory(code="RT-1")
    data = dataset(
        ["contract", "number", "valid_from", "valid_to"], ["RT-1", "8 (843) 200-00-01", "2026-01-01", ""]
    )
    result = run(ContractNumberResource, data, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 1
    assert ContractNumber.objects.count() == 0


def test_coverage_rows_naming_unknown_numbers_or_overlapping_periods_are_refused():
    number = PhoneNumberFactory(number="+78432000001")
    contract = ContractFactory(code="RT-1")
    ContractNumberFactory(contract=contract, number=number, valid_from=dt.date(2026, 1, 1))
    data = dataset(
        ["contract", "number", "valid_from", "valid_to"],
        ["RT-1", "+78432000001", "2026-03-01", ""],
        ["RT-1", "+78432999999", "2026-01-01", ""],
    )
    result = run(ContractNumberResource, data)
    problems = row_problems(result)
    assert problems[0] == (1, "valid_from")  # overlaps the period already recorded
    assert problems[1][0] == 2
    assert ContractNumber.objects.count() == 1


def test_lines_tariffs_rates_and_charges_import_by_natural_keys():
    ContractFactory(code="RT-1")
    LineFactory(name="kzn-sip-1")
    DepartmentFactory(code="KZN-01")
    assert not run(
        ContractLineResource, dataset(["contract", "line", "valid_from"], ["RT-1", "kzn-sip-1", "2026-01-01"])
    ).has_validation_errors()
    tariffs = dataset(
        ["code", "contract", "name", "valid_from", "valid_to", "increment", "free_seconds"],
        ["RT-1-2026", "RT-1", "Тариф 2026", "2026-01-01", "", "60/60", "3"],
    )
    assert not run(TariffResource, tariffs).has_validation_errors()
    rates = dataset(
        ["tariff", "prefix", "destination", "price_per_minute", "connection_fee"],
        ["RT-1-2026", "7495", "Москва", "1.20", "0"],
    )
    assert not run(RateResource, rates).has_validation_errors()
    charges = dataset(
        ["contract", "name", "kind", "amount", "currency", "period", "department", "valid_from"],
        ["RT-1", "Абонплата за канал", "line", "1500.00", "RUB", "monthly", "KZN-01", "2026-01-01"],
    )
    assert not run(RecurringChargeResource, charges).has_validation_errors()
    assert Tariff.objects.get().increment == "60/60"
    assert Rate.objects.get().price_per_minute == Decimal("1.2")
    assert RecurringCharge.objects.get().department.code == "KZN-01"


def test_a_bad_increment_and_an_overlapping_tariff_are_reported_by_row():
    TariffFactory(code="OLD", contract=ContractFactory(code="RT-1"), valid_from=dt.date(2026, 1, 1))
    data = dataset(
        ["code", "contract", "name", "valid_from", "valid_to", "increment", "free_seconds"],
        ["NEW-1", "RT-1", "Пересекается", "2026-06-01", "", "60/60", "0"],
        ["NEW-2", "RT-1", "Плохой шаг", "2025-01-01", "2025-06-01", "60", "0"],
    )
    result = run(TariffResource, data)
    assert row_problems(result) == [(1, "valid_from"), (2, "increment")]
    assert Tariff.objects.count() == 1


def test_a_charge_for_nothing_is_refused():
    ContractFactory(code="RT-1")
    data = dataset(
        ["contract", "name", "kind", "amount", "currency", "period", "valid_from"],
        ["RT-1", "Ни для чего", "service", "10", "RUB", "monthly", "2026-01-01"],
    )
    result = run(RecurringChargeResource, data)
    assert result.has_validation_errors()
    assert "exactly one" in str(result.invalid_rows[0].error_dict)
    assert RecurringCharge.objects.count() == 0


def test_export_then_import_reproduces_the_contracts():
    ProviderFactory(name="ООО Оператор")
    source = dataset(
        ["code", "provider", "kind", "parent", "start_date", "end_date", "currency", "vat_rate"],
        ["A-1", "ООО Оператор", "service", "", "2026-01-01", "2026-12-31", "RUB", "22"],
    )
    run(ContractResource, source)
    exported = ContractResource().export()
    assert exported.dict[0]["provider"] == "ООО Оператор"
    assert exported.dict[0]["vat_rate"] in ("22.00", "22")
    again = run(ContractResource, exported)
    assert [row.import_type for row in again.rows] == ["skip"]
