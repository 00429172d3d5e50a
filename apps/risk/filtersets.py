"""Filters of the risk register, shared by the API and the page."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.contracts.models import Contract
from apps.telecom.models import Provider

from .models import RiskCode, RiskFinding, Severity
from .policy import RANK


class RiskFindingFilterSet(django_filters.FilterSet):
    code = django_filters.MultipleChoiceFilter(choices=RiskCode.choices, label=_("Risk code"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"))
    min_severity = django_filters.ChoiceFilter(
        choices=Severity.choices, method="filter_min_severity", label=_("At least")
    )
    status = django_filters.MultipleChoiceFilter(choices=RiskFinding.Status.choices, label=_("Status"))
    provider = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.all(),
        field_name="document__contract__parties__provider",
        distinct=True,
        label=_("Provider"),
    )
    contract = django_filters.ModelChoiceFilter(
        queryset=Contract.objects.all(), field_name="document__contract", label=_("Contract")
    )
    current = django_filters.BooleanFilter(
        method="filter_current", label=_("Latest document version only (default: yes)")
    )

    class Meta:
        model = RiskFinding
        fields = ["code", "severity", "min_severity", "status", "provider", "contract", "document", "current"]

    def filter_min_severity(self, queryset, name, value):
        return queryset.filter(severity__in=[s for s, rank in RANK.items() if rank >= RANK[value]])

    def filter_current(self, queryset, name, value):
        return queryset.current() if value else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Older versions are history: unless asked otherwise (or a version is named), show the current text.
        if self.form.cleaned_data.get("current") is None and not self.form.cleaned_data.get("document"):
            queryset = queryset.current()
        return queryset
