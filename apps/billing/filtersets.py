from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError

from .models import Budget, Invoice, RatedCall
from .rating import Month


class MonthFilter(django_filters.CharFilter):
    """`?month=2026-03` → the billing period starting on that month's first day."""

    def filter(self, qs, value):
        if not value:
            return qs
        try:
            month = Month.parse(value)
        except ValueError as exc:
            raise ValidationError({self.field_name: str(exc)}) from exc
        return qs.filter(**{self.field_name: month.first_day})


class RatedCallFilterSet(django_filters.FilterSet):
    month = MonthFilter(field_name="period", label="YYYY-MM")
    department = django_filters.CharFilter(field_name="department__code")
    unassigned = django_filters.BooleanFilter(field_name="department", lookup_expr="isnull")
    contract = django_filters.CharFilter(field_name="contract__code")

    class Meta:
        model = RatedCall
        fields = ["status", "call_type", "prefix"]


class BudgetFilterSet(django_filters.FilterSet):
    month = MonthFilter(field_name="period", label="YYYY-MM")
    department = django_filters.CharFilter(field_name="department__code")
    year = django_filters.NumberFilter(field_name="period__year")

    class Meta:
        model = Budget
        fields = []


class InvoiceFilterSet(django_filters.FilterSet):
    month = MonthFilter(field_name="period", label="YYYY-MM")
    provider = django_filters.CharFilter(field_name="provider__name")
    contract = django_filters.CharFilter(field_name="contract__code")

    class Meta:
        model = Invoice
        fields = ["status", "price_change_suspected"]
