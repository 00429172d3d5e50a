"""Factories for the contracts app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from apps.contracts.models import (
    Contract,
    ContractDocument,
    ContractLine,
    ContractNumber,
    ContractParty,
    Rate,
    RecurringCharge,
    Tariff,
)
from tests.factories import DepartmentFactory, LineFactory, PhoneNumberFactory, ProviderFactory


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    code = factory.Sequence(lambda n: f"C-{n:04d}")
    title = factory.Sequence(lambda n: f"Договор оказания услуг связи № {n}")
    kind = Contract.Kind.SERVICE
    status = Contract.Status.SIGNED
    signed_on = dt.date(2025, 12, 20)
    start_date = dt.date(2026, 1, 1)
    initial_term_months = 12
    renewal = Contract.Renewal.TACIT
    notice_days = 30


class ContractPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractParty

    contract = factory.SubFactory(ContractFactory)
    provider = factory.SubFactory(ProviderFactory)
    role = ContractParty.Role.OPERATOR


class ContractNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractNumber

    contract = factory.SubFactory(ContractFactory)
    number = factory.SubFactory(PhoneNumberFactory)
    valid_from = dt.date(2026, 1, 1)


class ContractLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractLine

    contract = factory.SubFactory(ContractFactory)
    line = factory.SubFactory(LineFactory)
    valid_from = dt.date(2026, 1, 1)


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    contract = factory.SubFactory(ContractFactory, kind=Contract.Kind.TARIFF_APPENDIX)
    name = factory.Sequence(lambda n: f"Тариф {n}")
    valid_from = dt.date(2026, 1, 1)
    increment = "60/60"


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    tariff = factory.SubFactory(TariffFactory)
    prefix = factory.Sequence(lambda n: f"7{n:04d}")
    destination = "Москва"
    price_per_minute = Decimal("1.5000")


class RecurringChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringCharge

    contract = factory.SubFactory(ContractFactory)
    name = factory.Sequence(lambda n: f"Абонентская плата {n}")
    kind = RecurringCharge.Kind.SERVICE
    amount = Decimal("1000.00")
    department = factory.SubFactory(DepartmentFactory)
    valid_from = dt.date(2026, 1, 1)


class ContractDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractDocument

    contract = factory.SubFactory(ContractFactory)
    version = factory.Sequence(lambda n: n + 1)
    file = factory.django.FileField(filename="contract.txt", data=b"text")
    original_name = "contract.txt"
    kind = ContractDocument.Kind.TXT
    content_type = "text/plain"
    size = 4
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    text = "text"
