"""The number migration plan: items, derived blockers, the inventory following a move, progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.contracts.models import Contract
from apps.risk.models import RiskFinding
from apps.rollout import services
from apps.rollout.models import MigrationItem
from apps.telecom.models import NumberAssignment, PhoneNumber, Provider
from tests.contracts.factories import (
    ContractDocumentFactory,
    ContractFactory,
    ContractNumberFactory,
    ContractPartyFactory,
)
from tests.factories import DepartmentFactory, NumberAssignmentFactory, PhoneNumberFactory, ProviderFactory
from tests.risk.factories import DocumentScanFactory, RiskFindingFactory
from tests.rollout.factories import MigrationItemFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


def codes(item, on=TODAY):
    item = MigrationItem.objects.with_related().get(pk=item.pk)
    return {
        b.code for b in services.migration_blockers(item, services.migration_blocker_context([item], on=on))
    }


@pytest.fixture
def pbx():
    return ProviderFactory(name="ВиртуалАТС", kind=Provider.Kind.PBX_PROVIDER)


@pytest.fixture
def operator():
    return ProviderFactory(name="Башинформсвязь")


@pytest.fixture
def held(pbx):
    """A number rented through the PBX provider under a 12-month tacit contract, notice 30 days."""
    number = PhoneNumberFactory(intermediary=pbx, monthly_fee=Decimal("900.00"))
    contract = ContractFactory(code="VATS-2026", start_date=dt.date(2026, 1, 1), notice_days=30)
    ContractPartyFactory(contract=contract, provider=pbx, role="pbx_provider")
    ContractNumberFactory(contract=contract, number=number, valid_from=dt.date(2026, 1, 1))
    return number


def test_sync_plans_every_intermediary_number_once(held):
    direct = PhoneNumberFactory()
    created = services.migration_plan_sync()
    assert [i.number for i in created] == [held]
    assert created[0].monthly_fee_before == Decimal("900.00")
    assert services.migration_plan_sync() == []
    assert not MigrationItem.objects.filter(number=direct).exists()


def test_a_directly_held_number_gets_no_migration_item():
    item = MigrationItem(number=PhoneNumberFactory(), monthly_fee_before=Decimal("0"))
    with pytest.raises(ValidationError, match="held directly"):
        item.full_clean()


def test_the_target_cannot_be_the_intermediary_itself(held, pbx):
    item = MigrationItem(number=held, target_operator=pbx, monthly_fee_before=Decimal("0"))
    with pytest.raises(ValidationError, match="not the intermediary"):
        item.full_clean()


def test_locked_in_number_is_blocked_until_the_contract_can_end(held, operator):
    item = MigrationItemFactory(number=held, target_operator=operator, cutover_on=dt.date(2026, 6, 1))
    ctx = services.migration_blocker_context([item], on=TODAY)
    blocker = next(b for b in services.migration_blockers(item, ctx) if b.code == "notice_running")
    # 12-month tacit term: ends 31 Dec 2026, notice 30 days → give notice by 1 Dec, free from 1 Jan 2027.
    assert "2027-01-01" in blocker.message
    assert "2026-12-01" in blocker.message

    item.cutover_on = dt.date(2027, 1, 15)
    item.save()
    assert "notice_running" not in codes(item)


def test_notice_blocker_disappears_when_the_contract_is_terminated(held, operator):
    item = MigrationItemFactory(number=held, target_operator=operator, cutover_on=dt.date(2026, 6, 1))
    assert "notice_running" in codes(item)
    Contract.objects.filter(code="VATS-2026").update(status=Contract.Status.TERMINATED)
    assert "notice_running" not in codes(item)


def test_an_open_ended_contract_blocks_only_for_its_notice_days(pbx, operator):
    number = PhoneNumberFactory(intermediary=pbx)
    contract = ContractFactory(start_date=dt.date(2025, 1, 1), initial_term_months=None, notice_days=60)
    ContractNumberFactory(contract=contract, number=number, valid_from=dt.date(2025, 1, 1))
    item = MigrationItemFactory(number=number, target_operator=operator, cutover_on=dt.date(2026, 5, 1))
    assert "notice_running" in codes(item)  # notice today → out on 9 May
    item.cutover_on = dt.date(2026, 5, 9)
    item.save()
    assert "notice_running" not in codes(item)


def test_no_contract_with_the_target_operator_blocks_until_one_is_signed(held, operator):
    item = MigrationItemFactory(number=held, target_operator=operator)
    assert "no_target_contract" in codes(item)
    draft = ContractFactory(status=Contract.Status.DRAFT)
    ContractPartyFactory(contract=draft, provider=operator)
    assert "no_target_contract" in codes(item)
    draft.status = Contract.Status.SIGNED
    draft.save()
    assert "no_target_contract" not in codes(item)


def test_a_chosen_target_contract_blocks_while_unsigned(held, operator):
    draft = ContractFactory(code="BIS-DRAFT", status=Contract.Status.UNDER_REVIEW)
    ContractPartyFactory(contract=draft, provider=operator)
    item = MigrationItemFactory(number=held, target_operator=operator, target_contract=draft)
    assert "target_contract_unsigned" in codes(item)
    draft.status = Contract.Status.SIGNED
    draft.save()
    assert "target_contract_unsigned" not in codes(item)


def test_the_target_contract_must_be_with_the_target_operator(held, operator):
    other = ContractFactory()
    ContractPartyFactory(contract=other)
    item = MigrationItemFactory.build(number=held, target_operator=operator, target_contract=other)
    with pytest.raises(ValidationError, match="not a party"):
        item.full_clean()


def test_no_target_operator_is_a_blocker(held):
    assert "no_target_operator" in codes(MigrationItemFactory(number=held))


def test_ordering_a_port_needs_the_request_reference(held, operator):
    item = MigrationItemFactory(number=held, target_operator=operator)
    with pytest.raises(ValidationError, match="porting request"):
        services.migration_item_advance(item=item, status="ordered", on=TODAY)
    item.porting_request = "MNP-2026-0042"
    item.save()
    services.migration_item_advance(item=item, status="ordered", on=TODAY)
    item.refresh_from_db()
    assert (item.status, item.ordered_on) == ("ordered", TODAY)


def test_switching_a_ported_number_makes_it_direct(held, operator, pbx):
    item = MigrationItemFactory(
        number=held, target_operator=operator, porting_request="MNP-1", target_monthly_fee=Decimal("400.00")
    )
    services.migration_item_advance(item=item, status="switched", on=TODAY)
    held.refresh_from_db()
    assert held.intermediary is None
    assert held.carrier == operator
    assert held.monthly_fee == Decimal("400.00")
    assert not held.is_at_risk


def test_releasing_the_old_number_after_a_parallel_run_ends_its_assignment(held, operator):
    salon = DepartmentFactory(city=held.city)
    NumberAssignmentFactory(number=held, department=salon, valid_from=dt.date(2026, 1, 1))
    new = PhoneNumberFactory(city=held.city, carrier=operator, monthly_fee=Decimal("350.00"))
    item = MigrationItemFactory(number=held, target_operator=operator, method="new_number")
    with pytest.raises(ValidationError, match="new number"):
        services.migration_item_advance(item=item, status="parallel_run", on=TODAY)
    item.new_number = new
    item.save()
    services.migration_item_advance(item=item, status="parallel_run", on=TODAY)
    services.migration_item_advance(item=item, status="switched", on=dt.date(2026, 4, 1))
    services.migration_item_advance(item=item, status="released", on=dt.date(2026, 5, 1))
    held.refresh_from_db()
    assert held.status == PhoneNumber.Status.RELEASED
    assert held.released_on == dt.date(2026, 5, 1)
    assert NumberAssignment.objects.get(number=held).valid_to == dt.date(2026, 5, 1)


def test_a_moved_number_cannot_go_back(held, operator):
    item = MigrationItemFactory(number=held, target_operator=operator, porting_request="MNP-1")
    services.migration_item_advance(item=item, status="switched", on=TODAY)
    with pytest.raises(ValidationError, match="cannot go back"):
        services.migration_item_advance(item=item, status="planned", on=TODAY)


def test_break_even_is_one_off_cost_over_the_monthly_saving(held):
    item = MigrationItemFactory(
        number=held, one_off_cost=Decimal("3000.00"), target_monthly_fee=Decimal("400.00")
    )
    result = services.migration_break_even(item)
    assert result["saving"] == Decimal("500.00")
    assert result["months"] == Decimal("6.0")


def test_break_even_never_comes_when_the_new_fee_is_higher(held):
    item = MigrationItemFactory(number=held, one_off_cost=Decimal("1000"), target_monthly_fee=Decimal("950"))
    assert services.migration_break_even(item)["months"] is None


def test_progress_counts_numbers_and_monthly_cost_moved(pbx, operator):
    for _ in range(3):
        PhoneNumberFactory(intermediary=pbx, monthly_fee=Decimal("100.00"))
    items = services.migration_plan_sync()
    first = items[0]
    first.target_operator, first.porting_request = operator, "MNP-9"
    first.save()
    services.migration_item_advance(item=first, status="switched", on=TODAY)
    p = services.migration_plan_progress(on=TODAY)
    assert (p["numbers_total"], p["numbers_moved"], p["numbers_held"]) == (3, 1, 2)
    assert (p["monthly_total"], p["monthly_moved"]) == (Decimal("300.00"), Decimal("100.00"))
    assert p["percent_numbers"] == 33


def test_more_than_five_numbers_through_one_intermediary_is_flagged(pbx):
    for _ in range(5):
        MigrationItemFactory(number=PhoneNumberFactory(intermediary=pbx), cutover_on=dt.date(2026, 6, 1))
    row = services.migration_plan_progress(on=TODAY)["intermediaries"][0]
    assert (row["numbers"], row["hard_way"]) == (5, False)
    MigrationItemFactory(number=PhoneNumberFactory(intermediary=pbx), cutover_on=dt.date(2026, 6, 1))
    row = services.migration_plan_progress(on=TODAY)["intermediaries"][0]
    assert (row["numbers"], row["hard_way"]) == (6, True)


def test_a_number_held_more_than_a_year_ahead_is_flagged(pbx):
    item = MigrationItemFactory(number=PhoneNumberFactory(intermediary=pbx), cutover_on=dt.date(2027, 3, 10))
    assert services.migration_plan_progress(on=TODAY)["hard_way"] is False
    item.cutover_on = dt.date(2027, 3, 11)
    item.save()
    p = services.migration_plan_progress(on=TODAY)
    assert p["hard_way"] is True
    assert "more than a year ahead" in p["intermediaries"][0]["reasons"][0]


def test_a_number_with_no_plan_counts_as_held_indefinitely(pbx):
    PhoneNumberFactory(intermediary=pbx)
    assert services.migration_plan_progress(on=TODAY)["intermediaries"][0]["beyond_year"] == 1


@pytest.fixture
def lock_in(held):
    """The lawyer's scanner found a number lock-in clause in the PBX contract's current text."""
    contract = Contract.objects.get(code="VATS-2026")
    document = ContractDocumentFactory(contract=contract, version=1)
    return RiskFindingFactory(
        scan=DocumentScanFactory(document=document),
        code="NUMBER_LOCKIN",
        severity="critical",
        clause="2.4",
        quote="переоформление номеров на другого оператора не производится",
    )


def test_locked_in_number_shows_the_lock_in_clause_until_the_lawyer_resolves_it(held, operator, lock_in):
    item = MigrationItemFactory(number=held, target_operator=operator, cutover_on=dt.date(2027, 2, 1))
    ctx = services.migration_blocker_context([item], on=TODAY)
    blocker = next(b for b in services.migration_blockers(item, ctx) if b.code == "lock_in")
    assert "VATS-2026 п. 2.4" in blocker.message

    lock_in.status = RiskFinding.Status.ACCEPTED_RISK  # accepted in the contract: still locked in
    lock_in.save()
    assert "lock_in" in codes(item)
    lock_in.status = RiskFinding.Status.NEGOTIATED  # the provider agreed to release the numbers
    lock_in.save()
    assert "lock_in" not in codes(item)


def test_a_newer_contract_text_without_the_clause_lifts_the_lock_in(held, operator, lock_in):
    item = MigrationItemFactory(number=held, target_operator=operator)
    assert "lock_in" in codes(item)
    ContractDocumentFactory(contract=lock_in.document.contract, version=2)
    assert "lock_in" not in codes(item)


def test_a_lock_in_on_another_contract_does_not_block_this_number(pbx, operator, lock_in):
    other = PhoneNumberFactory(intermediary=pbx)
    item = MigrationItemFactory(number=other, target_operator=operator)
    assert "lock_in" not in codes(item)


# --- Debt (issue 8 × issue 7) -------------------------------------------------------------------


def _invoice(provider, contract, number, *, status="received", due=None, paid_on=None):
    from apps.billing.models import Invoice

    return Invoice.objects.create(
        provider=provider,
        contract=contract,
        number=number,
        issue_date=dt.date(2026, 2, 1),
        received_date=dt.date(2026, 2, 2),
        period=dt.date(2026, 1, 1),
        due_date=due,
        net=Decimal("1000.00"),
        vat=Decimal("220.00"),
        gross=Decimal("1220.00"),
        status=status,
        paid_on=paid_on,
    )


def test_an_unpaid_invoice_of_the_provider_being_left_blocks_the_move_until_paid(held, pbx, operator):
    from apps.billing.invoices.services import invoice_pay

    item = MigrationItemFactory(number=held, target_operator=operator)
    contract = Contract.objects.get(code="VATS-2026")
    assert "debt" not in codes(item)
    invoice = _invoice(pbx, contract, "V-0201", due=dt.date(2026, 3, 1))
    blockers = {b.code: b for b in services.migration_blockers(
        MigrationItem.objects.with_related().get(pk=item.pk),
        services.migration_blocker_context([item], on=TODAY),
    )}  # fmt: skip
    assert "V-0201" in blockers["debt"].message and "overdue since 2026-03-01" in blockers["debt"].message
    invoice_pay(invoice=invoice, paid_on=dt.date(2026, 3, 9))
    assert "debt" not in codes(item)


def test_a_disputed_invoice_blocks_and_another_providers_debt_does_not(held, pbx, operator):
    item = MigrationItemFactory(number=held, target_operator=operator)
    contract = Contract.objects.get(code="VATS-2026")
    other = ContractFactory(code="OP-2026")
    ContractPartyFactory(contract=other, provider=operator)
    _invoice(operator, other, "OP-1")  # the target operator's own bill: we are not leaving it
    assert "debt" not in codes(item)
    _invoice(pbx, contract, "V-0202", status="disputed")
    assert "debt" in codes(item)
    MigrationItem.objects.filter(pk=item.pk).update(status=MigrationItem.Status.SWITCHED)
    assert "debt" not in codes(item)
