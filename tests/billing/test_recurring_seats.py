"""PBX seat fees: a charge on a PBX account is shared by the extension-days each department held on it.

Every expectation is computed by hand in the comment next to it (March 2026 has 31 days).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from apps.billing.models import ChargeAllocation
from apps.billing.rating import Month, prorate, prorate_by_units
from apps.billing.services import charges_allocate, cost_report_build, cost_report_data
from apps.contracts.models import RecurringCharge
from tests.contracts.factories import RecurringChargeFactory
from tests.factories import ExtensionFactory, PbxAccountFactory

D = Decimal
MARCH = Month(2026, 3)


def seat_shares(charge):
    return {
        (a.department.code if a.department_id else None): (a.amount, a.days)
        for a in ChargeAllocation.objects.filter(period=MARCH.first_day, charge=charge).select_related(
            "department"
        )
    }


@pytest.fixture
def pbx(world):
    account = PbxAccountFactory(account_id="kzn-cloud")
    return account


def seat_charge(world, account, **kwargs):
    values = {
        "contract": world.contract,
        "name": "PBX seats",
        "kind": RecurringCharge.Kind.PBX_SEAT,
        "department": None,
        "pbx_account": account,
        "amount": D("1000.00"),
    }
    values.update(kwargs)
    return RecurringChargeFactory(**values)


def test_seat_fee_is_shared_by_extension_days_of_each_department(world, pbx):
    ExtensionFactory(extension="101", pbx_account=pbx, department=world.sales)
    ExtensionFactory(extension="102", pbx_account=pbx, department=world.sales)
    # KZN-2 holds one extension for 1–10 March (valid_to is the first day it no longer applies).
    ExtensionFactory(extension="201", pbx_account=pbx, department=world.office, valid_to=dt.date(2026, 3, 11))
    charge = seat_charge(world, pbx)
    charges_allocate(month=MARCH)
    # Days 1–10: 3 extensions, KZN-1 holds 2/3 and KZN-2 1/3 of each day; days 11–31 (21): KZN-1 all.
    # KZN-1: 1000 × (10·2/3 + 21) / 31 = 1000 × 83/93 = 892.473… → 892.47 (62 extension-days)
    # KZN-2: 1000 × (10·1/3) / 31 = 1000 × 10/93 = 107.526… → 107.53 (10 extension-days)
    assert seat_shares(charge) == {"KZN-1": (D("892.47"), 62), "KZN-2": (D("107.53"), 10)}


def test_days_with_no_extension_on_the_account_go_to_unassigned(world, pbx):
    ExtensionFactory(
        extension="101", pbx_account=pbx, department=world.sales, valid_from=dt.date(2026, 3, 21)
    )
    charge = seat_charge(world, pbx, amount=D("3100.00"))
    charges_allocate(month=MARCH)
    # 100.00 a day: 21–31 March (11 days) KZN-1 → 1100.00; 1–20 March (20 days) nobody → 2000.00
    assert seat_shares(charge) == {"KZN-1": (D("1100.00"), 11), None: (D("2000.00"), 20)}


def test_a_charge_starting_mid_month_shares_only_its_days_in_force(world, pbx):
    ExtensionFactory(extension="201", pbx_account=pbx, department=world.office)
    ExtensionFactory(
        extension="101", pbx_account=pbx, department=world.sales, valid_from=dt.date(2026, 3, 25)
    )
    charge = seat_charge(world, pbx, amount=D("3100.00"), valid_from=dt.date(2026, 3, 17))
    charges_allocate(month=MARCH)
    # In force 17–31 March (15 days of 100.00). 17–24 (8 days): KZN-2 alone → 800.00;
    # 25–31 (7 days): one extension each → 350.00 each. KZN-2 1150.00 (15 ext-days), KZN-1 350.00 (7).
    assert seat_shares(charge) == {"KZN-2": (D("1150.00"), 15), "KZN-1": (D("350.00"), 7)}


def test_extensions_of_other_accounts_or_of_no_account_do_not_count(world, pbx):
    ExtensionFactory(extension="101", pbx_account=pbx, department=world.sales)
    ExtensionFactory(extension="201", pbx_account=PbxAccountFactory(), department=world.office)
    ExtensionFactory(extension="202", pbx_account=None, department=world.office)
    charge = seat_charge(world, pbx)
    charges_allocate(month=MARCH)
    assert seat_shares(charge) == {"KZN-1": (D("1000.00"), 31)}


def test_yearly_seat_fee_is_a_twelfth_and_one_off_is_split_by_the_extensions_of_its_due_day(world, pbx):
    ExtensionFactory(extension="101", pbx_account=pbx, department=world.sales)
    ExtensionFactory(extension="102", pbx_account=pbx, department=world.sales)
    ExtensionFactory(
        extension="201", pbx_account=pbx, department=world.office, valid_from=dt.date(2026, 3, 5)
    )
    yearly = seat_charge(
        world, pbx, name="Licence", amount=D("12400.00"), period=RecurringCharge.Period.YEARLY
    )
    one_off = seat_charge(
        world,
        pbx,
        name="Setup",
        amount=D("600.00"),
        period=RecurringCharge.Period.ONE_OFF,
        valid_from=dt.date(2026, 3, 5),
    )
    charges_allocate(month=MARCH)
    # Yearly 12400 → 1033.33… a month, 33.33… a day. Days 1–4: KZN-1 all (4 days);
    # days 5–31 (27): KZN-1 2/3, KZN-2 1/3. KZN-1: 12400/12 × (4 + 18) / 31 = 12400 × 22 / 372 = 733.33;
    # KZN-2: 12400/12 × 9 / 31 = 12400 × 9 / 372 = 300.00. Sum 1033.33.
    assert seat_shares(yearly) == {"KZN-1": (D("733.33"), 62), "KZN-2": (D("300.00"), 27)}
    # One-off due on 5 March, three extensions that day: 600 × 2/3 = 400.00, 600 × 1/3 = 200.00.
    assert seat_shares(one_off) == {"KZN-1": (D("400.00"), 2), "KZN-2": (D("200.00"), 1)}
    assert {a.kind for a in ChargeAllocation.objects.filter(charge=one_off)} == {"one_off"}


def test_seat_fees_reach_the_departments_lines_of_the_report(world, pbx):
    ExtensionFactory(extension="101", pbx_account=pbx, department=world.sales)
    ExtensionFactory(extension="201", pbx_account=pbx, department=world.office)
    seat_charge(world, pbx, amount=D("701.00"))
    data = cost_report_data(cost_report_build(month=MARCH))
    by_code = {d["code"]: d for d in data["departments"]}
    # 701 / 2 = 350.50 each; plus the number rent 500.00 of KZN-1's number.
    assert by_code["KZN-1"]["recurring"] == "850.50"
    assert by_code["KZN-2"]["recurring"] == "350.50"
    assert data["unassigned"]["recurring"] == "0.00"


def test_with_one_unit_unit_days_prorate_exactly_like_days_held():
    periods = [
        ("A", dt.date(2026, 3, 1), dt.date(2026, 3, 11)),
        ("B", dt.date(2026, 3, 11), dt.date(2026, 3, 28)),
    ]
    shares, units = prorate_by_units(D("500.00"), periods, MARCH)
    assert shares == prorate(D("500.00"), {"A": 10, "B": 17}, 31)
    assert units == {"A": 10, "B": 17, None: 4}
