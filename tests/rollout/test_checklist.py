"""Checklist items the inventory can prove are derived from it, and follow it when it changes."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.contracts.models import Contract
from apps.rollout import services
from apps.rollout.models import PhaseCheck
from apps.telecom.models import Device, PhoneNumber
from tests.contracts.factories import ContractFactory, ContractNumberFactory
from tests.factories import (
    CallRouteFactory,
    CityFactory,
    DepartmentFactory,
    DeviceFactory,
    ExtensionFactory,
    NumberAssignmentFactory,
    PbxAccountFactory,
    PhoneNumberFactory,
)
from tests.rollout.factories import RolloutPhaseFactory, UserFactory

from .conftest import utc

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


def _item(phase, code, on=TODAY):
    return next(i for i in services.phase_checklist(phase, on=on) if i.code == code)


@pytest.fixture
def ufa():
    return CityFactory(name="Уфа", timezone="Asia/Yekaterinburg", area_code="347")


@pytest.fixture
def salon(ufa):
    return DepartmentFactory(city=ufa, code="UFA-1", name="Салон на Ленина")


@pytest.fixture
def phase(salon):
    return RolloutPhaseFactory(city=salon.city, department=salon)


def test_numbers_active_is_false_while_the_salon_has_no_number(phase):
    item = _item(phase, "numbers_active")
    assert item.done is False
    assert item.derived


def test_numbers_active_flips_when_the_salons_number_is_activated(phase, salon):
    number = PhoneNumberFactory(city=salon.city, status=PhoneNumber.Status.RESERVED)
    NumberAssignmentFactory(number=number, department=salon, valid_from=dt.date(2026, 3, 1))
    assert _item(phase, "numbers_active").done is False

    number.status = PhoneNumber.Status.ACTIVE
    number.save()

    item = _item(phase, "numbers_active")
    assert item.done is True
    assert "1 of 1" in item.evidence


def test_numbers_active_ignores_an_assignment_that_has_not_started(phase, salon):
    number = PhoneNumberFactory(city=salon.city)
    NumberAssignmentFactory(number=number, department=salon, valid_from=dt.date(2026, 4, 1))
    assert _item(phase, "numbers_active").done is False
    assert _item(phase, "numbers_active", on=dt.date(2026, 4, 1)).done is True


def test_a_city_phase_needs_every_number_of_the_city_assigned(ufa, salon):
    phase = RolloutPhaseFactory(city=ufa)
    assigned = PhoneNumberFactory(city=ufa)
    NumberAssignmentFactory(number=assigned, department=salon, valid_from=dt.date(2026, 1, 1))
    spare = PhoneNumberFactory(city=ufa)
    assert _item(phase, "numbers_active").done is False
    NumberAssignmentFactory(number=spare, department=salon, valid_from=dt.date(2026, 1, 1))
    assert _item(phase, "numbers_active").done is True


def test_phones_installed_follows_the_device_status(phase, salon):
    device = DeviceFactory(department=salon, status=Device.Status.IN_STOCK)
    assert _item(phase, "phones_installed").done is False
    device.status = Device.Status.INSTALLED
    device.save()
    assert _item(phase, "phones_installed").done is True


def test_pbx_configured_needs_a_pbx_account_and_a_route_with_members(phase, salon):
    number = PhoneNumberFactory(city=salon.city)
    NumberAssignmentFactory(number=number, department=salon, valid_from=dt.date(2026, 1, 1))
    assert _item(phase, "pbx_configured").done is False
    number.pbx_account = PbxAccountFactory()
    number.save()
    route = CallRouteFactory(number=number)
    assert _item(phase, "pbx_configured").done is False  # a route with nobody in it rings nowhere
    route.members.add(ExtensionFactory(department=salon))
    assert _item(phase, "pbx_configured").done is True


def test_calls_flowing_flips_when_a_call_arrives_and_lapses_after_the_window(phase, salon, make_call):
    assert _item(phase, "calls_flowing").done is False
    make_call(salon, utc(2026, 3, 9, 6, 0))
    assert _item(phase, "calls_flowing").done is True
    # The window is 7 local days: 10 March sees 4–10 March; 17 March no longer sees 9 March.
    assert _item(phase, "calls_flowing", on=dt.date(2026, 3, 15)).done is True
    assert _item(phase, "calls_flowing", on=dt.date(2026, 3, 16)).done is False


def test_calls_flowing_counts_days_on_the_salons_clock(phase, salon, make_call):
    # 19:30 UTC on 9 March is 00:30 on 10 March in Ufa (UTC+5): a call "today" seen from Ufa.
    make_call(salon, utc(2026, 3, 9, 19, 30))
    assert _item(phase, "calls_flowing", on=dt.date(2026, 3, 16)).done is True
    assert _item(phase, "calls_flowing", on=dt.date(2026, 3, 17)).done is False


def test_calls_of_another_salon_do_not_make_this_one_flow(phase, ufa, make_call):
    make_call(DepartmentFactory(city=ufa), utc(2026, 3, 9, 6, 0))
    assert _item(phase, "calls_flowing").done is False


def test_observation_is_over_after_the_projects_observation_days(phase):
    services.phase_move(phase=phase, status="observing", on=dt.date(2026, 3, 1))
    phase.refresh_from_db()
    assert _item(phase, "observation_over", on=dt.date(2026, 3, 30)).done is False
    assert _item(phase, "observation_over", on=dt.date(2026, 3, 31)).done is True


def test_manual_items_are_ticked_and_unticked_by_a_person(phase):
    user = UserFactory()
    services.phase_check_set(
        phase=phase, item="phones_switched_on", done=True, by=user, on=TODAY, note="Олег"
    )
    item = _item(phase, "phones_switched_on")
    assert item.done is True
    assert not item.derived
    assert "Олег" in item.evidence
    services.phase_check_set(phase=phase, item="phones_switched_on", done=False, by=user)
    assert _item(phase, "phones_switched_on").done is False
    assert not PhaseCheck.objects.exists()


def test_a_derived_item_cannot_be_ticked_by_hand(phase):
    with pytest.raises(services.ValidationError, match="derived items follow the data"):
        services.phase_check_set(phase=phase, item="numbers_active", done=True, by=UserFactory())


def test_contract_signed_follows_the_contracts_covering_the_salons_numbers(phase, salon):
    number = PhoneNumberFactory(city=salon.city)
    NumberAssignmentFactory(number=number, department=salon, valid_from=dt.date(2026, 1, 1))
    contract = ContractFactory(status=Contract.Status.UNDER_REVIEW)
    ContractNumberFactory(contract=contract, number=number, valid_from=dt.date(2026, 1, 1))
    item = _item(phase, "contract_signed")
    assert (item.done, item.derived) == (False, True)
    contract.status = Contract.Status.SIGNED
    contract.save()
    assert _item(phase, "contract_signed").done is True
