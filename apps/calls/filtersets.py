from __future__ import annotations

import django_filters
from django.db.models import Q

from .connectors.base import normalise_party
from .models import CallRecord, ImportRun


class CallRecordFilterSet(django_filters.FilterSet):
    department = django_filters.NumberFilter(field_name="department_id")
    department_code = django_filters.CharFilter(field_name="department__code")
    unassigned = django_filters.BooleanFilter(field_name="department", lookup_expr="isnull")
    source = django_filters.CharFilter(field_name="source__slug")
    number = django_filters.CharFilter(method="filter_number", label="our number, caller or callee")
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = CallRecord
        fields = ["direction", "disposition", "call_group_id", "extension"]

    def filter_number(self, queryset, name, value):
        number = normalise_party(value.replace(" ", "").replace("-", "").replace("(", "").replace(")", ""))
        return queryset.filter(Q(our_number__number=number) | Q(caller=number) | Q(callee=number))


class ImportRunFilterSet(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source__slug")

    class Meta:
        model = ImportRun
        fields = ["status", "kind"]
