"""A small Kazan world for billing tests: two salons, a trunk and a toll-free number under contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from apps.contracts.models import Contract
from apps.telecom.models import PhoneNumber
from tests.contracts.factories import (
    ContractFactory,
    ContractLineFactory,
    ContractNumberFactory,
    RateFactory,
    TariffFactory,
)
from tests.factories import (
    CityFactory,
    DepartmentFactory,
    LineFactory,
    NumberAssignmentFactory,
    PhoneNumberFactory,
)

D = Decimal


@dataclass
class World:
    city: object
    sales: object
    office: object
    line: object
    contract: object
    tariff: object
    number: object
    toll_free: object
    toll_free_contract: object
    toll_free_tariff: object


@pytest.fixture
def world(db, settings):
    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    kazan = CityFactory(name="Казань", area_code="843", timezone="Europe/Moscow")
    sales = DepartmentFactory(code="KZN-1", name="Салон на Баумана", city=kazan)
    office = DepartmentFactory(code="KZN-2", name="Салон в Мега", city=kazan)
    line = LineFactory(name="Таттелеком SIP", city=kazan, trunk_id="trunk-kzn")
    contract = ContractFactory(code="TT-2026", vat_rate=D("22.00"))
    ContractLineFactory(contract=contract, line=line, valid_from=dt.date(2026, 1, 1))
    tariff = TariffFactory(
        code="TT-BASE", contract=contract, increment="60/60", valid_from=dt.date(2026, 1, 1)
    )
    for prefix, price, fee in [
        ("7", "2.00", "0"),
        ("79", "1.20", "0.50"),
        ("7843", "0.80", "0"),
        ("78432", "0.40", "0"),
    ]:
        RateFactory(tariff=tariff, prefix=prefix, price_per_minute=D(price), connection_fee=D(fee))
    number = PhoneNumberFactory(number="+78432000001", city=kazan, monthly_fee=D("500.00"))
    NumberAssignmentFactory(number=number, department=sales, valid_from=dt.date(2026, 1, 1))
    toll_free = PhoneNumberFactory(
        number="+78002000600", city=kazan, kind=PhoneNumber.Kind.TOLL_FREE, monthly_fee=D("0")
    )
    NumberAssignmentFactory(number=toll_free, department=office, valid_from=dt.date(2026, 1, 1))
    tf_contract = ContractFactory(code="TF-800", vat_rate=D("22.00"), status=Contract.Status.SIGNED)
    ContractNumberFactory(contract=tf_contract, number=toll_free, valid_from=dt.date(2026, 1, 1))
    tf_tariff = TariffFactory(
        code="TF-BASE", contract=tf_contract, increment="1/1", valid_from=dt.date(2026, 1, 1)
    )
    RateFactory(tariff=tf_tariff, prefix="79", price_per_minute=D("3.00"))
    RateFactory(tariff=tf_tariff, prefix="7", price_per_minute=D("1.80"))
    return World(kazan, sales, office, line, contract, tariff, number, toll_free, tf_contract, tf_tariff)


from .invoice_support import inv_world  # noqa: E402, F401 — the invoice tests' fixture (issue 7)
