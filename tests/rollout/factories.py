"""Factories for the rollout app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from apps.accounts.models import User
from apps.rollout.models import (
    Candidate,
    MigrationItem,
    ProviderSelection,
    Requirement,
    RolloutPhase,
    RolloutProject,
)
from apps.telecom.models import Provider
from tests.factories import CityFactory, PhoneNumberFactory, ProviderFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"owner{n}")


class RolloutProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RolloutProject

    name = factory.Sequence(lambda n: f"Rollout {n}")
    goal = "Connect every salon to the cloud PBX"
    owner = factory.SubFactory(UserFactory)
    start_date = dt.date(2026, 1, 1)


class RolloutPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RolloutPhase

    project = factory.SubFactory(RolloutProjectFactory)
    city = factory.SubFactory(CityFactory)
    order = factory.Sequence(lambda n: n + 1)


class MigrationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MigrationItem

    number = factory.SubFactory(
        PhoneNumberFactory, intermediary=factory.SubFactory(ProviderFactory, kind=Provider.Kind.PBX_PROVIDER)
    )
    monthly_fee_before = factory.LazyAttribute(lambda o: o.number.monthly_fee)
    one_off_cost = Decimal("0.00")


class ProviderSelectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderSelection

    title = factory.Sequence(lambda n: f"Choosing a PBX {n}")
    kind = ProviderSelection.Kind.PBX


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    selection = factory.SubFactory(ProviderSelectionFactory)
    text = factory.Sequence(lambda n: f"Requirement {n}")
    priority = Requirement.Priority.MUST


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    selection = factory.SubFactory(ProviderSelectionFactory)
    provider = factory.SubFactory(ProviderFactory, kind=Provider.Kind.PBX_PROVIDER)
