"""Filters for inventory lists (API and pages), e.g. `/api/v1/numbers/?city=3&at_risk=true`."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone

from apps.company.models import City, Department, Employee
from apps.core.phones import normalize_phone

from .models import CallRoute, Device, Extension, Line, NumberAssignment, PbxAccount, PhoneNumber, Provider


class PhoneFormField(forms.CharField):
    """A number typed in any usual form (`8 (843) 200-00-00`), cleaned to E.164."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value


class PhoneFilter(django_filters.CharFilter):
    field_class = PhoneFormField


class EffectiveOnFilter(django_filters.DateFilter):
    """`?effective_on=2026-10-15`: rows whose half-open period covers that day."""

    def filter(self, qs, value):
        return qs.effective_on(value) if value else qs


class ProviderFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Provider
        fields = ["name", "kind", "inn"]


class PbxAccountFilterSet(django_filters.FilterSet):
    provider = django_filters.ModelMultipleChoiceFilter(queryset=Provider.objects.all())

    class Meta:
        model = PbxAccount
        fields = ["provider", "account_id"]


class PhoneNumberFilterSet(django_filters.FilterSet):
    number = PhoneFilter(help_text="Any usual form; compared as E.164.")
    city = django_filters.ModelMultipleChoiceFilter(queryset=City.objects.all())
    carrier = django_filters.ModelMultipleChoiceFilter(queryset=Provider.objects.all())
    intermediary = django_filters.ModelMultipleChoiceFilter(queryset=Provider.objects.all())
    direct = django_filters.BooleanFilter(
        field_name="intermediary", lookup_expr="isnull", help_text="true: rented without an intermediary."
    )
    status = django_filters.MultipleChoiceFilter(choices=PhoneNumber.Status.choices)
    kind = django_filters.MultipleChoiceFilter(choices=PhoneNumber.Kind.choices)
    at_risk = django_filters.BooleanFilter(
        method="filter_at_risk",
        help_text="true: held through an intermediary and not released (lost if we leave that provider).",
    )
    department = django_filters.ModelChoiceFilter(
        field_name="assignments__department",
        queryset=Department.objects.all(),
        method="filter_department",
        help_text="Department the number is assigned to today.",
    )

    class Meta:
        model = PhoneNumber
        fields = ["number", "city", "carrier", "intermediary", "pbx_account", "status", "kind"]

    def filter_at_risk(self, queryset, name, value):
        at_risk = PhoneNumber.objects.at_risk().values("pk")
        return queryset.filter(pk__in=at_risk) if value else queryset.exclude(pk__in=at_risk)

    def filter_department(self, queryset, name, value):
        held = NumberAssignment.objects.effective_on(timezone.localdate()).filter(department=value)
        return queryset.filter(pk__in=held.values("number_id"))


class NumberAssignmentFilterSet(django_filters.FilterSet):
    number = django_filters.ModelMultipleChoiceFilter(queryset=PhoneNumber.objects.all())
    department = django_filters.ModelMultipleChoiceFilter(queryset=Department.objects.all())
    city = django_filters.ModelMultipleChoiceFilter(
        field_name="department__city", queryset=City.objects.all(), label="City"
    )
    effective_on = EffectiveOnFilter(label="Effective on")

    class Meta:
        model = NumberAssignment
        fields = ["number", "department", "city", "effective_on"]


class LineFilterSet(django_filters.FilterSet):
    provider = django_filters.ModelMultipleChoiceFilter(queryset=Provider.objects.all())
    city = django_filters.ModelMultipleChoiceFilter(queryset=City.objects.all())
    department = django_filters.ModelMultipleChoiceFilter(queryset=Department.objects.all())

    class Meta:
        model = Line
        fields = ["kind", "provider", "city", "department", "trunk_id"]


class ExtensionFilterSet(django_filters.FilterSet):
    pbx_account = django_filters.ModelMultipleChoiceFilter(queryset=PbxAccount.objects.all())
    department = django_filters.ModelMultipleChoiceFilter(queryset=Department.objects.all())
    employee = django_filters.ModelMultipleChoiceFilter(queryset=Employee.objects.all())
    effective_on = EffectiveOnFilter(label="Effective on")

    class Meta:
        model = Extension
        fields = ["extension", "pbx_account", "department", "employee", "effective_on"]


class DeviceFilterSet(django_filters.FilterSet):
    department = django_filters.ModelMultipleChoiceFilter(queryset=Department.objects.all())
    employee = django_filters.ModelMultipleChoiceFilter(queryset=Employee.objects.all())
    city = django_filters.ModelMultipleChoiceFilter(
        field_name="department__city", queryset=City.objects.all(), label="City"
    )
    kind = django_filters.MultipleChoiceFilter(choices=Device.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Device.Status.choices)
    mac = django_filters.CharFilter(method="filter_mac", help_text="00:1A:2B:3C:4D:5E or 00-1a-2b-3c-4d-5e")

    class Meta:
        model = Device
        fields = ["kind", "status", "department", "employee", "city", "serial", "mac"]

    def filter_mac(self, queryset, name, value):
        return queryset.filter(mac=value.upper().replace("-", ":"))


class CallRouteFilterSet(django_filters.FilterSet):
    number = django_filters.ModelMultipleChoiceFilter(queryset=PhoneNumber.objects.all())
    kind = django_filters.MultipleChoiceFilter(choices=CallRoute.Kind.choices)
    member = django_filters.ModelChoiceFilter(
        field_name="members", queryset=Extension.objects.all(), label="Member extension"
    )
    department = django_filters.ModelChoiceFilter(
        field_name="members__department",
        queryset=Department.objects.all(),
        method="filter_department",
        help_text="Routes ringing an extension of this department.",
    )

    class Meta:
        model = CallRoute
        fields = ["number", "kind", "strategy", "member", "department"]

    def filter_department(self, queryset, name, value):
        return queryset.filter(members__department=value).distinct()
