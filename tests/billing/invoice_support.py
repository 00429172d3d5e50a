"""The invoice tests' world: the Kazan billing world plus the operator who bills contract TT-2026.

March 2026 on TT-2026 (tariff 60/60: mobile 79 at 1.20/min + 0.50 connection, local 78432 at 0.40/min):
- two calls from our number +7 843 200-00-01: to +7 917 123-45-67, 61 s → 2.90; to +7 843 212-34-56,
  30 s → 0.40;
- the line fee "Абонентская плата за линию" 1000.00 a month; our number's rent 500.00 a month.
An invoice that agrees with all of it: `matching_lines()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from apps.billing.invoices import services as inv
from apps.billing.models import InvoiceLine
from apps.billing.rating import Month
from apps.billing.services import calls_rate, charges_allocate
from tests.contracts.factories import ContractNumberFactory, ContractPartyFactory, RecurringChargeFactory
from tests.factories import ProviderFactory

from .factories import CallRecordFactory

D = Decimal
MARCH = Month(2026, 3)
LINE_FEE = "Абонентская плата за линию"


def at(day: int, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=dt.UTC)


@dataclass
class InvoiceWorld:
    base: object
    provider: object
    contract: object
    charge: object
    calls: list


@pytest.fixture
def inv_world(world) -> InvoiceWorld:
    contract = world.contract
    contract.dispute_window_days = 5
    contract.penalty_rate_per_day = D("0.1")
    contract.penalty_cap = D("10")
    contract.save()
    provider = ProviderFactory(name="Таттелеком", legal_name="ПАО «Таттелеком»")
    ContractPartyFactory(contract=contract, provider=provider)
    ContractNumberFactory(contract=contract, number=world.number, valid_from=dt.date(2026, 1, 1))
    charge = RecurringChargeFactory(
        contract=contract, name=LINE_FEE, amount=D("1000.00"), department=None, line=world.line
    )
    calls = [
        CallRecordFactory(
            callee="+79171234567", billsec=61, started_at=at(10), line=world.line,
            our_number=world.number, department=world.sales,
        ),
        CallRecordFactory(
            callee="+78432123456", billsec=30, started_at=at(11, 14), line=world.line,
            our_number=world.number, department=world.sales,
        ),
    ]  # fmt: skip
    calls_rate(month=MARCH)
    charges_allocate(month=MARCH)
    return InvoiceWorld(world, provider, contract, charge, calls)


def call_line(started, callee, seconds, cost, number="+78432000001") -> InvoiceLine:
    return InvoiceLine(
        kind=InvoiceLine.Kind.CALL,
        started_at=started,
        callee=callee,
        duration=seconds,
        amount=D(cost),
        number=number,
        service="Исходящая связь",
    )


def fee_line(service, amount, number="") -> InvoiceLine:
    return InvoiceLine(kind=InvoiceLine.Kind.FEE, service=service, amount=D(amount), number=number)


def matching_lines() -> list[InvoiceLine]:
    return [
        fee_line(LINE_FEE, "1000.00"),
        fee_line("Аренда номера", "500.00", number="+78432000001"),
        call_line(at(10, 9, 0, 20), "89171234567", 61, "2.90"),
        call_line(at(11, 14), "+78432123456", 30, "0.40"),
    ]


def make_invoice(w: InvoiceWorld, lines, *, number="INV-1", received=dt.date(2026, 4, 2), due=None, **kw):
    return inv.invoice_create(
        contract=w.contract,
        number=number,
        issue_date=dt.date(2026, 4, 1),
        received_date=received,
        month=MARCH,
        due_date=due,
        lines=lines,
        **kw,
    )
