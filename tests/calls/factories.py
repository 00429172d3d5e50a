"""Factories for the calls app."""

from __future__ import annotations

import factory

from apps.calls.models import Source, StatementProfile


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
