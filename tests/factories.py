"""One factory per model of the foundation apps (company, telecom). Later apps keep theirs in
tests/<app>/factories.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from apps.company.models import City, Department, Employee
from apps.telecom.models import (
    CallRoute,
    Device,
    Extension,
    Line,
    NumberAssignment,
    PbxAccount,
    PhoneNumber,
    Provider,
)


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"City {n}")
    timezone = "Europe/Moscow"
    area_code = factory.Sequence(lambda n: f"{843 + n % 100}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Salon {n}")
    city = factory.SubFactory(CityFactory)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    name = factory.Sequence(lambda n: f"Employee {n}")
    department = factory.SubFactory(DepartmentFactory)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Operator {n}")
    kind = Provider.Kind.OPERATOR


class PbxAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PbxAccount

    provider = factory.SubFactory(ProviderFactory, kind=Provider.Kind.PBX_PROVIDER)
    account_id = factory.Sequence(lambda n: f"acc-{n}")


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneNumber

    # A range no test writes by hand, so a sequence never collides with an explicit number.
    number = factory.Sequence(lambda n: f"+7843900{n % 10000:04d}")
    city = factory.SubFactory(CityFactory)
    carrier = factory.SubFactory(ProviderFactory)
    monthly_fee = Decimal("500.00")


class NumberAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumberAssignment

    number = factory.SubFactory(PhoneNumberFactory)
    department = factory.SubFactory(DepartmentFactory)
    valid_from = dt.date(2026, 1, 1)


class LineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Line

    name = factory.Sequence(lambda n: f"line-{n}")
    provider = factory.SubFactory(ProviderFactory)
    city = factory.SubFactory(CityFactory)
    trunk_id = factory.Sequence(lambda n: f"trunk-{n}")
    channels = 4


class ExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Extension

    extension = factory.Sequence(lambda n: f"{100 + n % 900}")
    department = factory.SubFactory(DepartmentFactory)
    valid_from = dt.date(2026, 1, 1)


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    kind = Device.Kind.IP_PHONE
    model = "Yealink T31P"
    serial = factory.Sequence(lambda n: f"SN{n:06d}")
    department = factory.SubFactory(DepartmentFactory)


class CallRouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallRoute

    number = factory.SubFactory(PhoneNumberFactory)
