"""Factories for call records (the calls app keeps none yet) and billing models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from apps.billing.models import Budget
from apps.calls.models import CallRecord, Source
from tests.factories import DepartmentFactory


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    slug = "asterisk-test"
    connector = "asterisk_csv"
    timezone = "Europe/Moscow"


class CallRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallRecord

    source = factory.SubFactory(SourceFactory)
    external_id = factory.Sequence(lambda n: f"cdr-{n}")
    started_at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    billsec = 60
    duration = factory.LazyAttribute(lambda o: o.billsec + 5)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(seconds=o.duration))
    direction = CallRecord.Direction.OUT
    disposition = CallRecord.Disposition.ANSWERED
    caller = "+78432000001"
    callee = "89171234567"


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    department = factory.SubFactory(DepartmentFactory)
    period = dt.date(2026, 3, 1)
    amount = Decimal("1000.00")
