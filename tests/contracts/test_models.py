"""Contract, party, coverage, tariff and charge rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.contracts.models import Contract, ContractParty, RecurringCharge, Tariff, parse_increment
from apps.telecom.models import Provider
from tests.factories import LineFactory, PhoneNumberFactory, ProviderFactory

from .factories import ContractFactory, ContractNumberFactory, RecurringChargeFactory, TariffFactory

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_three_party_agreement_is_one_contract_with_operator_pbx_provider_and_customer():
    operator = ProviderFactory(name="ПАО Ростелеком", kind=Provider.Kind.OPERATOR)
    pbx = ProviderFactory(name="ООО Облачная АТС", kind=Provider.Kind.PBX_PROVIDER)
    contract = ContractFactory(kind=Contract.Kind.SUPPLEMENTARY)
    ContractParty.objects.create(contract=contract, provider=operator, role=ContractParty.Role.OPERATOR)
    ContractParty.objects.create(contract=contract, provider=pbx, role=ContractParty.Role.PBX_PROVIDER)
    ContractParty.objects.create(contract=contract, role=ContractParty.Role.CUSTOMER)

    assert sorted(contract.parties.values_list("role", flat=True)) == ["customer", "operator", "pbx_provider"]
    assert set(contract.providers.all()) == {operator, pbx}
    assert list(operator.contracts.all()) == [contract]


def test_a_customer_party_cannot_name_a_provider_and_an_operator_party_must():
    contract = ContractFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractParty.objects.create(contract=contract, provider=ProviderFactory(), role="customer")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractParty.objects.create(contract=contract, role="operator")
    with pytest.raises(ValidationError, match="needs its provider"):
        ContractParty(contract=contract, role="operator").full_clean()


def test_a_contract_has_only_one_customer_side():
    contract = ContractFactory()
    ContractParty.objects.create(contract=contract, role="customer")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractParty.objects.create(contract=contract, role="customer")


def test_overlapping_tariff_periods_of_one_contract_are_refused():
    first = TariffFactory(valid_from=D(2026, 1, 1), valid_to=D(2026, 7, 1))
    clash = Tariff(
        code="T-NEW", contract=first.contract, name="Новый", valid_from=D(2026, 6, 1), increment="1/1"
    )
    with pytest.raises(ValidationError, match="Overlaps"):
        clash.full_clean()
    follow_on = Tariff(
        code="T-NEXT", contract=first.contract, name="С июля", valid_from=D(2026, 7, 1), increment="1/1"
    )
    follow_on.full_clean()  # starts the day the first one stops applying: no overlap


def test_tariffs_of_different_contracts_may_cover_the_same_days():
    TariffFactory(valid_from=D(2026, 1, 1))
    other = TariffFactory.build(valid_from=D(2026, 1, 1), contract=ContractFactory())
    other.full_clean()


@pytest.mark.parametrize(("text", "parsed"), [("60/60", (60, 60)), ("1/1", (1, 1)), (" 30 / 6 ", (30, 6))])
def test_billing_increments_are_read_as_first_block_and_next_block(text, parsed):
    assert parse_increment(text) == parsed


@pytest.mark.parametrize("text", ["60", "60/0", "0/60", "a/b", "60/60/60", "5000/1", ""])
def test_a_malformed_billing_increment_is_refused_with_the_expected_form(text):
    tariff = TariffFactory.build(contract=ContractFactory(), increment=text)
    with pytest.raises(ValidationError) as info:
        tariff.full_clean()
    assert "increment" in info.value.message_dict


def test_a_recurring_charge_must_be_for_exactly_one_thing():
    charge = RecurringChargeFactory()
    charge.line = LineFactory()
    with pytest.raises(ValidationError, match="exactly one"):
        charge.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        RecurringCharge.objects.filter(pk=charge.pk).update(line=charge.line)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecurringCharge.objects.filter(pk=charge.pk).update(department=None)


def test_a_number_covered_twice_by_one_contract_in_overlapping_periods_is_refused():
    covered = ContractNumberFactory(valid_from=D(2026, 1, 1))
    again = ContractNumberFactory.build(
        contract=covered.contract, number=covered.number, valid_from=D(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="Overlaps"):
        again.full_clean()
    other_contract = ContractNumberFactory.build(number=covered.number, valid_from=D(2026, 3, 1))
    other_contract.contract.save()
    other_contract.contract = other_contract.contract
    other_contract.full_clean()  # the master contract and the agreement may cover one number together


def test_a_contract_cannot_become_its_own_grandparent():
    master = ContractFactory()
    agreement = ContractFactory(parent=master, kind=Contract.Kind.SUPPLEMENTARY)
    master.parent = agreement
    with pytest.raises(ValidationError, match="ancestor"):
        master.full_clean()


def test_a_renewing_contract_without_any_term_is_refused():
    contract = ContractFactory.build(initial_term_months=None, end_date=None, renewal="tacit")
    with pytest.raises(ValidationError) as info:
        contract.full_clean()
    assert "renewal" in info.value.message_dict


def test_vat_defaults_to_22_percent():
    assert ContractFactory().vat_rate == 22


def test_expiring_within_lists_signed_contracts_whose_term_ends_in_the_window():
    on = D(2026, 12, 1)
    ends_soon = ContractFactory(start_date=D(2026, 1, 1), initial_term_months=12, renewal="none")
    ContractFactory(start_date=D(2026, 6, 1), initial_term_months=12, renewal="none")  # ends May 2027
    ContractFactory(start_date=D(2026, 1, 1), initial_term_months=12, status="draft", signed_on=None)
    ContractFactory(start_date=D(2025, 1, 1), initial_term_months=12, renewal="none")  # ended already
    assert list(Contract.objects.expiring_within(days=31, on=on)) == [ends_soon]
    assert list(Contract.objects.expiring_within(days=29, on=on)) == []


def test_in_notice_window_lists_signed_contracts_whose_notice_day_is_near():
    on = D(2026, 11, 15)
    due = ContractFactory(start_date=D(2026, 1, 1), notice_days=30)  # notice by 1 Dec 2026
    ContractFactory(start_date=D(2026, 1, 1), notice_days=60)  # notice by 1 Nov 2026: passed, next in 2027
    ContractFactory(start_date=D(2026, 1, 1), notice_days=None)
    assert list(Contract.objects.in_notice_window(on=on, days=30)) == [due]
    assert list(Contract.objects.in_notice_window(on=on, days=16)) == [due]  # 15 Nov + 16 days = 1 Dec
    assert list(Contract.objects.in_notice_window(on=on, days=15)) == []


def test_a_number_can_be_found_with_the_contracts_covering_it():
    number = PhoneNumberFactory()
    covering = ContractNumberFactory(number=number)
    assert list(number.contract_coverage.values_list("contract__code", flat=True)) == [covering.contract.code]
