"""Filters of the telecom pages (the API keeps its own FilterSets in filtersets.py)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.company.models import City, Department
from apps.core.pages import local_today, search_q

from .models import Device, Line, NumberAssignment, PhoneNumber, Provider


def held_on(queryset, day: dt.date, *, held: bool = True):
    """Numbers that a salon holds on `day` (held=True), or that nobody holds (held=False)."""
    assignment = NumberAssignment.objects.effective_on(day).filter(number=OuterRef("pk"))
    return queryset.filter(Exists(assignment) if held else ~Exists(assignment))


def phone_digits(value: str) -> str:
    """What to look for in an E.164 number when a person types `8 (843) 200` or `+7 843`."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]  # the Russian trunk prefix 8 is the country code 7 in E.164
    return digits


class NumberPageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or note"))
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), label=_("City"))
    kind = django_filters.ChoiceFilter(choices=PhoneNumber.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=PhoneNumber.Status.choices, label=_("Status"))
    carrier = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.filter(kind=Provider.Kind.OPERATOR), label=_("Carrier")
    )
    intermediary = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.exclude(kind=Provider.Kind.OPERATOR), label=_("Intermediary")
    )
    through_intermediary = django_filters.BooleanFilter(
        field_name="intermediary", lookup_expr="isnull", exclude=True, label=_("Through an intermediary")
    )
    held = django_filters.BooleanFilter(method="filter_held", label=_("Held by a salon today"))

    class Meta:
        model = PhoneNumber
        fields = ["q", "city", "kind", "status", "carrier", "intermediary", "through_intermediary", "held"]

    def filter_held(self, queryset, name, value):
        return held_on(queryset, local_today(), held=value)

    def search(self, queryset, name, value):
        digits = phone_digits(value)
        condition = search_q(["notes"], value)
        if digits:
            condition |= Q(number__contains=digits)
        return queryset.filter(condition)


class ProviderPageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Provider.Kind.choices, label=_("Kind"))

    class Meta:
        model = Provider
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(["name", "legal_name"], value) | Q(inn__startswith=value.strip()))


class LinePageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or trunk id"))
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), label=_("City"))
    provider = django_filters.ModelChoiceFilter(queryset=Provider.objects.all(), label=_("Provider"))
    kind = django_filters.ChoiceFilter(choices=Line.Kind.choices, label=_("Kind"))

    class Meta:
        model = Line
        fields = ["q", "city", "provider", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(["name", "trunk_id"], value))


class DevicePageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Model, serial or MAC"))
    city = django_filters.ModelChoiceFilter(
        field_name="department__city", queryset=City.objects.all(), label=_("City")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.select_related("city"), label=_("Department")
    )
    kind = django_filters.ChoiceFilter(choices=Device.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Device.Status.choices, label=_("Status"))

    class Meta:
        model = Device
        fields = ["q", "city", "department", "kind", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            search_q(["model", "serial", "mac"], value.replace("-", ":") if len(value) == 17 else value)
        )


class AtRiskPageFilter(django_filters.FilterSet):
    intermediary = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.exclude(kind=Provider.Kind.OPERATOR), label=_("Intermediary")
    )
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), label=_("City"))

    class Meta:
        model = PhoneNumber
        fields = ["intermediary", "city"]
