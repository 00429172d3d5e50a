"""Factories for the calls app."""

from __future__ import annotations

import datetime as dt

import factory

from apps.calls.models import CallRecord, ImportRun, Source, StatementProfile


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"pbx-{n}")
    connector = "asterisk_csv"
    timezone = "Europe/Moscow"


class StatementProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementProfile

    name = factory.Sequence(lambda n: f"Operator profile {n}")
    columns = factory.LazyFunction(
        lambda: {
            "start": "Дата и время",
            "caller": "Номер А",
            "callee": "Номер Б",
            "duration": "Длительность",
            "cost": "Стоимость, руб.",
        }
    )


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    source = factory.SubFactory(SourceFactory)
    connector = "asterisk_csv"
    file_name = "Master.csv"


class CallRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallRecord

    source = factory.SubFactory(SourceFactory)
    external_id = factory.Sequence(lambda n: f"{1741000000 + n}.{n}:1")
    started_at = factory.Sequence(
        lambda n: dt.datetime(2025, 3, 3, 7, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    )
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(seconds=60))
    answered_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(seconds=5))
    duration = 60
    billsec = 55
    direction = CallRecord.Direction.OUT
    disposition = CallRecord.Disposition.ANSWERED
    caller = "101"
    callee = "+79171234567"
    extension = "101"
