"""Filters shared by the contracts API and pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.company.models import City
from apps.telecom.models import Provider

from .models import (
    Contract,
    ContractDocument,
    ContractLine,
    ContractNumber,
    ContractParty,
    Rate,
    RecurringCharge,
    Tariff,
)


@extend_schema_field(OpenApiTypes.INT)
class CityFilter(django_filters.ModelChoiceFilter):
    """A city id, matched through the numbers and lines a contract covers."""


class ContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Code or title contains"))
    provider = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.all(), field_name="parties__provider", distinct=True, label=_("Provider")
    )
    city = CityFilter(queryset=City.objects.all(), method="filter_city", label=_("City"))
    expiring_within = django_filters.NumberFilter(
        method="filter_expiring", min_value=0, max_value=3660, label=_("Term ends within, days")
    )
    in_notice_window = django_filters.BooleanFilter(method="filter_notice", label=_("In notice window"))

    class Meta:
        model = Contract
        fields = ["q", "kind", "status", "renewal", "parent", "provider", "city"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))

    def filter_city(self, queryset, name, value):
        # A contract is "in" a city when a number or line it covers is there.
        return queryset.filter(
            Q(covered_numbers__number__city=value) | Q(covered_lines__line__city=value)
        ).distinct()

    def filter_expiring(self, queryset, name, value):
        return queryset.expiring_within(days=int(value))

    def filter_notice(self, queryset, name, value):
        if value:
            return queryset.in_notice_window()
        return queryset.exclude(pk__in=Contract.objects.in_notice_window().values("pk"))


class ContractPartyFilterSet(django_filters.FilterSet):
    class Meta:
        model = ContractParty
        fields = ["contract", "provider", "role"]


class ContractDocumentFilterSet(django_filters.FilterSet):
    class Meta:
        model = ContractDocument
        fields = ["contract", "kind", "sha256"]


class ContractNumberFilterSet(django_filters.FilterSet):
    on = django_filters.DateFilter(method="filter_on", label=_("In force on"))

    class Meta:
        model = ContractNumber
        fields = ["contract", "number"]

    def filter_on(self, queryset, name, value):
        return queryset.effective_on(value)


class ContractLineFilterSet(django_filters.FilterSet):
    on = django_filters.DateFilter(method="filter_on", label=_("In force on"))

    class Meta:
        model = ContractLine
        fields = ["contract", "line"]

    def filter_on(self, queryset, name, value):
        return queryset.effective_on(value)


class TariffFilterSet(django_filters.FilterSet):
    on = django_filters.DateFilter(method="filter_on", label=_("In force on"))

    class Meta:
        model = Tariff
        fields = ["contract", "code", "currency"]

    def filter_on(self, queryset, name, value):
        return queryset.effective_on(value)


class RateFilterSet(django_filters.FilterSet):
    prefix_starts = django_filters.CharFilter(field_name="prefix", lookup_expr="startswith")

    class Meta:
        model = Rate
        fields = ["tariff", "prefix", "prefix_starts"]


class RecurringChargeFilterSet(django_filters.FilterSet):
    on = django_filters.DateFilter(method="filter_on", label=_("In force on"))

    class Meta:
        model = RecurringCharge
        fields = ["contract", "kind", "period", "line", "pbx_account", "department", "number"]

    def filter_on(self, queryset, name, value):
        return queryset.effective_on(value)


class ContractPageFilterSet(ContractFilterSet):
    """The register page's form: the same filters without `parent` (a drop-down of every contract)."""

    class Meta(ContractFilterSet.Meta):
        fields = ["q", "kind", "status", "renewal", "provider", "city"]
