"""Billing factories; call records reuse the calls app's factory with billing-friendly defaults."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from apps.billing.models import Budget
from tests.calls import factories as calls_factories
from tests.factories import DepartmentFactory


class CallRecordFactory(calls_factories.CallRecordFactory):
    """An answered outbound call from our Kazan number at 09:00 UTC on 10 March 2026."""

    started_at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    billsec = 60
    duration = factory.LazyAttribute(lambda o: o.billsec + 5)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(seconds=o.duration))
    answered_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(seconds=5))
    caller = "+78432000001"
    callee = "89171234567"
    extension = ""


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    department = factory.SubFactory(DepartmentFactory)
    period = dt.date(2026, 3, 1)
    amount = Decimal("1000.00")
